"""Leftover question words read against the stored events' words (questions.storewords)."""

from __future__ import annotations

from dataclasses import replace

from bot.domain.questions.storewords import Lexicon, check_words, crude_stem
from bot.domain.questions.understand import Query

TEXTS = (
    "Taliban fighters and soldiers exchanged fire around Sangtoda village; clashes went on.",
    "Gunmen of the Zorawar Lashkar militia raided Dehqanabad hamlet.",
    "Farmers from Margha Kalay marched on the governor's office in Qala-i-Naw.",
)


def _lexicon(cap: int = 10_000) -> Lexicon:
    lexicon = Lexicon(cap)
    lexicon.add_text(TEXTS)
    return lexicon


def test_known_words_by_form_and_folded() -> None:
    lexicon = _lexicon()
    assert lexicon.knows("Sangtoda") and lexicon.knows("SANGTODA")
    assert lexicon.knows("clashing")  # "clashes" is stored: the same crude stem
    assert lexicon.knows("Dehqānābād")  # diacritics folded, as the full-text index does
    assert not lexicon.knows("xqzvbl")
    assert crude_stem("raided") == "raid" and crude_stem("fires") == "fire"


def test_a_misspelling_is_one_edit_off_two_from_eight_letters() -> None:
    lexicon = _lexicon()
    assert lexicon.closest("Sangtodda") == "sangtoda"  # a letter added
    assert lexicon.closest("kaley") == "kalay"  # a letter changed
    assert lexicon.closest("Dehkanabd") == "dehqanabad"  # two edits in a long word
    assert lexicon.closest("margah") is None  # two edits in a short word: not a guess
    assert lexicon.closest("Zora") is None  # too short to guess


def test_words_are_read_as_stored_or_ignored_with_notes() -> None:
    query = Query(text="clashes near Sangtodda qwxyz", words=("sangtodda", "qwxyz"), kinds=("x",))
    checked, notes = check_words(query, _lexicon())
    assert checked.words == ("sangtoda",)
    assert notes == ("read sangtodda as sangtoda", "ignored: qwxyz")


def test_unknown_names_are_corrected_never_dropped() -> None:
    lexicon = _lexicon()
    checked, notes = check_words(Query(text="q", unknown_name="Margha Kaley"), lexicon)
    assert (checked.unknown_name, notes) == ("Margha Kalay", ("read Margha Kaley as Margha Kalay",))
    unknown = Query(text="q", unknown_name="Nowhereville")
    assert check_words(unknown, lexicon) == (unknown, ())


def test_nothing_is_dropped_when_nothing_else_is_asked_or_the_vocabulary_is_partial() -> None:
    only_words = Query(text="qwxyz", words=("qwxyz",))
    assert check_words(only_words, _lexicon()) == (only_words, ())  # the honest "nothing"
    partial = _lexicon(cap=3)
    assert not partial.complete
    with_kind = replace(only_words, kinds=("x",))
    assert check_words(with_kind, partial) == (with_kind, ())
    phrase = replace(with_kind, words=("took control", "seizure"))  # the grammar's synonyms
    assert check_words(phrase, _lexicon()) == (phrase, ())
