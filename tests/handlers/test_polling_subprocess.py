"""The bot as a child process (`sitrep run`, long polling) against the offline Bot API over HTTP:
poison updates — one PTB cannot parse, one nested too deep, a pinned message that is
inaccessible, one whose handler raises — do not hold back the update after them by more than a
second, and each unreadable or failed one is set aside as a dead letter."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from bot.sim.api import UpdateFactory
from bot.sim.api.served import ServedBotApi, serving
from tests.support.harness import db_path_of
from tests.support.hostile import dead_letter_rows

pytestmark = [pytest.mark.serial, pytest.mark.subprocess, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "123456:LOCAL-poison-test"


@contextmanager
def bot_process(
    db_url: str, api: ServedBotApi, log: Path, **extra_env: str
) -> Iterator[subprocess.Popen[bytes]]:
    """The bot polling `api` in a child process; stopped with SIGTERM afterwards."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_"))}
    env.pop("ADMIN_IDS", None)
    env.update(
        PYTHONPATH=str(ROOT),
        DATABASE_URL=db_url,
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=api.base_url,
        LOG_LEVEL="INFO",
        **extra_env,
    )
    with log.open("wb") as out:
        child = subprocess.Popen(
            [sys.executable, "-m", "tests.support.poison_bot"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            yield child
        finally:
            child.send_signal(signal.SIGTERM)
            try:
                child.wait(timeout=30)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()


def wait_for(check: Callable[[], Any], child: subprocess.Popen[bytes], within: float) -> None:
    """Until `check()` is true; fail after `within` seconds or when the child exits."""
    deadline = time.monotonic() + within
    while not check():
        assert child.poll() is None, "the bot exited"
        assert time.monotonic() < deadline, f"not within {within} s"
        time.sleep(0.01)


def poisons(factory: UpdateFactory) -> list[tuple[dict[str, Any], bool]]:
    """(update, raw) pairs: each is poison for a bot that is not careful."""
    unparsable = factory.message("hello", user_id=5101) | {"message": "hello"}
    deep: Any = 1
    for _ in range(200):
        deep = [deep]
    nested = factory.message("hello", user_id=5102)
    nested["message"]["x"] = deep
    pinned = factory.message("", user_id=5103)
    pinned["message"]["pinned_message"] = {
        "message_id": 1,
        "date": 0,
        "chat": pinned["message"]["chat"],
    }
    failing = factory.message("/poison", user_id=5104)
    return [(unparsable, True), (nested, True), (pinned, False), (failing, False)]


def test_poison_updates_do_not_hold_back_the_next_one(sqlite_db_url: str, tmp_path: Path) -> None:
    log = tmp_path / "bot.log"
    with serving() as api, bot_process(sqlite_db_url, api, log) as child:
        factory = UpdateFactory(api=api.api, bot_username=api.api.bot_username, bot_id=1)
        warm = factory.message("/start", user_id=5100)
        api.push(warm)
        wait_for(lambda: api.sent(5100), child, within=60)  # started, polling, answering
        bad = poisons(factory)
        for update, raw in bad:
            api.push(update, raw=raw)
        later = factory.message("/start", user_id=5105)
        api.push(later)
        wait_for(lambda: api.sent(5105), child, within=1.0)
        # The failing handler's user is told politely; the unreadable ones get nothing.
        wait_for(lambda: any("Sorry" in m["text"] for m in api.sent(5104)), child, within=5.0)
    assert any("Sorry" in m["text"] for m in api.sent(5104))
    assert api.sent(5101) == [] and api.sent(5102) == []
    letters = dead_letter_rows(db_path_of(sqlite_db_url))
    ids = {u["update_id"]: u for u, _ in bad}
    assert sorted((u, s) for u, s, _, _ in letters) == [
        (bad[0][0]["update_id"], "polling"),
        (bad[1][0]["update_id"], "polling"),
        (bad[3][0]["update_id"], "handler"),
    ], letters
    assert set(ids) >= {u for u, _, _, _ in letters}
    text = log.read_text(errors="replace")
    # One traceback: the planted bug's; the rest are one line each.
    assert text.count("Traceback (most recent call last)") == 1, text[-5000:]
    assert "RuntimeError: poison" in text
