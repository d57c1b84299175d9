"""A question's Query survives the trip to JSON (stored chat state) and back unchanged."""

from __future__ import annotations

import json

import pytest

from bot.domain.questions.statecodec import CodecError, query_from_json, query_to_json
from bot.domain.questions.understand import Understander
from bot.store.atlas import world_gazetteer
from tests.support.question_events import NOW

GAZETTEER = world_gazetteer()
U = Understander(GAZETTEER)


@pytest.mark.parametrize(
    "question",
    [
        "what happened at Islam Qala?",
        "news from Herat this week?",
        "what did the Taliban do yesterday?",
        "anything on the Iran border?",
        "Herat city in June",
        "Iranian media on the consulate closed in Mazar-e-Sharif",
        "news from Zorgabad",
        "",
        "🔥🔥🔥",
    ],
)
def test_round_trip(question: str) -> None:
    query = U.understand(question, NOW)
    stored = json.loads(json.dumps(query_to_json(query)))  # exactly what the JSON column keeps
    back = query_from_json(stored, GAZETTEER)
    assert back == query
    # A follow-up on the restored query reads the same as one on the original.
    assert U.understand("and Kunduz?", NOW, back) == U.understand("and Kunduz?", NOW, query)


def test_window_keeps_its_zone() -> None:
    query = U.understand("news from Herat this week?", NOW)
    back = query_from_json(json.loads(json.dumps(query_to_json(query))), GAZETTEER)
    assert back is not None and back.window is not None and query.window is not None
    assert back.window.start.tzinfo == query.window.start.tzinfo
    assert back.window.last_date() == query.window.last_date()


@pytest.mark.parametrize(
    "stored",
    [
        None,
        "text",
        {"places": {"tuple": [{"place": "no-such-place"}]}, "text": "x"},
        {"text": {"mystery": 1}},
        {"window": {"window": ["bad"]}, "text": "x"},
        {"text": {"datetime": "not a date", "zone": None}},
    ],
)
def test_unreadable_state_is_none(stored: object) -> None:
    assert query_from_json(stored, GAZETTEER) is None


def test_unknown_fields_are_ignored_and_missing_ones_default() -> None:
    query = query_from_json({"text": "Herat", "from_a_newer_version": 1}, GAZETTEER)
    assert query is not None and query.text == "Herat" and query.places == ()


def test_unstorable_values_are_refused() -> None:
    query = U.understand("Herat", NOW)
    with pytest.raises(CodecError):
        query_to_json(type(query)(text=object()))  # type: ignore[arg-type]
