"""Opt-in: the bot's resident memory under a long run of hostile updates stays flat.

The bot runs as a child process (`sitrep run`, long polling) against the offline Bot API served
over HTTP from this process, so what is measured is the bot alone. Hostile updates (from anyone,
in chats the bot never saw: tests/support/hostile.py) are queued in batches; after each batch
the test waits until the bot confirmed and handled every update of it. The child's resident set
size is read after a warm-up (SITREP_MEMORY_WARM_UP updates, 6,000 by default) and every 1,000
updates of SITREP_MEMORY_UPDATES more: the median of the last three readings may exceed that of
the first three by at most 10 MB.

    SITREP_MEMORY_UPDATES=10000 .venv/bin/pytest -q -s -p no:xdist \
        tests/handlers/test_fuzz_memory.py

Not in CI (minutes of work); prints the numbers it measured.
"""

from __future__ import annotations

import os
import sqlite3
import statistics
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.sim.api.served import ServedBotApi, serving
from tests.handlers.test_polling_subprocess import bot_process
from tests.support import hostile
from tests.support.harness import db_path_of

UPDATES = int(os.environ.get("SITREP_MEMORY_UPDATES", "0"))  # measured, after the warm-up
# Until the database's page caches and the allocator's pools have filled up (they are bounded).
WARM_UP = int(os.environ.get("SITREP_MEMORY_WARM_UP", "6000"))
# Fill the place lookups' typo caches at start (bounded by the atlas: about 245,000 names), so
# that what is measured is not them filling up.
PREWARM = os.environ.get("SITREP_MEMORY_PREWARM_TYPOS", "1") != "0"
BATCH = 100
SAMPLE = 1000  # updates between two readings of the curve (a leak climbs, a cache levels off)
LIMIT_KB = 10 * 1024

pytestmark = [
    pytest.mark.serial,
    pytest.mark.subprocess,
    pytest.mark.slow,
    pytest.mark.skipif(UPDATES <= 0, reason="opt-in: set SITREP_MEMORY_UPDATES=10000"),
]


def rss_kb(pid: int) -> int:
    """Resident set size of a process, in kB (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def pending(db: Path) -> int:
    """Updates stored in the bot's inbox and not yet handled."""
    con = sqlite3.connect(db, timeout=30)
    try:
        [(count,)] = con.execute("SELECT count(*) FROM update_inbox WHERE done_at IS NULL")
    finally:
        con.close()
    return int(count)


def _tail(log: Path) -> str:
    """The end of the bot's log."""
    return log.read_text(errors="replace")[-4000:]


def confirmed(api: ServedBotApi) -> int:
    """The highest offset the bot asked getUpdates for (every update below it is confirmed)."""
    with api.changed:
        offsets = [int(c.params.get("offset") or 0) for c in api.api.calls_to("getUpdates")]
        api.api.calls.clear()  # the fake's history is not what is measured; keep it small
        api.api.events.clear()
    return max(offsets, default=0)


def test_resident_memory_stays_flat_under_hostile_updates(
    sqlite_db_url: str, tmp_path: Path
) -> None:
    state: dict[str, Any] = {"pushed": 0, "last": 0, "offset": 0}
    log = tmp_path / "bot.log"
    db = db_path_of(sqlite_db_url)
    extra = {"SITREP_TEST_PREWARM_TYPOS": "1"} if PREWARM else {}
    with serving() as api, bot_process(sqlite_db_url, api, log, **extra) as child:
        builder = hostile.Builder(api.api)

        def catch_up() -> None:
            """Until the bot confirmed and handled every update queued so far."""
            deadline = time.monotonic() + 300
            while state["offset"] <= state["last"] or pending(db) > 0:
                assert child.poll() is None, f"the bot exited: {_tail(log)}"
                assert time.monotonic() < deadline, f"the bot fell behind {state}: {_tail(log)}"
                time.sleep(0.02)
                state["offset"] = max(state["offset"], confirmed(api))

        @settings(
            max_examples=WARM_UP + UPDATES,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(st.data())
        def feed(data: st.DataObject) -> None:
            update = data.draw(
                st.one_of(hostile.message_update(builder), hostile.callback_update(builder, []))
            )
            api.push(update, raw=True)
            state["pushed"] += 1
            state["last"] = update["update_id"]
            if state["pushed"] % BATCH == 0:
                catch_up()
            if state["pushed"] == WARM_UP:
                catch_up()
                state["baseline"] = rss_kb(child.pid)
            if state["pushed"] >= WARM_UP and state["pushed"] % SAMPLE == 0:
                state.setdefault("series", []).append(rss_kb(child.pid))

        feed()
        catch_up()
        final = rss_kb(child.pid)
    baseline = state["baseline"]
    series = [*state.get("series", []), final]
    # RSS moves by a few MB either way as the allocator keeps or returns memory: compare the
    # median of the first three samples with that of the last three (the end points when short).
    if len(series) >= 6:
        growth = statistics.median(series[-3:]) - statistics.median(series[:3])
    else:
        growth = final - baseline
    print(
        f"\nmemory: {state['pushed']} hostile updates; RSS after {WARM_UP}: {baseline} kB, "
        f"at the end: {final} kB, growth {growth} kB (typo caches filled first: {PREWARM}); "
        f"MB every {SAMPLE}: {[kb // 1024 for kb in series]}"
    )
    assert growth <= LIMIT_KB, f"resident memory grew by {growth} kB"
