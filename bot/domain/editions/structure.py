"""An edition's structure from its events: one concise line per happening (no passage twice),
highlights by severity, novelty and number of sources, sections by first-level subdivision in
date order, trends against the previous period, weekly counts by area and type."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from bot.domain.editions.parts import (
    Correction,
    CountRow,
    EditionBody,
    EditionLine,
    EditionSection,
    TrendItem,
)
from bot.domain.events.model import SEVERITY_RANK, EventView, Severity

LINE_CHARS = 240  # a line longer than this is cut at a word
TREND_MIN = 3  # a section gets a trend line with at least this many events in both periods
OTHER_TYPE = "Other"

_SENTENCE_END = re.compile(r"(?:(?<=[.!?…])|(?<=[.!?…][\"'”’)]))\s+(?=[\"'“‘(]?[^\s\"'“‘(])")
_WORDS = re.compile(r"\w+")
# A piece ending like this did not end a sentence: initials ("U.S.", "J."), titles, "No."
_NOT_AN_END = re.compile(
    r"(?:\b(?:\w\.)+|\b(?:Mr|Mrs|Ms|Dr|Gen|Col|Lt|Maj|Capt|Sgt|St|No|Gov|Sen|Rep|Jr|Sr|Prof"
    r"|Brig|Adm|Cpl|Gens|Lt\.Gen|vs|etc|approx|[Ee]\.g|[Ii]\.e)\.)$"
)


def sentences(text: str) -> list[str]:
    """The text's sentences: split after end punctuation followed by space, except after
    initials and common abbreviations."""
    out: list[str] = []
    for piece in _SENTENCE_END.split(" ".join(text.split())):
        piece = piece.strip()
        if not piece:
            continue
        if out and _NOT_AN_END.search(out[-1]):
            out[-1] = f"{out[-1]} {piece}"
        else:
            out.append(piece)
    return out


def _norm(sentence: str) -> str:
    return " ".join(_WORDS.findall(sentence.casefold()))


def clip(text: str, limit: int = LINE_CHARS) -> str:
    """`text` cut at a word to at most `limit` characters, with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


def source_count(event: EventView, merged: Iterable[EventView] = ()) -> int:
    """Distinct outlets that reported the happening (its own sources and those of events
    merged into it)."""
    outlets = {s.outlet.casefold().strip() for s in event.sources if s.outlet.strip()}
    for m in merged:
        outlets |= {s.outlet.casefold().strip() for s in m.sources if s.outlet.strip()}
    return len(outlets)


def first_url(event: EventView) -> str:
    """The first web address among the event's sources ("" when none)."""
    for s in event.sources:
        if s.url.startswith(("http://", "https://")):
            return s.url
    return ""


# (place key, place as written, event type) of an event of the previous period
Tally = tuple[str | None, str, str]


@dataclass(frozen=True, slots=True)
class Places:
    """What the structure needs to know about an event's place."""

    area: Callable[[str | None, str], str]  # (key, as written) -> first-level area label
    depth: Callable[[EventView], int]  # how specific its place is (deeper: more specific)

    def group(self, e: EventView) -> str:
        """The first-level subdivision (or country) label the event is under."""
        return self.area(e.place_key, e.place_text)


def _rank(e: EventView, sources: int, since: date) -> tuple[int, int, int, int, int]:
    """Highlight order: severity, then novelty (happened in the period), sources, recency."""
    novel = 0 if e.when.last_day() >= since else 1
    return (
        SEVERITY_RANK[Severity(e.severity)],
        novel,
        -sources,
        -e.when.last_day().toordinal(),
        e.id,
    )


def lines_for(
    events: Sequence[EventView],
    places: Places,
    since: date,
    merged: dict[int, list[EventView]],
    used: set[str],
) -> list[tuple[EditionLine, tuple[int, int, int, int, int]]]:
    """One line per happening, most specific place first claiming its sentences: an event
    whose every sentence is already shown is the same passage under another place and is
    dropped; the rest show their first sentence not shown yet. `used` (the normalised sentences
    already shown) grows. Returns lines with their rank."""
    counts = {e.id: source_count(e, merged.get(e.id, ())) for e in events}
    order = sorted(events, key=lambda e: (-places.depth(e), _rank(e, counts[e.id], since)))
    out = []
    for e in order:
        fresh = [s for s in sentences(e.summary) if _norm(s) not in used]
        if not fresh:
            continue
        used.update(_norm(s) for s in sentences(e.summary))
        line = EditionLine(
            event=e,
            text=clip(fresh[0]),
            place_label=e.place_name or e.place_text,
            sources=counts[e.id],
            source_url=first_url(e),
        )
        out.append((line, _rank(e, counts[e.id], since)))
    return out


def _direction(now: int, before: int) -> str:
    diff = now - before
    if abs(diff) <= max(1, round(0.25 * max(now, before))):
        return "similar"
    return "more" if diff > 0 else "fewer"


def trend(current: Sequence[str], previous: Sequence[str]) -> tuple[TrendItem, ...]:
    """This period's events by type against the previous period's (empty when too few)."""
    if len(current) < TREND_MIN or len(previous) < TREND_MIN:
        return ()
    now = Counter(t or OTHER_TYPE for t in current)
    before = Counter(t or OTHER_TYPE for t in previous)
    kinds = sorted(set(now) | set(before), key=lambda t: (-now[t], -before[t], t))
    return tuple(TrendItem(t, now[t], before[t], _direction(now[t], before[t])) for t in kinds)


def counts_by_area(
    events: Sequence[EventView], places: Places
) -> tuple[tuple[CountRow, ...], tuple[str, ...]]:
    """Events per area and type, biggest area first; and the types, most frequent first."""
    per_area: dict[str, Counter[str]] = {}
    for e in events:
        per_area.setdefault(places.group(e), Counter())[e.event_type or OTHER_TYPE] += 1
    total = Counter[str]()
    for c in per_area.values():
        total.update(c)
    types = tuple(sorted(total, key=lambda t: (-total[t], t)))
    rows = sorted(per_area.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
    return (
        tuple(CountRow(a, sum(c.values()), tuple((t, c[t]) for t in types)) for a, c in rows),
        types,
    )


@dataclass(frozen=True, slots=True)
class BodyInput:
    """Everything an edition's structure is built from."""

    news: Sequence[EventView]
    background: Sequence[EventView]
    previous: Sequence[Tally]
    corrections: Sequence[Correction]
    since: date  # the first local day of the period
    weekly: bool = False
    max_lines: int = 40
    section_lines: int = 0  # 0: no limit per section
    new_figures: frozenset[int] = frozenset()


def build_body(data: BodyInput, places: Places) -> EditionBody:
    """Highlights, sections, trends, background, counts and corrections for an edition."""
    visible = [e for e in data.news if e.merged_into is None]
    merged: dict[int, list[EventView]] = {}
    for e in data.news:
        if e.merged_into is not None:
            merged.setdefault(e.merged_into, []).append(e)
    used: set[str] = set()
    ranked = lines_for(visible, places, data.since, merged, used)
    ranked.sort(key=lambda lr: lr[1])
    kept = ranked[: data.max_lines]
    lines = [line for line, _ in kept]
    want = 5 if len(lines) >= 10 else 3
    top = {line.event.id: n for n, line in enumerate(lines[:want], 1)}
    unreviewed = sum(1 for line in lines if not line.event.reviewed)
    blanket = unreviewed * 2 > len(lines)  # most unreviewed: one note at the top instead
    lines = [
        _finish(line, top.get(line.event.id, 0), blanket, places.group(line.event))
        for line in lines
    ]
    sections: dict[str, list[EditionLine]] = {}
    for line in lines:  # by rank: a section's place is its best line's
        sections.setdefault(places.group(line.event), []).append(line)
    before: dict[str, list[str]] = {}
    for key, text, kind in data.previous:
        before.setdefault(places.area(key, text), []).append(kind)
    now: dict[str, list[str]] = {}
    for e in visible:
        now.setdefault(places.group(e), []).append(e.event_type)
    built = []
    for name, group in sections.items():
        limit = data.section_lines or len(group)
        shown = sorted(
            group[:limit], key=lambda ln: (ln.day, ln.event.when.last_day(), ln.event.id)
        )
        trend_items = trend(now.get(name, []), before.get(name, []))
        built.append(EditionSection(name, tuple(shown), trend_items, max(0, len(group) - limit)))
    old = lines_for(
        [e for e in data.background if e.merged_into is None], places, data.since, {}, used
    )
    shown_ids = {line.event.id for line in lines}
    background = [
        _finish(ln, 0, blanket, places.group(ln.event))
        for ln, _ in old
        if ln.event.id not in shown_ids
    ]
    background.sort(key=lambda ln: (-ln.day.toordinal(), ln.event.id))
    rows, types = counts_by_area(visible, places) if data.weekly else ((), ())
    return EditionBody(
        highlights=tuple(sorted((ln for ln in lines if ln.highlight), key=lambda ln: ln.highlight)),
        sections=tuple(built),
        background=tuple(background[:10]),
        corrections=tuple(data.corrections),
        counts=rows,
        types=types,
        more=len(ranked) - len(kept),
        flash=sum(1 for ln in lines if ln.event.severity == Severity.FLASH),
        unreviewed_note=blanket,
        new_figures=data.new_figures,
        news=tuple(visible),
    )


def _finish(line: EditionLine, highlight: int, blanket: bool, area: str) -> EditionLine:
    return EditionLine(
        event=line.event,
        text=line.text,
        place_label=line.place_label,
        sources=line.sources,
        source_url=line.source_url,
        area=area,
        mark_unreviewed=not line.event.reviewed and not blanket,
        highlight=highlight,
    )
