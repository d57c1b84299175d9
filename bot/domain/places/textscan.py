"""Places in one text: every candidate name of the text looked up at once, then the
longest-match scan (``intext``), then namesakes decided by the text's other places."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.domain.places.index import MIN_FUZZY_LEN, NameIndex
from bot.domain.places.intext import MAX_NGRAM, Token, joined, tokenize
from bot.domain.places.kindwords import KindForm, fits, kind_forms
from bot.domain.places.model import Place, PlaceMention
from bot.domain.places.names import join_folded
from bot.domain.places.ranking import Context

if TYPE_CHECKING:
    from bot.domain.places.gazetteer import Gazetteer


class TextScan:
    """One text's place mentions against one gazetteer."""

    def __init__(self, gazetteer: Gazetteer, text: str) -> None:
        self.gaz = gazetteer
        self.text = text
        self.tokens = tokenize(text)
        self.lower_text = not any(c.isupper() for c in text)
        self.candidates: dict[int, list[Place]] = {}  # mention start -> allowed candidates

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
        self._add_kind_worded(spans, by_norm)
        return NameIndex(by_norm=by_norm, by_fold=by_fold)

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
                if len(bare) == 1 and bare[0].common:
                    continue
                wanted.append((full, "".join(t.norm for t in bare), form))
        if not wanted:
            return
        bare_keys = self.gaz._by_norm(sorted({b for _, b, _ in wanted}))
        for full, bare_norm, form in wanted:
            places = self.gaz._places_for(bare_keys.get(bare_norm, ()))
            keys = [p.key for p in places if fits(p, form)]
            if keys:
                by_norm.setdefault(full, []).extend(k for k in keys if k not in by_norm[full])

    def _written_as_name(self, span: list[Token]) -> bool:
        if self.lower_text:
            return True
        last = self.text[span[-1].start : span[-1].end]
        return span[0].upper and (span[-1].upper or any(c.isupper() for c in last))

    def _allowed(self, keys: list[str], span: list[Token]) -> list[Place]:
        places = self.gaz._places_for(keys)
        if self._written_as_name(span):
            return places
        focus = self.gaz.focus
        overlay = {p.key for p in self.gaz.overlay()}
        return [p for p in places if p.key in overlay or (focus and p.country in focus)]

    def _best(self, keys: list[str], span: list[Token]) -> Place | None:
        places = self._allowed(keys, span)
        if not places:
            return None
        self.candidates[span[0].start] = places
        return self.gaz.ranker.order(places)[0]

    def _fuzzy(self, folded: str, words: int) -> tuple[Place, float] | None:
        return self.gaz._fuzzy(folded, words, False)

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
        context = Context().with_places(sure, self.gaz._area_key)
        out: list[PlaceMention] = []
        for m in found:
            options = self.candidates.get(m.start)
            if options and len(options) > 1:
                best = self.gaz.ranker.order(options, context)[0]
                if best.key != m.place.key:
                    m = PlaceMention(best, m.start, m.end, m.matched, m.score)
            out.append(m)
        return out
