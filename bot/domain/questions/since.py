"""'since the fall of Kabul': the window starts on the day of that stored event.

The fall is the newest stored takeover (territory sub-types, or "seized"/"fell" words in untyped
events) at the place or within it, not after today. When none is stored the question keeps no
window, and the answer says so.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bot.domain.events.filters import EventFilter
from bot.domain.questions.kinds import kinds_filter
from bot.domain.questions.ports import EventReader
from bot.domain.questions.timetypes import Window, day_label, local_midnight
from bot.domain.questions.understand import Query, Understander


async def resolve_since(
    query: Query, now: datetime, reader: EventReader, understander: Understander
) -> tuple[Query, tuple[str, ...]]:
    """The query with its window from the stored fall of the named place, and notes if none."""
    name = query.since_fall_of
    place = understander.gazetteer.resolve(name)
    if place is None:
        return query, (f"I know no place called {name}, so all dates are shown",)
    types, subs, words = kinds_filter(("takeover",))
    flt = EventFilter(
        place_keys=understander.scope([place], None),
        last=now.date(),
        event_types=types,
        sub_event_types=subs,
        kind_words=words,
    )
    async with reader.reads() as reads:
        ids = await reads.search(flt, limit=1, order="newest")
        records = await reads.load(ids)
    if not records:
        return query, (f"no stored event records the fall of {place.name}, so all dates are shown",)
    day = records[0].date_start
    label = f"since the fall of {place.name} ({day_label(day)})"
    window = Window(local_midnight(day, now.tzinfo), now, label)
    return replace(query, window=window), ()
