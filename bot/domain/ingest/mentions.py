"""The places an article names, sentence by sentence, and the places it refers back to.

* One gazetteer scan per article, over the capitalised name runs of its parsed sentences (with
  their kind words: "city of Goma", "Herat province"), so namesakes are decided by the whole
  article's places and long articles stay fast.  The dateline is already cut off: it is where
  the outlet filed from, never where the event was.
* A name inside a person's name, a nationality ("Afghan soldiers", "a Pakistani source") or an
  organisation's name ("Kachin Independence Army") is not a place.
* "the town", "the city", "the provincial capital", "the province", "the district", "the
  crossing" refer back to the last place of that kind named before them.
* The article's main place is the place below country level it names most (else its country):
  where an event with no place of its own is filed, at region precision.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.domain.ingest.actors import DEMONYM_SUFFIX
from bot.domain.ingest.parsing import Parse, Token
from bot.domain.ingest.text import Sentence
from bot.domain.places.gazetteer import Gazetteer
from bot.domain.places.model import Place, PlaceKind, PlaceMention
from bot.domain.places.names import normalize
from bot.domain.places.textscan import TextScan

_KIND_WORDS = frozenset(
    "city town village province state region district county governorate oblast crossing "
    "border capital area territory municipality".split()
)
_ORG_WORDS = frozenset(
    "army forces force government agency service alliance front party council movement "
    "liberation independence unity media television tv radio news brigade brigades militia "
    "group university hospital airlines bank ministry".split()
)
_SPEAKER_WORDS = frozenset(
    "president minister spokesman spokeswoman spokesperson official leader envoy ambassador "
    "military police prosecutor embassy mission delegation authorities".split()
)
_SAYING = frozenset(
    "say tell report announce confirm claim state add accuse deny warn write post".split()
)
_SITES = frozenset({PlaceKind.OTHER, PlaceKind.CROSSING})  # airports, camps, bases, crossings
# People whose country of origin may follow "from": a soldier from X is not an event in X.
ORIGIN_NOUNS = frozenset(
    "peacekeeper soldier troop national citizen worker migrant refugee journalist officer "
    "fighter volunteer tourist engineer man woman child contingent delegation mercenary "
    "doctor nurse student teacher trader driver pilot sailor crew".split()
)
_FEATURE_WORDS = frozenset(
    "river sea lake mountain mountains range valley gulf strait canal desert island islands "
    "peninsula basin plateau dam".split()
)
# "the town" → the last town named; the kinds each back-reference may stand for
COREF: dict[str, tuple[PlaceKind, ...]] = {
    "town": (PlaceKind.TOWN, PlaceKind.DISTRICT),
    "city": (PlaceKind.TOWN, PlaceKind.DISTRICT),
    "capital": (PlaceKind.TOWN, PlaceKind.DISTRICT),
    "province": (PlaceKind.PROVINCE,),
    "region": (PlaceKind.PROVINCE,),
    "state": (PlaceKind.PROVINCE,),
    "district": (PlaceKind.DISTRICT,),
    "crossing": (PlaceKind.CROSSING,),
}
_SEPARATOR = " ; "


@dataclass(frozen=True, slots=True)
class Mention:
    """A place named in a sentence: the characters that name it (sentence offsets)."""

    place: Place
    start: int
    end: int
    matched: str
    referred: bool = False  # "the town": a back-reference, not a name


@dataclass(slots=True)
class ArticlePlaces:
    """Each sentence's place mentions, and the article's main places."""

    by_sentence: dict[int, list[Mention]] = field(default_factory=dict)
    main: Place | None = None
    country: Place | None = None

    def of(self, sentence: Sentence) -> list[Mention]:
        """The mentions in one sentence, in order."""
        return self.by_sentence.get(sentence.index, [])


_NAME_ENTS = frozenset({"GPE", "LOC", "FAC", "NORP"})


def _name_like(t: Token) -> bool:
    """A word that may be (part of) a place name or a nationality."""
    if t.pos == "PROPN" or t.ent in _NAME_ENTS:
        return True
    if not t.text[:1].isupper():
        return False
    return t.pos == "ADJ" or (t.i > 0 and t.pos in ("NOUN", "VERB", "NUM", "X"))


def _runs(sentence: Sentence) -> list[tuple[int, int]]:
    """Character spans of the name runs of a sentence: each bare, and with its kind words."""
    p = sentence.parse
    if p is None:
        return [(0, len(sentence.text))]
    spans: list[tuple[int, int]] = []
    toks = p.tokens
    i = 0
    while i < len(toks):
        if not _name_like(toks[i]):
            i += 1
            continue
        j = i
        while j + 1 < len(toks) and (_name_like(toks[j + 1]) or toks[j + 1].text == "-"):
            j += 1
        a, b = i, j
        if b + 1 < len(toks) and toks[b + 1].lemma in _KIND_WORDS:
            b += 1
        if (
            a >= 2
            and toks[a - 1].text.lower() == "of"
            and toks[a - 2].lemma in _KIND_WORDS
            and (a < 3 or toks[a - 3].pos != "PROPN")  # "the city of X", not "Y district of X"
        ):
            a -= 2
        spans.append((toks[i].idx, toks[j].end))
        if (a, b) != (i, j):
            spans.append((toks[a].idx, toks[b].end))
        i = j + 1
    return spans


def _not_a_place(sentence: Sentence, m: PlaceMention) -> bool:
    """A nationality, a person's name, part of an organisation's name, or a river or sea."""
    p = sentence.parse
    if m.score < 90:
        return True
    if p is None:
        return False
    before = [t for t in p.tokens if t.end <= m.start][-1:]
    after = [t for t in p.tokens if t.idx >= m.end][:1]
    if after and after[0].lemma in _FEATURE_WORDS:
        return True  # "the Dnipro river" is not the city of Dnipro
    if _demonym(m):
        return True  # "Afghan soldiers", "a Pakistani source": a nationality
    if _origin_of_someone(p, m, before):
        return True  # "a peacekeeper from Morocco": where someone comes from
    ent = p.entity_at(m.start, m.end)
    if ent is not None and ent.label == "NORP":
        return ent.text.strip() != m.place.name
    if ent is None and _person_like(p, m, before, after):
        return True
    if ent is not None and ent.label == "PERSON":
        # a name the gazetteer knows whole ("Sher Khan Bandar") is a place; a piece of a
        # person's name ("Hassan" of "Hassan Ali") is not, unless a preposition locates it
        whole = m.start <= ent.start and ent.end <= m.end
        kind_worded = any(w.lower() in _KIND_WORDS for w in m.matched.split())
        located = bool(before) and before[0].pos == "ADP"
        if not (whole or kind_worded or located):
            return True
    if bool(after) and after[0].lemma in _ORG_WORDS:
        return True
    return _possessing_speaker(p, m)


def _possessing_speaker(p: Parse, m: PlaceMention) -> bool:
    """ "Ukraine's security service said", "according to Russia's defence ministry": the
    country of who speaks is attribution, not where ("Haiti's government declared" stays)."""
    if m.place.kind is not PlaceKind.COUNTRY:
        return False
    own = [t for t in p.tokens if m.start <= t.idx < m.end and t.dep == "poss"]
    if not own:
        return False
    head = p.tokens[own[-1].head]
    if head.lemma not in _ORG_WORDS and head.lemma not in _SPEAKER_WORDS:
        return False
    verb = p.tokens[head.head]
    said = head.dep == "nsubj" and verb.lemma in _SAYING
    return said or (head.dep == "pobj" and p.tokens[verb.head].lemma == "according")


def _demonym(m: PlaceMention) -> bool:
    """A country named by its adjective or people ("Afghan", "Pakistani", "Somali")."""
    if m.place.kind is not PlaceKind.COUNTRY:
        return False
    word = m.matched.strip()
    if " " in word or normalize(word) == normalize(m.place.name):
        return False
    return DEMONYM_SUFFIX.search(word) is not None


def _person_like(p: Parse, m: PlaceMention, before: list[Token], after: list[Token]) -> bool:
    """A one-word name followed by another name and not placed by a preposition ("Hassan Ali
    told …"): a person, when the engine names no entities."""
    if " " in m.matched.strip() or any(w.lower() in _KIND_WORDS for w in m.matched.split()):
        return False
    located = bool(before) and before[0].pos == "ADP"
    return not located and bool(after) and after[0].pos == "PROPN"


def scan_article(
    gazetteer: Gazetteer, sentences: list[Sentence], hints: Sequence[str] = ()
) -> ArticlePlaces:
    """All place mentions of an article's sentences, with one gazetteer scan.  `hints` (the
    dateline's place) are never mentions: their country only lets variant spellings
    ("Hodeidah", "Avdiivka") reach it, as a nationality named in the text does."""
    near = {p.country for h in hints if h.strip() and (p := gazetteer.resolve(h)) and p.country}
    pieces: list[str] = []
    where: list[tuple[int, int, int]] = []  # (offset in joined text, sentence index, start)
    offset = 0
    for s in sentences:
        for a, b in _runs(s):
            pieces.append(s.text[a:b])
            where.append((offset, s.index, a))
            offset += b - a + len(_SEPARATOR)
    joined = _SEPARATOR.join(pieces)
    out = ArticlePlaces()
    by_index = {s.index: s for s in sentences}
    for m in TextScan(gazetteer, joined, near, article=True).mentions() if joined else []:
        k = max(i for i, w in enumerate(where) if w[0] <= m.start)
        base, index, start = where[k]
        shift = start - base
        local = PlaceMention(m.place, m.start + shift, m.end + shift, m.matched, m.score)
        if _not_a_place(by_index[index], local):
            continue
        place = _city_for_bare_area(gazetteer, m.place, m.matched)
        out.by_sentence.setdefault(index, []).append(
            Mention(place, local.start, local.end, m.matched)
        )
    for index, mentions in out.by_sentence.items():
        out.by_sentence[index] = _longest(mentions)
    _main_places(gazetteer, out)
    return out


def _city_for_bare_area(gazetteer: Gazetteer, place: Place, matched: str) -> Place:
    """ "Odesa" bare is the city, "Odesa region" the province: a province named without its
    kind word stands for its namesake town when it has one (where reports happen)."""
    if place.kind is not PlaceKind.PROVINCE:
        return place
    if any(w.lower() in _KIND_WORDS for w in matched.split()):
        return place
    towns = [
        p
        for p in gazetteer.named_within(matched, place.key, prefer_city=True)
        if p.kind is PlaceKind.TOWN
    ]
    return towns[0] if towns else place


def _longest(mentions: list[Mention]) -> list[Mention]:
    """Overlapping mentions (a name bare and with its kind word): the longer one stays."""
    mentions.sort(key=lambda m: (m.start, -(m.end - m.start)))
    kept: list[Mention] = []
    for m in mentions:
        if kept and m.start < kept[-1].end:
            if m.end - m.start > kept[-1].end - kept[-1].start:
                kept[-1] = m
            continue
        kept.append(m)
    return kept


def _main_places(gazetteer: Gazetteer, out: ArticlePlaces) -> None:
    below: Counter[str] = Counter()
    countries: Counter[str] = Counter()
    for mentions in out.by_sentence.values():
        for m in mentions:
            country = country_of(gazetteer, m.place)
            if country is not None:
                countries[country.key] += 1
            if m.place.kind is not PlaceKind.COUNTRY:
                below[m.place.key] += 1
    if countries:
        out.country = gazetteer.get(countries.most_common(1)[0][0])
    # an event without a place of its own is filed in the country, the one sure container
    out.main = out.country or (gazetteer.get(below.most_common(1)[0][0]) if below else None)


def country_of(gazetteer: Gazetteer, place: Place) -> Place | None:
    """The country a place is in (itself for a country)."""
    if place.kind is PlaceKind.COUNTRY:
        return place
    chain = gazetteer.ancestors(place.key)
    return chain[-1] if chain and chain[-1].kind is PlaceKind.COUNTRY else None


def back_references(
    sentence: Sentence, tokens: set[int], seen: list[Place], named: list[Mention]
) -> list[Mention]:
    """ "the town", "the provincial capital" in a clause: the last place of that kind before;
    "there", "in the area": the last place below a country."""
    p = sentence.parse
    if p is None:
        return []
    out: list[Mention] = []
    for t in p.tokens:
        area = t.lemma == "area" and t.dep == "pobj" and _only_the(p, t)
        if t.i in tokens and (area or (t.text.lower() == "there" and t.dep == "advmod")):
            # "gunmen killed two drivers there": the last place below a country named before
            there = next((pl for pl in reversed(seen) if pl.kind is not PlaceKind.COUNTRY), None)
            if there is not None:
                out.append(Mention(there, t.idx, t.end, t.text, referred=True))
            continue
        kinds = COREF.get(t.lemma)
        if t.i not in tokens or kinds is None or t.tag not in ("NN", "NNP"):
            continue
        if any(m.start <= t.idx < m.end for m in named):
            continue  # part of a name ("Herat province", "city of Goma")
        if t.dep == "poss" and any(m.place.kind in _SITES for m in named):
            continue  # "the city's airport at Kavumu": the site the clause names is where
        kids = p.children(t.i)
        if t.dep == "compound" and not kids:  # "the city centre", "the town's market"
            kids = [c for c in p.children(t.head) if c.dep in ("det", "poss")]
        if not any(c.dep in ("det", "poss", "amod") for c in kids):
            continue
        if any(c.dep == "det" and c.lemma in ("a", "an", "every", "each") for c in kids):
            continue
        if any(c.dep == "prep" and c.lemma == "of" for c in kids) and t.lemma != "capital":
            continue
        hit = next((pl for pl in reversed(seen) if pl.kind in kinds), None)
        if hit is not None:
            out.append(Mention(hit, t.idx, t.end, t.text, referred=True))
    return out


def _only_the(p: Parse, t: Token) -> bool:
    """ "the area" alone, not "a wide area" nor "the border area" nor "the area of X"."""
    kids = p.children(t.i)
    return [c.lemma for c in kids] == ["the"]


def _origin_of_someone(p: Parse, m: PlaceMention, before: list[Token]) -> bool:
    """A country after "from" that qualifies a person ("a peacekeeper from Morocco", "aid
    workers from France"): the person's origin, not where anything happened."""
    if m.place.kind is not PlaceKind.COUNTRY or not before or before[0].lemma != "from":
        return False
    head = p.tokens[before[0].head]
    return head.pos == "NOUN" and head.lemma in ORIGIN_NOUNS
