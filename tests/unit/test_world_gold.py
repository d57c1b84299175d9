"""Places of the world in articles and questions (invented, tests/fixtures/crises): every crisis's
events found at their place and country, questions in several languages and scripts answered
with the right place, traps ("Rapid Support Forces", "a new offensive") never taken for places.

Quality gates over the gold set, not timings; the numbers go in the closing notes.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.domain.places.gazetteer import Gazetteer
from bot.domain.places.model import PlaceKind, PlaceMention
from bot.domain.places.names import normalize
from bot.domain.questions.understand import Understander
from bot.store.atlas import world_gazetteer

CRISES = Path(__file__).resolve().parents[1] / "fixtures" / "crises"
EXPECTED: dict[str, list[dict[str, object]]] = json.loads(
    (CRISES / "expected.json").read_text(encoding="utf-8")
)
QUESTIONS: list[dict[str, str]] = json.loads(
    (CRISES / "questions.json").read_text(encoding="utf-8")
)
NOW = datetime(2026, 5, 15, 9, 0, tzinfo=UTC)
MIN_RECALL = 0.85  # measured 29/33 events placed
MIN_QUESTIONS = 0.85  # measured 48/54 questions
TRAPS = ("Rapid", "a new", "new offensive", "Support")


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    """The world gazetteer with no focus: these crises are not the deployment's own."""
    return world_gazetteer()


def _found(gaz: Gazetteer, mentions: list[PlaceMention], event: dict[str, object]) -> bool:
    name, country = str(event["place"]), str(event["country"])
    meant = gaz.resolve(name)
    for m in mentions:
        if m.place.country != country:
            continue
        if normalize(m.place.name) == normalize(name) or normalize(m.matched) == normalize(name):
            return True
        if meant is not None and meant.key == m.place.key:
            return True
    return False


def test_events_of_every_crisis_are_found_at_their_place(gaz: Gazetteer) -> None:
    found = total = 0
    for name, events in EXPECTED.items():
        mentions = gaz.find_in_text((CRISES / name).read_text(encoding="utf-8"))
        for event in events:
            total += 1
            found += _found(gaz, mentions, event)
    assert total >= 30 and found / total >= MIN_RECALL, (found, total)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_an_article_names_no_place_far_from_its_story(gaz: Gazetteer, name: str) -> None:
    text = (CRISES / name).read_text(encoding="utf-8")
    mentions = gaz.find_in_text(text)
    assert not [m for m in mentions if any(m.matched.startswith(t) for t in TRAPS)]
    named = {m.place.country for m in mentions if m.place.kind is PlaceKind.COUNTRY}
    story = {str(e["country"]) for e in EXPECTED[name]} | named
    far = [m for m in mentions if m.place.country not in story]
    assert len(far) <= 1, [(m.matched, m.place.key) for m in far]  # a neighbour's town at most


def test_every_event_place_lies_in_its_first_level_area(gaz: Gazetteer) -> None:
    wrong = []
    for events in EXPECTED.values():
        for event in events:
            place, area = gaz.resolve(str(event["place"])), gaz.resolve(str(event["admin1"]))
            if place is None or area is None:
                continue  # counted by the recall test
            if area.kind is PlaceKind.PROVINCE and place.key not in gaz.descendants(area.key):
                wrong.append((event["place"], event["admin1"]))
    assert wrong == []


def test_questions_in_many_languages_find_their_place(gaz: Gazetteer) -> None:
    understander = Understander(gaz)
    right = 0
    for q in QUESTIONS:
        query = understander.understand(q["q"], NOW)
        right += bool(query.places) and query.places[0].country == q["country"]
    assert len(QUESTIONS) >= 50 and right / len(QUESTIONS) >= MIN_QUESTIONS, right
