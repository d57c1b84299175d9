"""Fuzz tier: hostile updates through the real Application and PTB's request path.

Hypothesis builds update dicts (tests/support/hostile.py): random Unicode with lone surrogates
and NULs, 100,000-character texts, HTML and full-text-search syntax, every command with junk
arguments, tampered callback data, buttons pressed with no message, edited messages, channel
posts, member changes, reactions, inline queries, polls, join requests, messages in unknown
groups, stickers and documents without text, extreme ids. For each update it checks that

- nothing logged a traceback or an error (any logger: PTB's, the app's error handler, ours);
- the update was handled (the Application saw it and process_update returned);
- every reply parsed as Telegram HTML in the fake Bot API, and no user <script> or marker tag
  reached Telegram unescaped;
- admin commands and admin buttons from people who are not admins changed no stored row.

In CI the run is bounded and seeded (derandomize=True). For a longer hunt set the number of
examples per test, e.g.::

    SITREP_FUZZ_EXAMPLES=5000 .venv/bin/pytest -q -p no:cacheprovider \
        tests/handlers/test_fuzz_updates.py
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from contextlib import AsyncExitStack, contextmanager
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from telegram import Update
from telegram.ext import TypeHandler

from bot.telegram.context import SitrepContext
from tests.support import hostile, hostile_kinds
from tests.support.fuzzing import fuzz_settings
from tests.support.harness import ADMIN_ID, USER_ID, Harness, db_path_of, running_bot

pytestmark = pytest.mark.slow

SEED_LINES = (
    "/addevent 2021-07-08 | Islam Qala | Taliban seized the <b>crossing</b> & more | AP",
    "/addevent 2021-07-09 | Kabul | Protest near the airport | Reuters",
)


class Fuzzed:
    """A running bot on its own event loop, processing one hostile update at a time."""

    def __init__(self, runner: asyncio.Runner, bot: Harness) -> None:
        self.runner = runner
        self.bot = bot
        self.builder = hostile.Builder(bot.api)
        self.seen: list[int] = []
        self.targets: list[dict[str, Any]] = []
        self.logs = hostile.Tracebacks()

        async def record(update: Update, context: SitrepContext) -> None:
            self.seen.append(update.update_id)

        bot.app.add_handler(TypeHandler(Update, record), group=-100)

    def setup(self) -> None:
        """Seed events and collect bot messages with buttons to press junk on."""

        async def run() -> None:
            for line in SEED_LINES:
                await self.bot.send(line, user_id=ADMIN_ID)
            for user, text in ((USER_ID, "/settings"), (USER_ID, "/forget"), (ADMIN_ID, "/help")):
                self.targets.extend(await self.bot.send(text, user_id=user))
            self.targets.extend(await self.bot.send("/push text hello", user_id=ADMIN_ID))

        self.runner.run(run())
        assert self.logs.take() == []

    def process(self, update: dict[str, Any]) -> None:
        """Process one update and check the invariants."""
        calls = len(self.bot.api.calls)
        update_id = update["update_id"]
        self.runner.run(asyncio.wait_for(self.bot.process(update), timeout=60))
        assert self.logs.take() == [], f"traceback while handling {_short(update)}"
        assert update_id in self.seen, f"update not handled: {_short(update)}"
        problems = hostile.reply_problems(self.bot.api, calls)
        assert problems == [], f"{problems} for {_short(update)}"


def _short(update: dict[str, Any]) -> str:
    text = repr(update)
    return text if len(text) < 2000 else text[:2000] + "…"


@contextmanager
def fuzzed(db_url: str) -> Iterator[Fuzzed]:
    """The bot running on a loop kept across examples; its log watched from the root logger."""
    with asyncio.Runner() as runner:
        stack = AsyncExitStack()
        bot = runner.run(stack.enter_async_context(running_bot(db_url)))
        fuzz = Fuzzed(runner, bot)
        root = logging.getLogger()
        root.addHandler(fuzz.logs)
        try:
            fuzz.setup()
            yield fuzz
        finally:
            root.removeHandler(fuzz.logs)
            runner.run(stack.aclose())


def test_hostile_updates_from_anyone_are_handled_quietly(db_url: str) -> None:
    """On both backends: PostgreSQL refuses what SQLite stores (NULs, lone surrogates, big ids)."""
    with fuzzed(db_url) as fuzz:

        @fuzz_settings(400 if db_url.startswith("sqlite") else 100)
        @given(st.data())
        def check(data: st.DataObject) -> None:
            update = data.draw(
                st.one_of(
                    hostile.message_update(fuzz.builder),
                    hostile.callback_update(fuzz.builder, fuzz.targets),
                    hostile_kinds.other_update(fuzz.builder),
                )
            )
            fuzz.process(update)

        check()


def test_admin_commands_and_buttons_from_others_change_nothing(sqlite_db_url: str) -> None:
    path = db_path_of(sqlite_db_url)
    others = st.one_of(st.sampled_from((USER_ID, 1002)), st.integers(1, hostile.MAX_ID)).filter(
        lambda uid: uid != ADMIN_ID
    )
    admin_prefixes = st.tuples(
        st.sampled_from(("ing:", "pc:", "px:", "ing:pub:", "ing:del:", "ing:one:")),
        st.one_of(hostile.short_text, st.integers(0, 10**10).map(str)),
    ).map("".join)
    with fuzzed(sqlite_db_url) as fuzz:
        before = hostile.snapshot(path)

        @fuzz_settings(250)
        @given(st.data())
        def check(data: st.DataObject) -> None:
            if data.draw(st.integers(0, 3)):
                texts = hostile.command_text(hostile.ADMIN_ONLY)
                update = data.draw(hostile.message_update(fuzz.builder, texts=texts, user=others))
            else:
                update = data.draw(hostile.callback_update(fuzz.builder, fuzz.targets, user=others))
                if "data" in update["callback_query"]:
                    update["callback_query"]["data"] = data.draw(admin_prefixes)
            fuzz.process(update)
            assert hostile.snapshot(path) == before, f"a non-admin changed rows: {update!r:.2000}"

        check()


def test_admin_commands_with_junk_arguments_are_answered(sqlite_db_url: str) -> None:
    admin = st.just(ADMIN_ID)
    with fuzzed(sqlite_db_url) as fuzz:

        @fuzz_settings(250)
        @given(st.data())
        def check(data: st.DataObject) -> None:
            if data.draw(st.integers(0, 3)):
                texts = hostile.command_text()
                update = data.draw(hostile.message_update(fuzz.builder, texts=texts, user=admin))
            else:
                update = data.draw(hostile.callback_update(fuzz.builder, fuzz.targets, user=admin))
            fuzz.process(update)

        check()
