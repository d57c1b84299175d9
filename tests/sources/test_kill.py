"""A `sitrep sources poll` killed with SIGKILL in the middle of a poll loses and doubles nothing:
the next poll (after the lease runs out) takes what was missed, and every item is kept once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from bot.bootstrap import open_services
from bot.domain.clock import FixedClock
from bot.domain.sources.commands import new_source
from tests.support.feedserver import FeedServer, Route, Story, rss
from tests.support.harness import test_settings as settings_for

pytestmark = [pytest.mark.subprocess]


def _stories(feed: int) -> list[Story]:
    return [
        Story(
            f"urn:test:{feed}:{n}",
            f"Feed {feed} item {n}",
            f"Gunmen attacked a checkpoint in Kidal on {n + 1} March 2024, feed {feed} reported.",
            f"2024-03-{n + 1:02d}T09:00:00Z",
        )
        for n in range(5)
    ]


def _items(db_file: Path) -> list[tuple[int, str]]:
    engine = create_engine(f"sqlite:///{db_file}")
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT source_id, item_key FROM news_items")).all()
    engine.dispose()
    return [(r[0], r[1]) for r in rows]


async def test_kill_mid_poll_loses_and_doubles_nothing(
    sqlite_db_url: str, feed_server: FeedServer
) -> None:
    settings = settings_for(sqlite_db_url, sources_allow_private=True)
    slow = Route(body=rss(_stories(0)), delay=60.0)
    feed_server.add("/feed0", slow)
    for n in range(1, 4):
        feed_server.add(f"/feed{n}", Route(body=rss(_stories(n))))
    now = datetime.now(UTC)
    async with open_services(settings, FixedClock(now)) as services:
        for n in range(4):
            await services.sources.add(new_source(feed_server.url(f"/feed{n}"), name=f"F{n}"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_"))}
    env.update(DATABASE_URL=sqlite_db_url, SOURCES_ALLOW_PRIVATE="true", ADMIN_IDS="")
    child = subprocess.Popen(
        [sys.executable, "-m", "bot", "sources", "poll", "--once"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    db_file = Path(sqlite_db_url.split("///", 1)[1])
    try:
        # kill it while the slow feed hangs, once the three quick ones are recorded
        while not (slow.hit.is_set() and len(_items(db_file)) == 15):
            assert child.poll() is None, "the child ended before reaching the slow feed"
            slow.hit.wait(0.1)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(30)
    assert child.returncode == -signal.SIGKILL
    before = _items(db_file)
    assert len(before) == len(set(before)) == 15  # the slow feed's poll never finished
    slow.delay = 0.0
    # the lease of the killed poll runs out; any instance then polls the source again
    later = FixedClock(now + timedelta(minutes=11))
    async with open_services(settings, later) as services:
        reports = await services.sources.poll_due()
        assert [r.source.name for r in reports] == ["F0"] and reports[0].ok
        sources = await services.sources.repo.all()
        assert sum(s.items_seen for s in sources) == 20
        assert await services.sources.repo.pending_count() == 20  # each queued once, for extraction
    after = _items(db_file)
    assert len(after) == len(set(after)) == 20
    assert set(before) <= set(after)
