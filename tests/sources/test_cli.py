"""`sitrep sources`: bad input refused with one line; `poll --once` exits 0 when single sources
fail, printing one line for each failure."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.bootstrap import open_services
from bot.domain.clock import FixedClock
from bot.domain.sources.commands import new_source
from tests.support.cli import run_sitrep
from tests.support.feedserver import FeedServer, Route, rss
from tests.support.harness import test_settings as settings_for

pytestmark = [pytest.mark.subprocess]


def test_add_refuses_what_is_not_a_feed(sqlite_db_url: str) -> None:
    done = run_sitrep("sources", "add", "file:///etc/passwd", env={"DATABASE_URL": sqlite_db_url})
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "sitrep: A source is an http:// or https:// feed address, or tg:<chat id> for a channel."
    )


async def test_poll_once_exits_0_with_one_line_per_failure(
    sqlite_db_url: str, feed_server: FeedServer
) -> None:
    settings = settings_for(sqlite_db_url, sources_allow_private=True)
    async with open_services(settings, FixedClock(datetime.now(UTC))) as services:
        for name, route in (
            ("Good", Route(body=rss([]))),  # a feed with nothing new: no extraction to wait for
            ("Broken", Route(status=500)),
            ("Junk", Route(body=b"<html>no feed here</html>", content_type="text/html")),
        ):
            await services.sources.add(new_source(feed_server.add(f"/{name}", route), name=name))
    env = {"DATABASE_URL": sqlite_db_url, "SOURCES_ALLOW_PRIVATE": "true"}
    done = run_sitrep("sources", "poll", "--once", env=env)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert lines[:2] == [
        "#2 Broken: HTTP 500 Internal Server Error",
        "#3 Junk: unexpected content type text/html",
    ]
    assert lines[2].startswith("polled 3 sources (2 failed), 0 new items, 0 extracted")
