"""The transcript: rendering sent messages as text and pressing buttons by number."""

from __future__ import annotations

from typing import Any

import pytest

from bot.sim.api import ButtonIndex, render_event, render_message
from tests.support.localapi import CHAT

# ---------------------------------------------------------------- transcript


def _msg(**extra: Any) -> dict[str, Any]:
    return {"message_id": 3, "chat": {"id": CHAT, "type": "private"}, "date": 0, **extra}


def _kb(*rows: list[dict[str, str]]) -> dict[str, Any]:
    return {"inline_keyboard": [list(row) for row in rows]}


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (_msg(text="plain"), "plain"),
        (
            _msg(text="Herat: fighting", entities=[{"type": "bold", "offset": 0, "length": 5}]),
            "Herat: fighting",
        ),
        (
            _msg(
                text="Source AP",
                entities=[
                    {"type": "text_link", "offset": 7, "length": 2, "url": "https://apnews.com"}
                ],
            ),
            "Source AP (https://apnews.com)",
        ),
        (
            _msg(text="Code:\nx = 1\ny = 2", entities=[{"type": "pre", "offset": 6, "length": 11}]),
            "Code:\n\n    x = 1\n    y = 2",
        ),
        (_msg(text="a < b & c"), "a < b & c"),
        (
            _msg(text="hidden", entities=[{"type": "spoiler", "offset": 0, "length": 6}]),
            "||hidden||",
        ),
        (
            _msg(
                text="😀 Islam Qala",
                entities=[{"type": "text_link", "offset": 3, "length": 10, "url": "https://x.y"}],
            ),
            "😀 Islam Qala (https://x.y)",
        ),
        (
            _msg(
                text="Brief",
                reply_markup=_kb(
                    [
                        {"text": "More", "callback_data": "m"},
                        {"text": "Subscribe to Herat", "callback_data": "s"},
                    ],
                    [{"text": "Source", "url": "https://apnews.com"}],
                ),
            ),
            "Brief\n[1] More  [2] Subscribe to Herat\n[3] Source (https://apnews.com)",
        ),
        (_msg(text="New", edit_date=5), "(edited) New"),
        (
            _msg(caption="today", document={"file_id": "f", "file_name": "brief.txt"}),
            "[document: brief.txt]\ntoday",
        ),
    ],
)
def test_render_message(message: dict[str, Any], expected: str) -> None:
    assert render_message(message) == expected


def test_render_event_marks_deletes() -> None:
    assert render_event("deleted", _msg(text="x")) == "(deleted) message 3"
    assert render_event("sent", _msg(text="x")) == "x"


def test_button_index_presses_last_message_with_buttons() -> None:
    index = ButtonIndex()
    first = _msg(text="a", reply_markup=_kb([{"text": "Old", "callback_data": "old"}]))
    second = {
        **_msg(
            text="b",
            reply_markup=_kb(
                [{"text": "More", "callback_data": "more"}, {"text": "Web", "url": "https://x.y"}]
            ),
        ),
        "message_id": 4,
    }
    index.observe("sent", first)
    index.observe("sent", second)
    index.observe("sent", {**_msg(text="no buttons"), "message_id": 5})
    pressed = index.press("1")
    assert pressed is not None and pressed.callback_data == "more"
    assert pressed.message["message_id"] == 4
    web = index.press(2)
    assert web is not None and (web.callback_data, web.url) == (None, "https://x.y")
    assert index.press("3") is None and index.press("x") is None
    index.observe(
        "edited", {**second, "reply_markup": _kb([{"text": "Back", "callback_data": "b"}])}
    )
    back = index.press(1)
    assert back is not None and back.callback_data == "b"
    index.observe("deleted", second)
    assert len(index) == 0 and index.press(1) is None
