"""Pure rules of the admin side: ingest review, the /ingest header, push audiences and requests,
corrections, and the typed callback data of the admin buttons."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import Any, ClassVar, cast

import pytest

from bot.domain.editions.audience import (
    Audience,
    AudienceKind,
    AudienceLabel,
    UnknownPlace,
    choose_audience,
    label_of,
)
from bot.domain.editions.push_request import PushRequest, PushUsage, parse_push
from bot.domain.events.corrections import needs_correction, retraction_corrects
from bot.domain.events.model import EventStatus
from bot.domain.ingest.header import (
    HeaderFault,
    HeaderProblem,
    IngestHeader,
    parse_header,
    read_command,
)
from bot.domain.ingest.review import (
    ReviewAction,
    ReviewPlan,
    ReviewRefusal,
    drafts_of,
    one_button_rows,
    plan_review,
)
from bot.telegram.callbacks.admin import ForgetChoice, ForgetPress, PushPress, ReviewPress

TODAY = date(2021, 7, 10)
PUB, DEL, ONE = ReviewAction.PUBLISH, ReviewAction.DISCARD_ALL, ReviewAction.DISCARD_ONE


# --------------------------------------------------------------------------- ingest review


@pytest.mark.parametrize(
    ("action", "drafts", "event_id", "expected"),
    [
        (PUB, [1, 2, 3], None, ReviewPlan(PUB, (1, 2, 3), ())),
        (PUB, [1, 2, 3], 2, ReviewPlan(PUB, (1, 2, 3), ())),  # an event id means nothing here
        (DEL, [4, 5], None, ReviewPlan(DEL, (4, 5), ())),
        (ONE, [4, 5, 6], 5, ReviewPlan(ONE, (5,), (4, 6))),
        (ONE, [4], 4, ReviewPlan(ONE, (4,), ())),
        (ONE, [4, 5], 9, ReviewRefusal.GONE),  # not a draft of this article (any more)
        (ONE, [4, 5], None, ReviewRefusal.GONE),
        (ONE, [], 4, ReviewRefusal.GONE),
        (PUB, [], None, ReviewRefusal.NOTHING_LEFT),
        (DEL, [], None, ReviewRefusal.NOTHING_LEFT),
    ],
)
def test_plan_review(
    action: ReviewAction,
    drafts: list[int],
    event_id: int | None,
    expected: ReviewPlan | ReviewRefusal,
) -> None:
    assert plan_review(action, drafts, event_id) == expected


@pytest.mark.parametrize(
    ("plan", "publishes", "keeps_buttons"),
    [
        (ReviewPlan(PUB, (1, 2), ()), True, False),
        (ReviewPlan(DEL, (1, 2), ()), False, False),
        (ReviewPlan(ONE, (1,), (2,)), False, True),
        (ReviewPlan(ONE, (1,), ()), False, False),
    ],
)
def test_review_plan_outcome(plan: ReviewPlan, publishes: bool, keeps_buttons: bool) -> None:
    assert plan.publishes is publishes
    assert plan.keeps_buttons is keeps_buttons


def test_drafts_of_keeps_only_drafts_in_order() -> None:
    events = [
        SimpleNamespace(id=1, status=EventStatus.DRAFT),
        SimpleNamespace(id=2, status=EventStatus.PUBLISHED),
        SimpleNamespace(id=3, status=EventStatus.DRAFT),
        SimpleNamespace(id=4, status=EventStatus.RETRACTED),
    ]
    assert [e.id for e in drafts_of(cast(Any, events))] == [1, 3]


@pytest.mark.parametrize(
    ("count", "rows"),
    [
        (0, []),
        (1, [[1]]),
        (4, [[1, 2, 3, 4]]),
        (5, [[1, 2, 3, 4], [5]]),
        (16, [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16]]),
        (20, [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16]]),
    ],
)
def test_one_button_rows(count: int, rows: list[list[int]]) -> None:
    assert one_button_rows(list(range(1, count + 1))) == rows


# --------------------------------------------------------------------------- /ingest header


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ("", IngestHeader(TODAY)),
        ("   ", IngestHeader(TODAY)),
        ("2021-07-09", IngestHeader(date(2021, 7, 9))),
        ("2021-07-09 AP", IngestHeader(date(2021, 7, 9), "AP")),
        (
            "2021-07-09 Tolo News https://tolonews.com/a",
            IngestHeader(date(2021, 7, 9), "Tolo News", "https://tolonews.com/a"),
        ),
        # A URL alone reads as the outlet (the outlet is taken first).
        ("2021-07-09 https://x.org/a", IngestHeader(date(2021, 7, 9), "https://x.org/a")),
        ("2021-02-30 AP", HeaderProblem(HeaderFault.NOT_A_DATE, "2021-02-30")),
        ("2021-07-11", HeaderProblem(HeaderFault.FUTURE)),
        ("yesterday AP", HeaderProblem(HeaderFault.USAGE)),
        ("2021-7-9 AP", HeaderProblem(HeaderFault.USAGE)),
    ],
)
def test_parse_header(args: str, expected: IngestHeader | HeaderProblem) -> None:
    assert parse_header(args, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/ingest", (IngestHeader(TODAY), "")),
        ("/ingest 2021-07-09 AP\nbody", (IngestHeader(date(2021, 7, 9), "AP"), "body")),
        ("/ingest <b>Zorg</b>", HeaderProblem(HeaderFault.USAGE)),  # short, nothing after it
        ("/ingest 2021-7-9 AP\nbody", HeaderProblem(HeaderFault.USAGE)),  # looks like a date
        (
            "/ingest Fighting was reported\nmore",
            (IngestHeader(TODAY), "Fighting was reported\nmore"),
        ),
        ("/ingest " + "x" * 120, (IngestHeader(TODAY), "x" * 120 + "\n")),
    ],
)
def test_read_command(text: str, expected: tuple[IngestHeader, str] | HeaderProblem) -> None:
    assert read_command(text, TODAY) == expected


@pytest.mark.parametrize(
    ("form", "expected"),
    [
        (
            {"published": "2021-07-09", "outlet": "AP", "url": "u"},
            IngestHeader(date(2021, 7, 9), "AP", "u"),
        ),
        ({"published": "garbage"}, IngestHeader(TODAY)),
        ({}, IngestHeader(TODAY)),
        ({"published": "2021-07-09", "outlet": None}, IngestHeader(date(2021, 7, 9))),
    ],
)
def test_header_from_form(form: dict[str, Any], expected: IngestHeader) -> None:
    assert IngestHeader.from_form(form, TODAY) == expected


def test_header_round_trips_through_the_form() -> None:
    header = IngestHeader(date(2021, 7, 9), "AP", "https://x.org")
    assert IngestHeader.from_form(header.to_form(), TODAY) == header
    assert IngestHeader(TODAY).source_outlet == "pasted article"
    assert header.source_outlet == "AP"


# --------------------------------------------------------------------------- push audiences


class FakePlaces:
    """Two places; suggestions for anything starting with "Her"."""

    PLACES: ClassVar[dict[str, Any]] = {
        "af.herat": SimpleNamespace(key="af.herat", name="Herat"),
        "af.kabul": SimpleNamespace(key="af.kabul", name="Kabul"),
    }

    def get(self, key: str) -> Any:
        return self.PLACES.get(key)

    def resolve(self, name: str, *, prefer_city: bool = False) -> Any:
        return next((p for p in self.PLACES.values() if p.name.lower() == name.lower()), None)

    def suggest(self, name: str, limit: int = 3) -> list[Any]:
        return [self.PLACES["af.herat"]] if name.lower().startswith("her") else []


PLACES = cast(Any, FakePlaces())


@pytest.mark.parametrize(
    ("stored", "audience"),
    [
        ("all", Audience(AudienceKind.ALL)),
        ("place:af.herat", Audience(AudienceKind.PLACE, "af.herat")),
        ("chat:-1001", Audience(AudienceKind.CHAT, "-1001")),
        ("event:12", Audience(AudienceKind.EVENT, "12")),
        ("", Audience(AudienceKind.ALL)),
        ("nobody:1", Audience(AudienceKind.ALL)),
    ],
)
def test_audience_decode(stored: str, audience: Audience) -> None:
    assert Audience.decode(stored) == audience


@pytest.mark.parametrize("stored", ["all", "place:af.herat", "chat:-1001", "event:12"])
def test_audience_round_trip(stored: str) -> None:
    assert Audience.decode(stored).encode() == stored


@pytest.mark.parametrize(
    ("stored", "label"),
    [
        ("all", AudienceLabel(AudienceKind.ALL)),
        ("place:af.herat", AudienceLabel(AudienceKind.PLACE, "Herat")),
        ("place:xx.gone", AudienceLabel(AudienceKind.PLACE, "xx.gone")),
        ("chat:-1001", AudienceLabel(AudienceKind.CHAT, "-1001")),
        ("event:12", AudienceLabel(AudienceKind.EVENT)),
        ("odd", AudienceLabel(AudienceKind.ALL)),
    ],
)
def test_audience_label(stored: str, label: AudienceLabel) -> None:
    assert label_of(stored, PLACES) == label


@pytest.mark.parametrize(
    ("words", "chosen"),
    [
        ("all", Audience(AudienceKind.ALL)),
        ("ALL", Audience(AudienceKind.ALL)),
        ("chat -1001", Audience(AudienceKind.CHAT, "-1001")),
        ("Chat  42 ", Audience(AudienceKind.CHAT, "42")),
        ("kabul", Audience(AudienceKind.PLACE, "af.kabul")),
        ("Hera", UnknownPlace("Hera", ("Herat",))),
        ("<b>Zorg</b>", UnknownPlace("<b>Zorg</b>")),
    ],
)
def test_choose_audience(words: str, chosen: Audience | UnknownPlace) -> None:
    assert choose_audience(words, PLACES) == chosen


# --------------------------------------------------------------------------- /push words


@pytest.mark.parametrize(
    ("text", "expected", "arguments"),
    [
        ("/push today", PushRequest("today"), {}),
        ("/push TODAY", PushRequest("today"), {}),
        (
            "/push since 2021-07-01",
            PushRequest("since", since=date(2021, 7, 1)),
            {"since": date(2021, 7, 1)},
        ),
        ("/push since yesterday", PushUsage.SINCE, None),
        (
            "/push events 3,5,8",
            PushRequest("events", event_ids=(3, 5, 8)),
            {"event_ids": [3, 5, 8]},
        ),
        ("/push events #3 #5", PushRequest("events", event_ids=(3, 5)), {"event_ids": [3, 5]}),
        ("/push events", PushUsage.EVENTS, None),
        ("/push events 3,x", PushUsage.EVENTS, None),
        ("/push events 1234567890", PushUsage.EVENTS, None),
        (
            "/push text hello there",
            PushRequest("text", text="hello there"),
            {"text": "hello there"},
        ),
        ("/push text", PushRequest("text", text=""), {"text": ""}),
        ("/push", PushUsage.GENERAL, None),
        ("/push tomorrow", PushUsage.GENERAL, None),
    ],
)
def test_parse_push(
    text: str, expected: PushRequest | PushUsage, arguments: dict[str, Any] | None
) -> None:
    request = parse_push(text)
    assert request == expected
    if isinstance(request, PushRequest):
        assert request.arguments() == arguments


def test_push_events_are_capped_at_thirty() -> None:
    request = parse_push("/push events " + ",".join(str(i) for i in range(1, 41)))
    assert isinstance(request, PushRequest) and request.event_ids == tuple(range(1, 31))


# --------------------------------------------------------------------------- corrections


def _event(status: EventStatus, summary: str = "s") -> Any:
    return SimpleNamespace(status=status, summary=summary)


@pytest.mark.parametrize(
    ("before", "after", "field", "expected"),
    [
        (_event(EventStatus.PUBLISHED), _event(EventStatus.PUBLISHED, "new"), "summary", True),
        (_event(EventStatus.PUBLISHED), _event(EventStatus.PUBLISHED), "summary", False),
        (_event(EventStatus.PUBLISHED), _event(EventStatus.PUBLISHED, "new"), "actors", False),
        (_event(EventStatus.DRAFT), _event(EventStatus.DRAFT, "new"), "summary", False),
        (None, _event(EventStatus.PUBLISHED, "new"), "place", False),
    ],
)
def test_needs_correction(before: Any, after: Any, field: str, expected: bool) -> None:
    assert needs_correction(before, after, field) is expected


@pytest.mark.parametrize(
    ("before", "expected"),
    [(_event(EventStatus.PUBLISHED), True), (_event(EventStatus.DRAFT), False), (None, False)],
)
def test_retraction_corrects(before: Any, expected: bool) -> None:
    assert retraction_corrects(before) is expected


# --------------------------------------------------------------------------- callback data


@pytest.mark.parametrize(
    ("data", "press"),
    [
        ("fg:yes", ForgetPress(ForgetChoice.YES)),
        ("fg:no", ForgetPress(ForgetChoice.NO)),
        ("fg:maybe", None),
        ("fg:yes:1", None),
        ("", None),
        (None, None),
    ],
)
def test_forget_press(data: str | None, press: ForgetPress | None) -> None:
    assert ForgetPress.decode(data) == press
    if press is not None:
        assert press.encode() == data


@pytest.mark.parametrize(
    ("data", "press"),
    [
        ("ing:pub:12", ReviewPress(PUB, 12)),
        ("ing:del:12", ReviewPress(DEL, 12)),
        ("ing:one:12:34", ReviewPress(ONE, 12, 34)),
        ("ing:one:12", ReviewPress(ONE, 12)),  # read, then refused: no draft named
        ("ing:pub:x", None),
        ("ing:zap:12", None),
        ("ing:pub:12345678901", None),
        ("ing:pub:2147483647", ReviewPress(PUB, 2147483647)),  # the largest INTEGER id
        ("ing:pub:2147483648", None),  # past the INTEGER column: tampered
        ("ing:one:12:9999999999", None),
        ("ing:one:12:34:56", None),
        ("", None),
        (None, None),
    ],
)
def test_review_press(data: str | None, press: ReviewPress | None) -> None:
    assert ReviewPress.decode(data) == press
    if press is not None:
        assert press.encode() == data


@pytest.mark.parametrize(
    ("data", "press"),
    [
        ("pc:7", PushPress(True, 7)),
        ("px:7", PushPress(False, 7)),
        ("pz:7", None),
        ("pc:", None),
        ("pc:7:8", None),
        ("pc:12345678901", None),
        ("pc:9999999999", None),  # ten digits, past the INTEGER column: tampered
        (None, None),
    ],
)
def test_push_press(data: str | None, press: PushPress | None) -> None:
    assert PushPress.decode(data) == press
    if press is not None:
        assert press.encode() == data
