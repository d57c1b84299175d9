"""`sitrep ask`, run as a real subprocess against a store holding the fixture events."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import pytest

from bot.bootstrap import open_services
from bot.config import Settings
from bot.domain.clock import FixedClock
from tests.support import dbtools
from tests.support.question_events import NOW, store_events

pytestmark = [pytest.mark.slow, pytest.mark.subprocess]

# `ask` is registered by bot.cli.ask.register; add it here if bot.cli.main does not (yet).
RUNNER = (
    "import sys; from bot.cli.main import app; from bot.cli.ask import register\n"
    "if not any(getattr(c.callback, '__name__', '') == 'ask' for c in app.registered_commands):\n"
    "    register(app)\n"
    "sys.argv[0] = 'sitrep'; app()\n"
)


def run_ask(*args: str) -> subprocess.CompletedProcess[str]:
    """Run `sitrep ask ARGS` with a clean environment."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_"))}
    env.pop("ADMIN_IDS", None)
    return subprocess.run(
        [sys.executable, "-c", RUNNER, "ask", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated SQLite file holding the fixture events."""
    url = dbtools.sqlite_url(tmp_path_factory.mktemp("ask") / "ask.db")

    async def fill() -> None:
        await dbtools.prepare(url)
        settings = Settings(_env_file=None, database_url=url)  # type: ignore[call-arg]
        async with open_services(settings, FixedClock(NOW)) as d:
            await store_events(d.events)

    asyncio.run(fill())
    return url


NOW_ARG = "2021-07-15T09:00+04:30"


@pytest.mark.parametrize(
    ("question", "present", "absent"),
    [
        (
            "what happened at Islam Qala?",
            ["Islam Qala", "8 Jul 2021", "The Taliban seized the Islam Qala border crossing", "AP"],
            ["<b>", "Iranian border guards", "Traceback"],
        ),
        ("what did the Taliban do yesterday?", ["Spin Boldak", "Taliban claim"], ["Kunduz"]),
        ("Islam Qala in June", ["Sitrep holds no events for Islam Qala"], []),
        ("news from Zorgabad", ["I don't know a place called", "Zorgabad"], []),
        ('AND NEAR("x" * -(', [], ["Traceback"]),
    ],
)
def test_ask_prints_the_bots_answer(
    db: str, question: str, present: list[str], absent: list[str]
) -> None:
    proc = run_ask(question, "--now", NOW_ARG, "--db", db)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip()
    for text in present:
        assert text in proc.stdout
    for text in absent:
        assert text not in proc.stdout and text not in proc.stderr


def test_ask_with_tz_reads_the_window_in_that_zone(db: str) -> None:
    # 15 Jul 01:00 UTC is still 14 Jul in New York: "today" there holds Spin Boldak's capture.
    proc = run_ask(
        "what happened today?",
        "--now",
        "2021-07-15T01:00+00:00",
        "--tz",
        "America/New_York",
        "--db",
        db,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Spin Boldak" in proc.stdout and "Kunduz" not in proc.stdout


def test_ask_bad_zone_exits_2_with_one_line(db: str) -> None:
    proc = run_ask("Herat", "--tz", "Mars/Olympus", "--db", db)
    assert proc.returncode == 2
    assert "--tz" in proc.stderr and "Traceback" not in proc.stderr
