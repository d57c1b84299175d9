"""SIGKILL sender processes mid-broadcast, against a fake Telegram that enforces Telegram's limits
(global rate, one message a second per chat, twenty a minute per group, on a faster clock in CI):
nothing is lost, only rows in flight at a kill reach Telegram twice, no limit is broken (no 429),
and the broadcast takes at most 1.2× the time the limits allow.

- one sender killed five times, replaced each time by a process under the same INSTANCE_NAME,
  which takes back the dead one's rows at once;
- two senders, one killed and not replaced: the survivor takes its rows after its heartbeat
  stops (PostgreSQL: several instances need it).

`SITREP_KILL_ROWS=10000` runs the single-sender case at Telegram's own limits (30 msg/s, 1 s,
20/min: 333 s ideal) with cold restarts (`SITREP_KILL_HEADROOM`, default 0.95: the sender's
rate below the cap); it is skipped otherwise.
"""

from __future__ import annotations

import os

import pytest

from tests.support import dbtools
from tests.support.kill_runs import Limits, Outcome, broadcast, run_one_sender, run_two_senders
from tests.support.telegram_http import serving

pytestmark = [pytest.mark.serial, pytest.mark.subprocess, pytest.mark.slow]

CONCURRENCY = 8
KILLS = 5
# Telegram's limits five times faster (the group window shortened ten times), so a broadcast of
# a few hundred rows takes seconds.
FAST = Limits(rate=100.0, per_chat=0.2, group_per_minute=20, group_window=6.0, headroom=0.93)
LONG_ROWS = int(os.environ.get("SITREP_KILL_ROWS") or 0)


def quiet_machine() -> bool:
    """Whether the machine has the CPU to keep the rate (the time bar means nothing without)."""
    return os.getloadavg()[0] <= 2 * (os.cpu_count() or 1)


def check(outcome: Outcome, kills: int) -> None:
    """The issue's bar: 0 lost, duplicates only in flight, 0 × 429; the time against the ideal
    (≤ 1.2×) is printed, and checked only in the opt-in long run on a quiet machine: a timing in
    the CI suite would say more about the machine's load than about the sender."""
    print(outcome.line(), f"load {os.getloadavg()[0]:.1f}")
    assert outcome.lost == 0
    assert outcome.states == {"sent": outcome.rows}
    assert outcome.outside_flight == 0  # only rows in flight at a kill were sent again
    assert outcome.most_copies <= 2
    assert outcome.duplicates <= kills * CONCURRENCY
    assert outcome.throttled == 0
    if LONG_ROWS and quiet_machine():
        assert outcome.ratio <= 1.2


def test_five_kills_of_one_sender(sqlite_db_url: str) -> None:
    """On SQLite (PostgreSQL runs it in the long version and in the two-sender case)."""
    messages = broadcast(800, chats=300, groups=4)
    with serving(**FAST.api()) as fake:
        fake.api.group_window = FAST.group_window
        outcome = run_one_sender(sqlite_db_url, fake, messages, FAST, kills=KILLS)
        resumed = outcome.resume_delays(fake)
    check(outcome, KILLS)
    print("resumed after", [round(d, 3) for d in resumed])
    assert max(resumed) < 1.0  # each replacement took the dead one's rows back at once


@pytest.mark.pg
def test_two_senders_one_killed_the_other_takes_over(pg_template: str | None) -> None:
    base = dbtools.pg_url()
    if base is None:
        pytest.skip(f"PostgreSQL tests need {dbtools.PG_ENV}")
    messages = broadcast(600, chats=250, groups=4)
    with dbtools.pg_database(base, pg_template) as url, serving(**FAST.api()) as fake:
        fake.api.group_window = FAST.group_window
        outcome, survivor = run_two_senders(url, fake, messages, FAST)
    print(survivor.strip())
    check(outcome, 1)


@pytest.mark.skipif(not LONG_ROWS, reason="SITREP_KILL_ROWS=10000 runs the long version")
def test_five_kills_at_telegram_limits(db_url: str) -> None:
    # twelve groups: each gets fewer than twenty a minute, so the global rate sets the ideal
    messages = broadcast(LONG_ROWS, chats=LONG_ROWS // 2, groups=12)
    limits = Limits(headroom=float(os.environ.get("SITREP_KILL_HEADROOM") or 0.95))
    with serving(**limits.api()) as fake:
        outcome = run_one_sender(db_url, fake, messages, limits, kills=KILLS, cold=True)
    check(outcome, KILLS)
