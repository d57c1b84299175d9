"""Fuzz tier, webhook side: hostile request bodies POSTed to the real webhook server over loopback.

Bodies are hostile updates (tests/support/hostile.py) sent as they are or mangled: an update_id
that is huge, negative past 64 bits, a float, NaN, a string, null or a bool; a message that is a
string or a number; a chat id "x"; JSON cut short, nested hundreds deep, random bytes, a wrong
content type. For each one it checks that

- the answer is 200 or a 4xx (400, 413, 415), never a 5xx or a dropped connection;
- nothing logged a traceback or an error;
- an update answered 200 was handled, and anything answered 4xx was set aside (one dead letter);
- every reply parsed as Telegram HTML, with no user markup passed on unescaped.

Bounded and seeded in CI; SITREP_FUZZ_EXAMPLES (or ``--fuzz``) runs longer.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import operator
from collections.abc import Iterator
from contextlib import AsyncExitStack, contextmanager
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from telegram import Update
from telegram.ext import TypeHandler

from bot.telegram.context import SitrepContext
from bot.telegram.intake.webhook import SECRET_HEADER
from tests.support import hostile, hostile_kinds
from tests.support.fuzzing import fuzz_settings
from tests.support.harness import USER_ID, until
from tests.support.webhook import SECRET, Served, served

pytestmark = pytest.mark.slow

ODD_IDS = st.one_of(
    st.integers(2**63, 2**80),
    st.integers(-(2**80), -(2**63) - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=5),
    st.none(),
    st.booleans(),
)
ODD_VALUES = st.one_of(
    st.text(hostile.chars, max_size=10),
    st.integers(-(2**70), 2**70),
    st.none(),
    st.lists(st.integers(), max_size=3),
)
MANGLES = (
    "plain",
    "plain",
    "plain",
    "update_id",
    "field",
    "chat_id",
    "cut",
    "deep",
    "bytes",
    "type",
)


def _dumps(data: Any) -> bytes:
    return json.dumps(data).encode()


@st.composite
def webhook_request(
    draw: st.DrawFn, builder: hostile.Builder, targets: list[dict[str, Any]]
) -> tuple[bytes, str, dict[str, Any]]:
    """(body, content type, the update it was made from)."""
    update = draw(
        st.one_of(
            hostile.message_update(builder),
            hostile.callback_update(builder, targets),
            hostile_kinds.other_update(builder),
        )
    )
    key = next(k for k in update if k != "update_id")
    how = draw(st.sampled_from(MANGLES))
    content_type = "application/json"
    if how == "update_id":
        body = _dumps(update | {"update_id": draw(ODD_IDS)})
    elif how == "field":
        body = _dumps(update | {key: draw(ODD_VALUES)})
    elif how == "chat_id" and "chat" in update[key]:
        chat = update[key]["chat"] | {"id": draw(ODD_VALUES | ODD_IDS)}
        body = _dumps(update | {key: update[key] | {"chat": chat}})
    elif how == "cut":
        whole = _dumps(update)
        body = whole[: draw(st.integers(0, len(whole) - 1))]
    elif how == "deep":
        deep: Any = 1
        for _ in range(draw(st.integers(33, 400))):
            deep = [deep]
        body = _dumps(update | {"extra": deep})
    elif how == "bytes":
        body = draw(st.binary(max_size=200))
    elif how == "type":
        body = _dumps(update)
        content_type = draw(
            st.sampled_from(("text/plain", "application/x-www-form-urlencoded", ""))
        )
    else:
        body = _dumps(update)
    return body, content_type, update


class WebhookFuzz:
    """The webhook server on a loop kept across examples, with its log watched."""

    def __init__(self, runner: asyncio.Runner, server: Served, client: httpx.AsyncClient) -> None:
        self.runner = runner
        self.s = server
        self.client = client
        self.builder = hostile.Builder(server.api)
        self.seen: set[int] = set()
        self.targets: list[dict[str, Any]] = []
        self.logs = hostile.Tracebacks()

        async def record(update: Update, context: SitrepContext) -> None:
            self.seen.add(update.update_id)

        server.app.add_handler(TypeHandler(Update, record), group=-100)

    async def _post(self, body: bytes, content_type: str) -> int:
        headers = {SECRET_HEADER: SECRET}
        if content_type:
            headers["Content-Type"] = content_type
        response = await self.client.post(self.s.hook, content=body, headers=headers)
        return response.status_code

    def setup(self) -> None:
        """Collect bot messages with buttons to press junk on."""

        async def run() -> None:
            for text in ("/settings", "/forget"):
                update = self.s.factory.message(text, user_id=USER_ID)
                assert await self._post(_dumps(update), "application/json") == 200
                await until(functools.partial(operator.contains, self.seen, update["update_id"]))
            self.targets.extend(m for m in self.s.api.sent(USER_ID) if m.get("reply_markup"))

        self.runner.run(run())
        assert self.logs.take() == []

    def post(self, body: bytes, content_type: str, update: dict[str, Any]) -> None:
        """POST one body and check the invariants."""

        async def run() -> None:
            letters = self.s.app.bot_data.services.inbox.dead_letters
            before, calls = await letters.count(), len(self.s.api.calls)
            status = await self._post(body, content_type)
            assert status in (200, 400, 413, 415), f"answered {status}"
            if status == 200:
                update_id = json.loads(body)["update_id"]
                await until(lambda: update_id in self.seen, timeout=30)
                await self._settled()
                assert await letters.count() == before, "handled and set aside"
            else:
                assert await letters.count() == before + 1, "answered 4xx but not set aside"
            problems = hostile.reply_problems(self.s.api, calls)
            assert problems == [], problems

        self.runner.run(asyncio.wait_for(run(), timeout=60))
        assert self.logs.take() == [], f"traceback for {body[:2000]!r}"

    async def _settled(self) -> None:
        """Until every update is handled and marked done in the inbox."""
        inbox = self.s.app.bot_data.services.inbox
        for _ in range(1500):
            if await inbox.pending() == 0:
                return
            await asyncio.sleep(0.02)
        raise AssertionError("an update was never marked done")


@contextmanager
def fuzzing_webhook(db_url: str) -> Iterator[WebhookFuzz]:
    """The webhook server and an HTTP client on one loop, the root logger watched."""
    with asyncio.Runner() as runner:
        stack = AsyncExitStack()
        server = runner.run(stack.enter_async_context(served(db_url)))
        client = runner.run(stack.enter_async_context(httpx.AsyncClient()))
        fuzz = WebhookFuzz(runner, server, client)
        root = logging.getLogger()
        root.addHandler(fuzz.logs)
        try:
            fuzz.setup()
            yield fuzz
        finally:
            root.removeHandler(fuzz.logs)
            runner.run(stack.aclose())


def test_hostile_webhook_bodies_are_handled_or_set_aside(sqlite_db_url: str) -> None:
    with fuzzing_webhook(sqlite_db_url) as fuzz:

        @fuzz_settings(100)
        @given(webhook_request(fuzz.builder, fuzz.targets))
        def check(request: tuple[bytes, str, dict[str, Any]]) -> None:
            fuzz.post(*request)

        check()
