"""Words that say what kind of place a name is ("Herat province", "city of Goma", "ولاية X").

A name written with such a word is looked up without it, among places of the kinds it names.
Language vocabulary, not data about any country: an area's own kind word from the gazetteer
("oblast", "governorate", "state") counts as well.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.places.model import Place, PlaceKind
from bot.domain.places.names import normalize

_P, _D, _T, _X, _C = (
    PlaceKind.PROVINCE,
    PlaceKind.DISTRICT,
    PlaceKind.TOWN,
    PlaceKind.CROSSING,
    PlaceKind.COUNTRY,
)
_AREAS = frozenset({_P, _D})

# word (normalized) -> the kinds it names; suffixes follow the name, prefixes come before it.
SUFFIXES: dict[str, frozenset[PlaceKind]] = {
    "province": frozenset({_P}),
    "district": frozenset({_D}),
    "city": frozenset({_T}),
    "town": frozenset({_T}),
    "village": frozenset({_T}),
    "crossing": frozenset({_X}),
    "bordercrossing": frozenset({_X}),
    "crossingpoint": frozenset({_X}),
    "borderpoint": frozenset({_X}),
    "port": frozenset({_X}),
    "gate": frozenset({_X}),
    "border": frozenset({_X, _C}),
    "oblast": _AREAS,
    "governorate": _AREAS,
    "state": frozenset({_P}),
    "region": _AREAS,
    "department": _AREAS,
    "county": _AREAS,
    "prefecture": _AREAS,
    "raion": frozenset({_D}),
    "rayon": frozenset({_D}),
    "territory": _AREAS,
    "municipality": _AREAS,
    "commune": _AREAS,
    "ولایت": frozenset({_P}),
    "ولسوالی": frozenset({_D}),
    "область": frozenset({_P}),
    "район": frozenset({_D}),
}
PREFIXES: dict[str, frozenset[PlaceKind]] = {
    "provinceof": frozenset({_P}),
    "districtof": frozenset({_D}),
    "cityof": frozenset({_T}),
    "townof": frozenset({_T}),
    "villageof": frozenset({_T}),
    "stateof": frozenset({_P}),
    "regionof": _AREAS,
    "governorateof": _AREAS,
    "ولایت": frozenset({_P}),
    "ولسوالی": frozenset({_D}),
    "شهر": frozenset({_T}),
    "ولایه": frozenset({_P}),  # Arabic wilaya (state), as normalized
    "محافظه": _AREAS,  # Arabic muhafaza (governorate), as normalized
    "مدینه": frozenset({_T}),  # Arabic madina (city), as normalized
    "منطقه": _AREAS,
}
MAX_AFFIX_WORDS = 2


@dataclass(frozen=True, slots=True)
class KindForm:
    """A name written with a kind word: the bare name's words and what the word allows."""

    start: int  # first word of the bare name
    end: int  # one past its last word
    word: str  # the kind word, normalized
    kinds: frozenset[PlaceKind]


def kind_forms(words: list[str]) -> list[KindForm]:
    """Ways to read normalized `words` as a kind word plus a bare name (none for one word)."""
    out: list[KindForm] = []
    n = len(words)
    for k in range(1, min(MAX_AFFIX_WORDS, n - 1) + 1):
        tail = "".join(words[n - k :])
        if tail in SUFFIXES:
            out.append(KindForm(0, n - k, tail, SUFFIXES[tail]))
        elif k == 1 and n >= 2:
            out.append(KindForm(0, n - 1, tail, frozenset()))  # maybe the area's own word
        head = "".join(words[:k])
        if head in PREFIXES:
            out.append(KindForm(k, n, head, PREFIXES[head]))
    return out


def fits(place: Place, form: KindForm) -> bool:
    """Whether a place may be meant by a name written with this kind word."""
    if place.kind in form.kinds:
        return True
    own = normalize(place.kind_name or "")
    return bool(own) and place.kind in _AREAS and own == form.word
