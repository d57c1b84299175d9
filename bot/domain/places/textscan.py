"""Places in one text: every candidate name of the text looked up at once, then the
longest-match scan (``intext``), then namesakes decided by the text's other places."""

from __future__ import annotations

from collections.abc import Iterable
from difflib import SequenceMatcher
from typing import TYPE_CHECKING

from bot.domain.places.countrynames import shared_short_names
from bot.domain.places.index import MIN_FUZZY_LEN, NameIndex
from bot.domain.places.inflection import dictionary_forms
from bot.domain.places.intext import MAX_NGRAM, Token, joined, tokenize
from bot.domain.places.kindwords import KindForm, fits, kind_forms
from bot.domain.places.model import Place, PlaceKind, PlaceMention
from bot.domain.places.names import join_folded, normalize
from bot.domain.places.ranking import Context, frequency_allowed, standing

ALT_NAME_PENALTY = 0.75  # an alternate name counts as ~6 times fewer people (log10 0.75)
RESPELLED_RATIO = 0.8  # letters in common for a name to be the same name respelled
FAR_STANDING = 5.0  # about 100,000 people: a one-word name far from the text's countries
SHORT_TEXT = 16  # words: a question, where a typo may reach anywhere
MIN_SURE_LEN = 4  # normalized letters a name needs to count far from the text's countries

if TYPE_CHECKING:
    from bot.domain.places.gazetteer import Gazetteer


class TextScan:
    """One text's place mentions against one gazetteer."""

    def __init__(
        self, gazetteer: Gazetteer, text: str, near: Iterable[str] = (), *, article: bool = False
    ) -> None:
        """`near`: countries (ISO2) variant spellings may also reach, e.g. a dateline's;
        `article`: the text is an article's names, never a short question typed by a user."""
        self.gaz = gazetteer
        self.text = text
        self.tokens = tokenize(text)
        self.lower_text = not any(c.isupper() for c in text)
        self.candidates: dict[int, list[Place]] = {}  # mention start -> allowed candidates
        self.context: set[str] = set(gazetteer.focus)  # countries the text is surely about
        self.peoples: set[str] = set(near)  # countries of its nationalities and dateline
        self.overlay = {p.key for p in gazetteer.overlay()}
        self.demonyms: set[str] = set()
        self.article = article

    def mentions(self) -> list[PlaceMention]:
        """Places mentioned, in text order, never overlapping, namesakes by context."""
        from bot.domain.places.intext import find_mentions

        if not self.tokens:
            return []
        index = self._index()
        found = find_mentions(self.text, index, self._best, self._fuzzy)
        return self._in_context(found)

    def _spans(self) -> list[list[Token]]:
        out: list[list[Token]] = []
        for i in range(len(self.tokens)):
            for n in range(1, MAX_NGRAM + 1):
                span = self.tokens[i : i + n]
                if len(span) < n or not joined(self.text, span):
                    break
                out.append(span)
        return out

    def _index(self) -> NameIndex:
        spans = self._spans()
        norms = {"".join(t.norm for t in s) for s in spans}
        folds = {
            f
            for s in spans
            if len(f := join_folded([w for t in s for w in t.words])) >= MIN_FUZZY_LEN
        }
        by_norm = self.gaz._by_norm(sorted(norms))
        by_fold = self.gaz._by_fold(sorted(folds))
        demonyms = self.gaz._demonym_keys(sorted({t.norm for t in self.tokens}))
        self.demonyms = set(demonyms)
        self._demonym_countries(demonyms)
        self._add_inflected(by_norm)
        self._add_shared_country_names(norms, by_norm)
        self._add_kind_worded(spans, by_norm)
        self._context_countries(by_norm, spans)
        return NameIndex(by_norm=by_norm, by_fold=by_fold)

    def _add_shared_country_names(self, norms: set[str], by_norm: dict[str, list[str]]) -> None:
        """ "Congo": both countries that answer to it, for the text's other places to decide."""
        shared = shared_short_names(self.gaz._country_map().values())
        for norm in norms & shared.keys():
            keys = by_norm.setdefault(norm, [])
            keys.extend(k for k in shared[norm] if k not in keys)

    def _demonym_countries(self, demonyms: dict[str, list[str]]) -> None:
        """ "Ukrainian troops", "Congolese army": a people's name written as a name lets
        variant spellings reach its one country (it is never a place itself), but does not
        decide namesakes ("Russian troops advanced on Pokrovsk" is not about Russia's)."""
        for t in self.tokens:
            keys = demonyms.get(t.norm, [])
            if len(keys) == 1 and (t.upper or self.lower_text):
                place = self.gaz.get(keys[0])
                if place is not None and place.country:
                    self.peoples.add(place.country)

    def _add_inflected(self, by_norm: dict[str, list[str]]) -> None:
        """ "в Харькове", "з Харкова": a word not known as written, by its dictionary form."""
        wanted: dict[str, list[str]] = {}
        for t in self.tokens:
            if t.norm not in by_norm:
                forms = [normalize(f) for f in dictionary_forms(self.text[t.start : t.end])]
                if forms:
                    wanted[t.norm] = forms
        if not wanted:
            return
        found = self.gaz._by_norm(sorted({f for forms in wanted.values() for f in forms}))
        for norm, forms in wanted.items():
            for form in forms:
                if form in found:
                    by_norm[norm] = found[form]
                    break

    def _add_kind_worded(self, spans: list[list[Token]], by_norm: dict[str, list[str]]) -> None:
        """'Herat province', 'city of Goma', 'North Darfur state': the bare name, of that kind."""
        wanted: list[tuple[str, str, KindForm]] = []
        for span in spans:
            if len(span) < 2:
                continue
            full = "".join(t.norm for t in span)
            if full in by_norm:
                continue
            for form in kind_forms([t.norm for t in span]):
                bare = span[form.start : form.end]
                demonym = bare[0].norm in self.demonyms and PlaceKind.COUNTRY not in form.kinds
                if len(bare) == 1 and (bare[0].common or demonym):
                    continue  # "Chadian town" is a town in Chad, not one called Chadian
                wanted.append((full, "".join(t.norm for t in bare), form))
        if not wanted:
            return
        bare_norms = sorted({b for _, b, _ in wanted})
        bare_keys = self.gaz._by_norm(bare_norms)
        demonyms = self.gaz._demonym_keys(bare_norms)
        for full, bare_norm, form in wanted:
            keys = bare_keys.get(bare_norm, []) + demonyms.get(bare_norm, [])
            places = self.gaz._places_for(keys)
            keys = [p.key for p in places if fits(p, form)]
            if keys:
                by_norm.setdefault(full, []).extend(k for k in keys if k not in by_norm[full])

    def _written_as_name(self, span: list[Token]) -> bool:
        """Capitalised (kind words and particles aside), or a text without capitals at all."""
        if self.lower_text:
            return True
        named = [t for t in span if not t.common]
        return bool(named) and all(t.upper for t in named)

    def _context_countries(self, by_norm: dict[str, list[str]], spans: list[list[Token]]) -> None:
        """Countries the text names without doubt: variant spellings may only reach those."""
        for span in spans:
            norm = "".join(t.norm for t in span)
            keys = by_norm.get(norm)
            if not keys or _short(norm) or not self._written_as_name(span):
                continue
            if len(span) == 1 and span[0].common:
                continue
            common = self.gaz.word_frequency(norm) if len(span) == 1 else 0.0
            places = [
                p
                for p in self.gaz._places_for(keys)
                if common < frequency_allowed(p.kind, p.population or 0, False)
                and self._far_ok(p, norm, span)  # only what is sure anywhere sets the scene
            ]
            if not places:
                continue
            countries = {p.country for p in places}
            if len(countries) > 1 and all(p.kind is PlaceKind.COUNTRY for p in places):
                continue  # "Congo": which one is for the other places to say
            if len(countries) == 1 or any(p.kind is PlaceKind.COUNTRY for p in places):
                self.context |= {
                    p.country for p in places if p.kind is PlaceKind.COUNTRY
                } or countries

    def _allowed(self, keys: list[str], span: list[Token], exact: bool) -> list[Place]:
        """The candidates this span may mean, by how it is written and what the text is about."""
        written = self._written_as_name(span)
        norm = "".join(t.norm for t in span)
        common = self.gaz.word_frequency(norm) if len(span) == 1 else 0.0
        focus = self.gaz.focus
        out: list[Place] = []
        if min(len(span[0].norm), len(span[-1].norm)) < 2:
            return []  # "à Saké", "a new": a one-letter word does not begin or end a name
        edge_word = len(span) > 1 and (span[0].function or span[-1].function)
        demonym = len(span) == 1 and norm in self.demonyms
        for p in self.gaz._places_for(keys):
            if demonym and p.kind is not PlaceKind.COUNTRY:
                continue  # "Chadian", "Thai": a people's name, not a town's
            curated = p.key in self.overlay or p.source.startswith("curated")
            if edge_word and not curated:
                continue  # "and Iran" is not Andırın, "Kabul and" nothing at all
            home = p.country in self.context or p.country in self.peoples
            home = home or (bool(focus) and p.country in focus)
            trusted = p.key in self.overlay or home or (curated and not self.context)
            near = trusted or home
            if not written and not trusted:
                continue
            if (not exact or _short(norm)) and not near:
                continue
            if not near and self.context and not self._far_ok(p, norm, span):
                continue
            if not curated and common >= frequency_allowed(p.kind, p.population or 0, False):
                continue
            out.append(p)
        return _own_named_countries(out, norm)

    @staticmethod
    def _far_ok(place: Place, norm: str, span: list[Token]) -> bool:
        """Far from what the text is about, a place counts by its own name (or that respelled,
        not another name) and, named in one word, only when prominent (country, province, city)."""
        if place.kind in (PlaceKind.COUNTRY, PlaceKind.PROVINCE):
            return True
        own = normalize(place.name)
        if own != norm and not (own and norm and _respelled(own, norm)):
            return False
        return len(span) > 1 or standing(place) >= FAR_STANDING

    def _best(self, keys: list[str], span: list[Token], exact: bool) -> Place | None:
        places = self._allowed(keys, span, exact)
        if not places:
            return None
        self.candidates[span[0].start] = places
        return self._pick(places, Context(frozenset(self.context)), self.text_of(span))

    def text_of(self, span: list[Token]) -> str:
        """The words of a span as written."""
        return self.text[span[0].start : span[-1].end]

    def _pick(self, places: list[Place], context: Context, written: str) -> Place:
        """The best candidate; among the text's countries alike, a place called so by its own
        name before one called so by another name, unless that one is far bigger ("Pokrovsk"
        the Ukrainian town, not Engels, once called Pokrovsk)."""
        ordered = self.gaz.ranker.order(places, context)
        top = ordered[0]
        if _own_name(top, written):
            return top
        home = top.country in context.countries
        rival = next(
            (
                p
                for p in ordered[1:]
                if _own_name(p, written) and (p.country in context.countries) == home
            ),
            None,
        )
        if rival is not None and standing(rival) + ALT_NAME_PENALTY >= standing(top):
            return rival
        return top

    def _fuzzy(self, folded: str, words: int) -> tuple[Place, float] | None:
        """A typo reaches only places near what the text is about (its countries, the focus),
        or anywhere in a short text that names no country (a question: "Kandahr")."""
        hit = self.gaz._fuzzy(folded, words, False)
        if hit is None:
            return None
        place = hit[0]
        near = place.country in self.context or place.country in self.peoples
        near = near or place.key in self.overlay
        question = not self.article and len(self.tokens) <= SHORT_TEXT
        return hit if near or (not self.context and question) else None

    def _countries_of(self, mention: PlaceMention) -> set[str]:
        return {p.country for p in self.candidates.get(mention.start, [mention.place])}

    def _in_context(self, found: list[PlaceMention]) -> list[PlaceMention]:
        """Namesakes decided by the places the text names without doubt."""
        sure = [
            m.place
            for m in found
            if len({p.country for p in self.candidates.get(m.start, [m.place])}) == 1
        ]
        if len(sure) == len(found):
            return found
        context = Context(frozenset(self.context)).with_places(sure, self.gaz._area_key)
        out: list[PlaceMention] = []
        for m in found:
            options = self.candidates.get(m.start)
            if options and len(options) > 1:
                best = self._pick(options, context, m.matched)
                if best.key != m.place.key:
                    m = PlaceMention(best, m.start, m.end, m.matched, m.score)
            out.append(m)
        return out


def _short(norm: str) -> bool:
    """Too short to mean a far place: under 4 Latin letters ("Gul") or 3 in other scripts
    (Arabic writes "رفح", Rafah, in three)."""
    return len(norm) < (MIN_SURE_LEN if norm.isascii() else MIN_SURE_LEN - 1)


def _own_named_countries(places: list[Place], norm: str) -> list[Place]:
    """A country reached only by one of its foreign-language names ("Marawi" for Malawi) is
    not meant when a place of that name is a candidate too (Marawi, the Philippine city)."""
    if len(places) < 2:
        return places
    kept = [
        p
        for p in places
        if p.kind is not PlaceKind.COUNTRY or norm in {normalize(n) for n in p.all_names()}
    ]
    return kept or places


def _own_name(place: Place, written: str) -> bool:
    """Whether the words name the place by its own name (kind words aside: "Marawi" for
    Marawi City, "town of Avdiivka" is not Avdiyivka's own name)."""
    own, seen = normalize(place.name), normalize(written)
    if not own or not seen:
        return False
    return own in seen or seen in own or _respelled(own, seen)


def _respelled(own: str, seen: str) -> bool:
    """The same name spelled another way ("Odessa" for Odesa, "Kharkov" for Kharkiv): one
    word, same first letter, nearly the same letters; an old or other name is not ("Pokrovsk"
    for Engels)."""
    if " " in own or " " in seen or own[0] != seen[0] or min(len(own), len(seen)) < 5:
        return False
    return SequenceMatcher(None, own, seen).ratio() >= RESPELLED_RATIO
