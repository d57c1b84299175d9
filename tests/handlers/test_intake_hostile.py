"""Hostile and odd input at the intake: an update that cannot be parsed or stored does not stall
long polling (it is set aside as a dead letter and the offset moves on), and the webhook answers
anything that is not a Telegram update with a 4xx, setting it aside without storing or handling
it."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from telegram import InaccessibleMessage, Update

from bot.config import instance_name
from bot.domain.people.ports import UpdateStore
from bot.sim.api import UpdateFactory
from bot.telegram.context import SitrepApp, SitrepContext
from bot.telegram.intake.inbox import InboxQueue
from bot.telegram.intake.webhook import MAX_BODY_BYTES, SECRET_HEADER
from tests.support.harness import USER_ID, db_path_of, inbox_rows, until
from tests.support.hostile import dead_letter_rows
from tests.support.polling import Recorder, polling, push_raw, quiet_api
from tests.support.webhook import SECRET, barrier, replies_to, served

# Each test starts a webhook server or a polling loop: the full suite runs them, not the fast tier.
pytestmark = pytest.mark.slow


def recorder(seen: list[int]) -> Recorder:
    """A handler that notes every update's id in `seen`."""

    async def record(update: Update, context: SitrepContext) -> None:
        seen.append(update.update_id)

    return record


def pinned_inaccessible(factory: UpdateFactory, user_id: int) -> dict[str, Any]:
    """A "message pinned" service message whose pinned message is inaccessible (date 0)."""
    update = factory.message("", user_id=user_id)
    message = update["message"]
    message["pinned_message"] = {"message_id": 1, "date": 0, "chat": message["chat"]}
    return update


async def test_a_pinned_inaccessible_message_is_stored_and_does_not_stall_polling(
    sqlite_db_url: str,
) -> None:
    api, factory = quiet_api()
    path = db_path_of(sqlite_db_url)
    seen: list[int] = []
    pinned = pinned_inaccessible(factory, 4101)
    later = factory.message("/start", user_id=4102)
    async with polling(sqlite_db_url, api, recorder(seen)):
        api.push_update(pinned)
        api.push_update(later)
        await until(lambda: api.sent(4102))  # the later update: handled, and promptly
        await until(lambda: inbox_rows(path).get(later["update_id"], ("", False))[1])
    assert seen == [pinned["update_id"], later["update_id"]]
    assert inbox_rows(path)[pinned["update_id"]] == (instance_name(), True)
    # Stored as the Bot API sent it, and read back as the same update.
    body = stored_body(path, pinned["update_id"])
    assert body["message"]["pinned_message"]["date"] == 0
    again = Update.de_json(body, None)
    assert again is not None and again.message is not None
    assert isinstance(again.message.pinned_message, InaccessibleMessage)


def stored_body(path: Path, update_id: int) -> dict[str, Any]:
    """The JSON the inbox holds for an update (SQLite)."""
    con = sqlite3.connect(path)
    try:
        [raw] = con.execute(
            "SELECT body FROM update_inbox WHERE update_id = ?", (update_id,)
        ).fetchone()
    finally:
        con.close()
    body = json.loads(raw)
    assert isinstance(body, dict)
    return body


class RefusingInbox:
    """The real inbox, except that it refuses one update as a database would refuse a body."""

    def __init__(self, inner: UpdateStore, refused: int) -> None:
        self.inner = inner
        self.refused = refused

    async def accept(self, update_id: int, body: dict[str, Any]) -> bool:
        """Refuse `refused`; store the others."""
        if update_id == self.refused:
            raise ValueError("refused by the inbox: DataError: unsupported value")
        return await self.inner.accept(update_id, body)


def refuse(app: SitrepApp, update_id: int) -> None:
    """Make the application's inbox refuse one update."""
    queue = app.update_queue
    assert isinstance(queue, InboxQueue) and queue.inbox is not None
    queue.inbox = RefusingInbox(queue.inbox, update_id)


async def test_an_update_the_inbox_refuses_is_handled_without_it_and_polling_goes_on(
    sqlite_db_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    api, factory = quiet_api()
    path = db_path_of(sqlite_db_url)
    seen: list[int] = []
    odd = factory.message("/start", user_id=4111)
    later = factory.message("/start", user_id=4112)
    async with polling(sqlite_db_url, api, recorder(seen)) as app:
        refuse(app, odd["update_id"])
        api.push_update(odd)
        api.push_update(later)
        await until(lambda: api.sent(4112))
    assert seen == [odd["update_id"], later["update_id"]]
    assert len(api.sent(4111)) == 1
    assert inbox_rows(path) == {later["update_id"]: (instance_name(), True)}
    [line] = [r for r in caplog.records if "cannot be stored" in r.getMessage()]
    assert line.exc_info is None and "\n" not in line.getMessage()
    [(update_id, source, reason, body)] = dead_letter_rows(path)
    assert (update_id, source) == (odd["update_id"], "inbox")
    assert "DataError" in reason and json.loads(body)["message"]["text"] == "/start"


async def test_a_webhook_update_the_inbox_refuses_is_answered_200_and_handled(
    sqlite_db_url: str,
) -> None:
    async with served(sqlite_db_url) as s, httpx.AsyncClient() as client:
        update = s.factory.message("/start", user_id=USER_ID)
        refuse(s.app, update["update_id"])
        response = await client.post(s.hook, json=update, headers={SECRET_HEADER: SECRET})
        await until(lambda: replies_to(s.api, USER_ID))
    assert response.status_code == 200
    assert len(replies_to(s.api, USER_ID)) == 1


Mangle = Callable[[dict[str, Any]], bytes]


def _dumps(data: Any) -> bytes:
    return json.dumps(data).encode()


def _with(**fields: Any) -> Mangle:
    return lambda update: _dumps(update | fields)


def _in_message(update: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return update | {"message": update["message"] | fields}


def _without_update_id(update: dict[str, Any]) -> bytes:
    return _dumps({k: v for k, v in update.items() if k != "update_id"})


def _nested(depth: int) -> Mangle:
    def mangle(update: dict[str, Any]) -> bytes:
        deep: Any = "bottom"
        for _ in range(depth):
            deep = {"a": [deep]}
        return _dumps(update | {"extra": deep})

    return mangle


JSON = "application/json"
HOSTILE: list[tuple[str, Mangle, str | None, int]] = [
    ("malformed", lambda u: _dumps(u)[:-1], JSON, 400),
    ("not utf-8", lambda u: b'{"update_id": "\xff"}', JSON, 400),
    ("a list", lambda u: _dumps([u]), JSON, 400),
    ("a string", lambda u: b'"hello"', JSON, 400),
    ("null", lambda u: b"null", JSON, 400),
    ("very deep", lambda u: b"[" * 100_000 + b"]" * 100_000, JSON, 400),
    ("deep inside", _nested(200), JSON, 400),
    ("message a string", _with(message="hello"), JSON, 400),
    ("message a list", _with(message=[1]), JSON, 400),
    ("message without date", lambda u: _dumps(u | {"message": {"message_id": 1}}), JSON, 400),
    ("no update_id", _without_update_id, JSON, 400),
    ("update_id a string", _with(update_id="abc"), JSON, 400),
    ("update_id a float", _with(update_id=1.5), JSON, 400),
    ("update_id null", _with(update_id=None), JSON, 400),
    ("update_id true", _with(update_id=True), JSON, 400),
    ("update_id too big", _with(update_id=2**63), JSON, 400),
    ("update_id too small", _with(update_id=-(2**63) - 1), JSON, 400),
    (
        "update_id NaN",
        lambda u: _dumps(u).replace(b'"update_id": ', b'"update_id": NaN, "x": '),
        JSON,
        400,
    ),
    ("Infinity inside", lambda u: _dumps(u)[:-1] + b', "x": Infinity}', JSON, 400),
    (
        "chat id a string",
        lambda u: _dumps(_in_message(u, chat=u["message"]["chat"] | {"id": "x"})),
        JSON,
        400,
    ),
    (
        "chat id null",
        lambda u: _dumps(_in_message(u, chat=u["message"]["chat"] | {"id": None})),
        JSON,
        400,
    ),
    (
        "user id huge",
        lambda u: _dumps(_in_message(u, **{"from": u["message"]["from"] | {"id": 2**64}})),
        JSON,
        400,
    ),
    ("message_id a float", lambda u: _dumps(_in_message(u, message_id=1.5)), JSON, 400),
    (
        "entity offset a string",
        lambda u: _dumps(_in_message(u, entities=[{"type": "bold", "offset": "0", "length": 1}])),
        JSON,
        400,
    ),
    ("date past int64", lambda u: _dumps(_in_message(u, date=2**64)), JSON, 400),
    ("date past datetime", lambda u: _dumps(_in_message(u, date=2**62)), JSON, 400),
    ("form content type", _dumps, "application/x-www-form-urlencoded", 415),
    ("text content type", _dumps, "text/plain", 415),
    ("no content type", _dumps, None, 415),
    ("oversize", lambda u: _dumps(u | {"pad": "x" * MAX_BODY_BYTES}), JSON, 413),
]


@pytest.mark.parametrize(
    ("mangle", "content_type", "status"),
    [pytest.param(m, c, s, id=name) for name, m, c, s in HOSTILE],
)
async def test_what_is_not_an_update_is_answered_4xx_and_neither_stored_nor_handled(
    sqlite_db_url: str, mangle: Mangle, content_type: str | None, status: int
) -> None:
    async with served(sqlite_db_url) as s, httpx.AsyncClient() as client:
        original = s.factory.message("/start", user_id=USER_ID)
        body = mangle(original)
        headers = {SECRET_HEADER: SECRET}
        if content_type is not None:
            headers["Content-Type"] = content_type
        response = await client.post(s.hook, content=body, headers=headers)
        later_id = await barrier(s, client)  # a valid update after it: still answered 200
        assert replies_to(s.api, USER_ID) == []
    assert response.status_code == status
    assert response.json()["ok"] is False
    assert inbox_rows(s.db_path) == {later_id: (instance_name(), True)}
    # Set aside with (the head of) its body; the update_id kept when it is a good one.
    [(update_id, source, reason, kept)] = dead_letter_rows(s.db_path)
    assert source == "webhook" and reason.startswith(str(status))
    assert update_id == (original["update_id"] if _keeps_id(body, status, original) else None)
    assert kept and len(kept) <= 16 * 1024


def _keeps_id(body: bytes, status: int, original: dict[str, Any]) -> bool:
    """Whether a refused body still carries the original's update_id as strict JSON."""
    try:
        data = json.loads(body, parse_constant=lambda name: [][0])
    except (ValueError, IndexError, RecursionError):
        return False
    if status != 400 or not isinstance(data, dict):
        return False
    update_id = data.get("update_id")
    return type(update_id) is int and update_id == original["update_id"]


async def test_an_update_with_a_charset_is_handled(sqlite_db_url: str) -> None:
    async with served(sqlite_db_url) as s, httpx.AsyncClient() as client:
        update = s.factory.message("/start", user_id=USER_ID)
        headers = {SECRET_HEADER: SECRET, "Content-Type": "application/json; charset=utf-8"}
        response = await client.post(s.hook, content=_dumps(update), headers=headers)
        await until(lambda: replies_to(s.api, USER_ID))
    assert response.status_code == 200


UNPARSABLE: list[tuple[str, Callable[[dict[str, Any]], dict[str, Any]]]] = [
    ("message a string", lambda u: u | {"message": "hello"}),
    ("message without date", lambda u: u | {"message": {"message_id": 1}}),
    ("chat id a string", lambda u: u | {"message": u["message"] | {"chat": {"id": "x"}}}),
    ("nested deep", lambda u: u | {"message": u["message"] | {"x": _deep(100)}}),
    ("callback without id", lambda u: {"update_id": u["update_id"], "callback_query": {}}),
]


def _deep(depth: int) -> Any:
    deep: Any = 1
    for _ in range(depth):
        deep = [deep]
    return deep


async def test_updates_polling_cannot_parse_are_set_aside_and_the_offset_moves_on(
    sqlite_db_url: str,
) -> None:
    """PTB parses a getUpdates answer as a whole: one update it cannot parse used to fail every
    answer, and the same offset was asked for again forever."""
    api, factory = quiet_api()
    path = db_path_of(sqlite_db_url)
    seen: list[int] = []
    bad = [mangle(factory.message("/start", user_id=4121)) for _, mangle in UNPARSABLE]
    later = factory.message("/start", user_id=4122)
    async with polling(sqlite_db_url, api, recorder(seen)):
        for update in bad:
            push_raw(api, update)
        api.push_update(later)
        await until(lambda: api.sent(4122))
        await until(lambda: inbox_rows(path).get(later["update_id"], ("", False))[1])
    bad_ids = [u["update_id"] for u in bad]
    letters = dead_letter_rows(path)
    assert [(u, s) for u, s, _, _ in letters] == [(i, "polling") for i in bad_ids]
    assert json.loads(letters[0][3])["message"] == "hello"
    assert api.sent(4121) == []
    # Confirmed: later getUpdates asked past every one of them.
    offsets = [c.params.get("offset") or 0 for c in api.calls_to("getUpdates")]
    assert max(offsets) > later["update_id"] > max(bad_ids)
    assert seen[-1] == later["update_id"]


async def test_a_refused_update_telegram_sends_again_is_set_aside_once(
    sqlite_db_url: str,
) -> None:
    async with served(sqlite_db_url) as s, httpx.AsyncClient() as client:
        update = s.factory.message("/start", user_id=USER_ID) | {"message": "hello"}
        headers = {SECRET_HEADER: SECRET}
        answers = [
            (await client.post(s.hook, json=update, headers=headers)).status_code for _ in range(3)
        ]
        await barrier(s, client)
    assert answers == [400, 400, 400]
    [(update_id, source, _, body)] = dead_letter_rows(s.db_path)
    assert (update_id, source) == (update["update_id"], "webhook")
    assert json.loads(body) == update


async def test_a_body_without_the_secret_is_not_kept(sqlite_db_url: str) -> None:
    async with served(sqlite_db_url) as s, httpx.AsyncClient() as client:
        response = await client.post(s.hook, content=b"junk", headers={SECRET_HEADER: "nope"})
        await barrier(s, client)
    assert response.status_code == 403
    assert dead_letter_rows(s.db_path) == []
