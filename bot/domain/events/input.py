"""Admin input for events: the one-line /addevent form and /editevent field values."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from bot.domain.events.model import ClaimStatus, EventDraft, LocationPrecision, Severity, SourceInfo
from bot.domain.places.gazetteer import Gazetteer
from bot.domain.places.model import Place
from bot.domain.questions.datevalue import parse_date_value
from bot.domain.questions.timetypes import FuzzyDate

MAX_SUMMARY = 700
MAX_FIELD = 255
URL_RE = re.compile(r"^https?://[^\s<>\"]{3,2000}$", re.IGNORECASE)

ADD_USAGE = (
    "Use: /addevent DATE | PLACE | SUMMARY | SOURCE [| URL]\n"
    "e.g. /addevent 2021-07-08 | Islam Qala | Taliban seized the crossing | AP\n"
    "or send /addevent alone to be asked step by step."
)
EDIT_FIELDS = {
    "date": "a date: 2021-07-08, 8 July 2021, Jul 2021",
    "place": "a place name",
    "summary": "the new summary",
    "source": "OUTLET [URL] — adds a source",
    "actors": "actors separated by ;",
    "type": "event type, e.g. Strategic developments",
    "severity": "routine, notable or flash",
    "claim": "reported, claimed, denied or confirmed, optionally followed by a note",
    "precision": "location precision: exact, near or region",
}


class InputError(ValueError):
    """Admin input that cannot be used; the message says what to fix."""


@dataclass(frozen=True, slots=True)
class PlaceChoice:
    """A place as the admin wrote it, resolved or kept as written (flagged)."""

    written: str
    place: Place | None
    suggestions: tuple[Place, ...] = ()

    @property
    def key(self) -> str | None:
        """The gazetteer key, when resolved."""
        return self.place.key if self.place else None


def parse_event_date(text: str, today: date) -> FuzzyDate:
    """A date an admin typed; refuses unparseable and future dates."""
    value = text.strip()
    if not value:
        raise InputError("The date is missing. " + EDIT_FIELDS["date"])
    when = parse_date_value(value)
    if when is None:
        raise InputError(
            f"I could not read the date {value[:40]!r}. Try 2021-07-08, 8 July 2021 or Jul 2021."
        )
    if when.first_day() > today:
        raise InputError(f"{when.label()} is in the future; events are dated when they happened.")
    return when


def choose_place(text: str, gazetteer: Gazetteer) -> PlaceChoice:
    """Resolve a place name; an unknown one is kept as written, with suggestions."""
    written = " ".join(text.split())[:MAX_FIELD]
    if not written:
        raise InputError("The place is missing.")
    place = gazetteer.resolve(written)
    if place is not None:
        return PlaceChoice(written, place)
    return PlaceChoice(written, None, tuple(gazetteer.suggest(written, limit=3)))


def check_summary(text: str) -> str:
    """A cleaned summary of acceptable length."""
    summary = " ".join(text.split())
    if len(summary) < 5:
        raise InputError("The summary is missing or too short.")
    if len(summary) > MAX_SUMMARY:
        raise InputError(
            f"The summary is {len(summary)} characters; keep it to 1–3 sentences "
            f"(at most {MAX_SUMMARY})."
        )
    return summary


def parse_source(text: str, url: str = "") -> SourceInfo:
    """An outlet with an optional http(s) URL."""
    outlet = " ".join(text.split())
    if not url:
        parts = outlet.rsplit(" ", 1)
        if len(parts) == 2 and URL_RE.match(parts[1]):
            outlet, url = parts[0], parts[1]
        elif URL_RE.match(outlet):
            outlet, url = "", outlet
    url = url.strip()
    if url and not URL_RE.match(url):
        raise InputError("The URL must start with http:// or https://.")
    if not outlet and url:
        outlet = re.sub(r"^https?://(www\.)?", "", url, flags=re.IGNORECASE).split("/")[0]
    if not outlet:
        raise InputError("The source is missing: name the outlet, e.g. AP or Reuters.")
    return SourceInfo(outlet=outlet[:MAX_FIELD], url=url)


def parse_event_line(
    text: str, gazetteer: Gazetteer, today: date
) -> tuple[EventDraft, PlaceChoice]:
    """Parse `DATE | PLACE | SUMMARY | SOURCE [| URL]` into a draft and the place choice."""
    parts = [p.strip() for p in text.split("|")]
    if len(parts) not in (4, 5) or not all(parts[:4]):
        raise InputError(ADD_USAGE)
    when = parse_event_date(parts[0], today)
    place = choose_place(parts[1], gazetteer)
    summary = check_summary(parts[2])
    source = parse_source(parts[3], parts[4] if len(parts) == 5 else "")
    return build_draft(when, place, summary, source), place


def build_draft(
    when: FuzzyDate, place: PlaceChoice, summary: str, source: SourceInfo | None
) -> EventDraft:
    """The draft an admin's answers describe."""
    return EventDraft(
        summary=summary,
        when=when,
        place_key=place.key,
        place_text=place.written,
        sources=(source,) if source else (),
    )


def parse_edit(field: str, value: str, gazetteer: Gazetteer, today: date) -> dict[str, Any]:
    """Changes for EventStore.edit from `/editevent N FIELD VALUE` (sources handled apart)."""
    field = field.lower()
    value = value.strip()
    if field not in EDIT_FIELDS or field == "source":
        raise InputError("Fields: " + ", ".join(EDIT_FIELDS))
    if not value:
        raise InputError(f"Give the new {field}: {EDIT_FIELDS[field]}.")
    if field == "date":
        return {"when": parse_event_date(value, today)}
    if field == "place":
        choice = choose_place(value, gazetteer)
        return {"place_key": choice.key, "place_text": choice.written}
    if field == "summary":
        return {"summary": check_summary(value)}
    if field == "actors":
        return {"actors": tuple(a.strip()[:80] for a in value.split(";") if a.strip())}
    if field == "type":
        main, _, sub = value.partition("/")
        return {"event_type": main.strip()[:64], "sub_event_type": sub.strip()[:96]}
    if field == "severity":
        try:
            return {"severity": Severity(value.lower())}
        except ValueError:
            raise InputError("Severity is routine, notable or flash.") from None
    if field == "precision":
        try:
            return {"location_precision": LocationPrecision(value.lower())}
        except ValueError:
            raise InputError("Location precision is exact, near or region.") from None
    word, _, note = value.partition(" ")
    try:
        status = ClaimStatus(word.lower())
    except ValueError:
        raise InputError("Claim is reported, claimed, denied or confirmed.") from None
    return {"claim_status": status, "claim_note": note.strip()[:MAX_FIELD]}


def with_source(draft: EventDraft, source: SourceInfo) -> EventDraft:
    """The draft with one more source."""
    return replace(draft, sources=(*draft.sources, source))
