"""Name forms for matching places: normalized (exact) and folded (variant spellings) text.

Also the word lists that may never be a place on their own, shared by the build and the matcher.
"""

from __future__ import annotations

import re
import unicodedata

from unidecode import unidecode

_KEY_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# Characters dropped outright: apostrophes of every flavour, ayn/hamza letters, Persian joiners.
_DROP = frozenset("'`´‘’‛′ʹʻʼʽʾʿˈ\u02bf\u02be\u200c\u200d\u200e\u200f\u0640\ufeff")
_ASCII_DROP = {ord(ch): None for ch in _DROP if ch.isascii()}

# Dari/Pashto/Arabic letter variants folded to one Dari form so spellings from any source match.
_ARABIC_FOLD = {
    "ي": "ی",
    "ى": "ی",
    "ې": "ی",
    "ۍ": "ی",
    "ئ": "ی",
    "ك": "ک",
    "ڪ": "ک",
    "ګ": "گ",
    "ة": "ه",
    "ۀ": "ه",
    "ە": "ه",
    "ہ": "ه",
    "ۂ": "ه",
    "أ": "ا",
    "إ": "ا",
    "آ": "ا",
    "ٱ": "ا",
    "ؤ": "و",
    "ړ": "ر",
    "ڼ": "ن",
    "ټ": "ت",
    "ډ": "د",
    "ښ": "ش",
    "ږ": "ژ",
}

# Words that must never be taken for a place on their own (question words, news words, generic
# geography, particles that also occur inside Afghan names).  Used by the build and the matcher.
_COMMON_WORDS_TEXT = """
    a about above after again against all also am an and any anything are around as at away back
    be been before below between both but by can could day days did do does down during each even
    ever every few for from further had has have he her here his how i if in into is it its just
    last latest least like many may me might more most much my near new news next no nor not now
    of off on once only or other our out over own past per same she should since so some still
    such than that the their them then there these they this those through to today tomorrow too
    under until up upon us very was we week weeks were what when where which while who why will
    with within without would yesterday you your
    happened happening happens going event events report reports reported update updates latest
    situation sitrep brief briefing story stories info information question help please thanks
"""
_NAME_WORDS_TEXT = """
    border borders crossing crossings city cities town towns province provinces provincial
    district districts village villages capital country countries region regions area areas
    north south east west northern southern eastern western central northeast northwest southeast
    southwest centre center road roads highway highways bridge river lake mountain mountains valley
    pass gate port base camp airport airfield station market bazaar square street point post
    island upper lower old big small little great greater
    islam islamic muslim taliban government army police forces troops soldiers fighters people
    war peace attack attacks fighting fight killed dead control seized captured fell took
    farsi dari pashto persian english arabic urdu
    kala qala qalah kalay shahr bandar markaz deh pul bagh dasht khan khel kot kowt ab abad
    bala pain now naw nau char chahar sar dar bar mir ali shah haji sheikh sayed mullah
    march april june july august sunday monday tuesday wednesday thursday friday saturday
    marsh bay lash las batty washer titan tatar gala fora reg bust burka kang obe bai bak kai key
    said prc
"""
# Function words may not start or end a multi-word name; common words may not be a name alone.
FUNCTION_WORDS: frozenset[str] = frozenset(_COMMON_WORDS_TEXT.split())
COMMON_WORDS: frozenset[str] = FUNCTION_WORDS | frozenset(_NAME_WORDS_TEXT.split())


def is_valid_key(key: str) -> bool:
    """True if ``key`` is a slug usable in callback data (``[a-z0-9-]``, at most 40 chars)."""
    return 0 < len(key) <= 40 and bool(_KEY_RE.match(key))


def is_arabic(ch: str) -> bool:
    """True for a letter of the Arabic script blocks (Dari, Pashto, Arabic)."""
    o = ord(ch)
    return 0x0600 <= o <= 0x06FF or 0x0750 <= o <= 0x077F or 0x08A0 <= o <= 0x08FF


def clean(name: str) -> str:
    """Casefold, strip diacritics, transliterate Latin-ish letters, keep word separators."""
    if name.isascii():  # the common case, and the same result as the loop below
        return name.lower().translate(_ASCII_DROP)
    out: list[str] = []
    for ch in unicodedata.normalize("NFKD", name.casefold()):
        if ch in _DROP or unicodedata.combining(ch):
            continue
        if ch.isascii():
            out.append(ch)
        elif is_arabic(ch):
            out.append(_ARABIC_FOLD.get(ch, ch))
        elif ch.isalnum():
            out.append(unidecode(ch))
        else:
            out.append(" ")
    return "".join(out).casefold()


def split_words(cleaned: str) -> list[str]:
    """The words of a ``clean``-ed name (Latin digits/letters or Arabic-script runs)."""
    return [w for w in re.split(r"[^0-9a-z\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]+", cleaned) if w]


def normalize(name: str) -> str:
    """Exact-match form: casefolded, no diacritics/apostrophes/hyphens/spaces; Arabic unified."""
    return "".join(split_words(clean(name)))


_FOLD_SUBS = (("q", "k"), ("v", "w"), ("ou", "u"), ("oo", "u"), ("o", "u"), ("e", "i"), ("y", "i"))
_DOUBLE_RE = re.compile(r"(.)\1+")


def fold_word(word: str) -> str:
    """Transliteration folding of one word (q/k, o/u, e/i, y/i, ai/i, doubles, final -ah/-eh)."""
    if not word.isascii():
        return word
    for a, b in _FOLD_SUBS:
        word = word.replace(a, b)
    word = word.replace("ai", "i")
    word = _DOUBLE_RE.sub(r"\1", word)
    if len(word) > 3 and word[-2:] in ("ah", "ih"):
        word = word[:-2] + "a"
    return word


def join_folded(words: list[str]) -> str:
    """Join folded words, dropping ezafe particles (-e-, -i-, -ye-) and non-final words' -i."""
    parts: list[str] = []
    last = len(words) - 1
    for i, w in enumerate(words):
        if i > 0 and i < last and w == "i":
            continue
        if i < last and len(w) >= 4 and w.endswith("i") and w.isascii():
            w = w[:-1]
        parts.append(w)
    return "".join(parts)


def fold(name: str) -> str:
    """Scoring form: ``normalize`` plus transliteration folding so variant spellings coincide."""
    return join_folded([fold_word(w) for w in split_words(clean(name))])


def normalize_and_fold(name: str) -> tuple[str, str]:
    """``(normalize(name), fold(name))``, cleaning the name once."""
    words = split_words(clean(name))
    return "".join(words), join_folded([fold_word(w) for w in words])
