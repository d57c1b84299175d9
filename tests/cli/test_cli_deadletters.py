"""`sitrep deadletters`: an admin sees the updates set aside, newest first, and one's raw body
with --show, escaped so that no byte of a hostile update acts on the terminal."""

from __future__ import annotations

import asyncio
import re

from bot.cli.deadletters import report
from bot.domain.clock import Clock
from bot.store.deadletters import DeadLetters
from bot.store.session import create_engine, create_sessionmaker
from tests.support.cli import run_sitrep
from tests.support.harness import test_settings as make_settings

# as it came: a terminal escape, markup, a right-to-left override
HOSTILE = '{"update_id": 71, "message": {"text": "\x1b[2J<b>wipe</b>\u202e"}}'


async def keep_some(url: str) -> None:
    """Three dead letters: unreadable, failed, timed out."""
    engine = create_engine(url)
    try:
        letters = DeadLetters(create_sessionmaker(engine), Clock())
        await letters.record(70, "polling", "cannot be parsed: KeyError 'chat'", b"{\xff\x00}")
        await letters.record(71, "handler", "handler failed: RuntimeError: boom", HOSTILE)
        await letters.record(72, "timeout", "handling took longer than 30 s", "{}")
    finally:
        await engine.dispose()


async def test_list_and_show(sqlite_db_url: str) -> None:
    await keep_some(sqlite_db_url)
    settings = make_settings(sqlite_db_url)
    listing, found = await report(settings, 2, None)
    lines = listing.splitlines()
    assert found and len(lines) == 3  # a header, then the newest two
    assert "timeout" in lines[1] and "72" in lines[1] and "took longer" in lines[1]
    assert "handler" in lines[2] and "RuntimeError: boom" in lines[2]
    hostile_id = int(lines[2].split()[0])
    body, found = await report(settings, 20, hostile_id)
    assert found and "update:   71" in body and "<b>wipe</b>" in body
    assert "\x1b" not in body and "\\x1b[2J" in body and "\\u202e" in body
    missing, found = await report(settings, 20, 99_999)
    assert not found and "No dead letter with id 99999" in missing


def test_the_verb(sqlite_db_url: str) -> None:
    asyncio.run(keep_some(sqlite_db_url))
    proc = run_sitrep("deadletters", "--db", sqlite_db_url)
    assert proc.returncode == 0, proc.stderr
    updates = [re.search(r" B +(\d+) ", line) for line in proc.stdout.splitlines()[1:]]
    assert [m.group(1) if m else None for m in updates] == ["72", "71", "70"]
    assert "\\xff" in run_sitrep("deadletters", "--db", sqlite_db_url, "--show", "1").stdout
