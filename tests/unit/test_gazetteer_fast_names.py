"""The quick paths of name cleaning give exactly what the general ones give, for every name and
kind form the shipped gazetteer indexes."""

from __future__ import annotations

import unicodedata

from unidecode import unidecode

from bot.domain.places import names
from bot.domain.places.index import KIND_FORMS
from bot.domain.places.model import PlaceKind
from bot.store.atlas import world_gazetteer


def _clean_reference(name: str) -> str:
    """`clean` without its ASCII shortcut (the general loop)."""
    out: list[str] = []
    for ch in unicodedata.normalize("NFKD", name.casefold()):
        if ch in names._DROP or unicodedata.combining(ch):
            continue
        if ch.isascii():
            out.append(ch)
        elif names.is_arabic(ch):
            out.append(names._ARABIC_FOLD.get(ch, ch))
        elif ch.isalnum():
            out.append(unidecode(ch))
        else:
            out.append(" ")
    return "".join(out).casefold()


def _texts() -> list[str]:
    texts = ["Mazar-e-Sharif", "Qala'-i-Naw", "Kabul`s", "ISLAM QALA", "", "  ", "a'b`c-d"]
    gaz = world_gazetteer()
    crises = ("AF", "SD", "UA", "PS", "MM")
    for place in (p for c in crises for k in PlaceKind for p in gaz.places_of_kind(k, c)):
        for base in place.all_names():
            texts.extend(form.replace("{}", base) for form in ("{}", *KIND_FORMS[place.kind]))
    return texts


def test_clean_and_normalize_and_fold_match_the_general_paths() -> None:
    for text in _texts():
        assert names.clean(text) == _clean_reference(text), text
        assert names.normalize_and_fold(text) == (names.normalize(text), names.fold(text)), text
