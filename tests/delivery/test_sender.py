"""The sender through PTB's real Bot and request path against the in-process Bot API: 429s
honoured, gone chats, rejected messages, transient errors with backoff, and pacing that never
trips Telegram's limits. Runs on a loop whose clock skips idle waits, so minutes take moments."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

import pytest
from sqlalchemy import update

from bot.sim.api import LocalBotApi, LocalRequest, parse_html
from bot.store.models.delivery import SubscriptionRow
from tests.support.delivery import add_event, outbox_rows, subscribe, utc
from tests.support.sending import START, fake_api, msg, sends, wired
from tests.support.virtual_time import loop_time, warp

pytestmark = [pytest.mark.serial, pytest.mark.slow]


def test_429_is_honoured_and_order_kept(sqlite_db_url: str) -> None:
    """The API allows 1 msg/s per chat; a sender told 0 s gets 429s and waits them out."""

    async def main() -> None:
        api = fake_api(per_chat_interval=1.0)
        async with wired(sqlite_db_url, api, per_chat_interval=0.0) as (domain, sender):
            await domain.outbox.enqueue([msg(501, n) for n in range(4)])
            await sender.drain(max_wait=30)
            rows = await outbox_rows(domain)
        calls = sends(api, 501)
        throttled = [c for c in calls if c.status == 429]
        assert throttled and all(c.response["parameters"]["retry_after"] >= 1 for c in throttled)
        assert sender.stats.throttled == len(throttled) and sender.stats.failed == 0
        assert [r.state for r in rows] == ["sent"] * 4
        assert [r.attempts for r in rows] == [0] * 4  # a 429 is not an attempt
        delivered = [m["text"] for m in api.sent(501)]
        assert delivered == [f"msg {n} to 501" for n in range(4)]  # once each, in order
        ok_times = [c.at for c in calls if c.ok]
        assert all(b - a >= 1.0 for a, b in itertools.pairwise(ok_times))

    warp(main)


def test_edition_parts_stay_in_order_after_a_429(sqlite_db_url: str) -> None:
    async def main() -> None:
        api = fake_api(per_chat_interval=1.0)
        async with wired(sqlite_db_url, api) as (domain, sender):
            await subscribe(domain, 502, tz="Asia/Kabul")
            async with domain.sessions.begin() as session:
                await session.execute(update(SubscriptionRow).values(next_due_at=START))
            # a long day: the edition needs several messages
            places = sorted(domain.gazetteer.descendants("herat"))[:60]
            for i, place in enumerate(places):
                await add_event(
                    domain,
                    f"Report {i:02d}: " + "fighting continued along the road " * 4 + f"#{i}",
                    day=date(2021, 7, 8),
                    place=place,
                    at=utc(2021, 7, 8, 12, i % 60),
                )
            await domain.briefings.tick(START)
            rows = await outbox_rows(domain)
            assert len(rows) >= 2
            # something else was just sent to the chat, so the first part gets a 429
            api.handle("sendMessage", {"chat_id": 502, "text": "hello"})
            await sender.drain(max_wait=30)
            rows = await outbox_rows(domain)
        assert sender.stats.throttled >= 1
        assert [r.state for r in rows] == ["sent"] * len(rows)
        got = [m["text"] for m in api.sent(502)][1:]
        assert got == [parse_html(r.text)[0] for r in rows]  # every part once, in order

    warp(main)


@pytest.mark.parametrize("how", ["blocked", "chat not found"])
def test_gone_chat_fails_its_rows_and_blocks_the_subscription(sqlite_db_url: str, how: str) -> None:
    async def main() -> None:
        api = fake_api(auto_create_chats=how != "chat not found")
        api.add_chat(602)
        if how == "blocked":
            api.block(601)
        async with wired(sqlite_db_url, api) as (domain, sender):
            for chat in (601, 602):
                await subscribe(domain, chat)
            await domain.outbox.enqueue([msg(601, n) for n in range(3)] + [msg(602, 0)])
            await sender.drain(max_wait=5)
            rows = await outbox_rows(domain)
            gone = await domain.subscriptions.get(601)
            kept = await domain.subscriptions.get(602)
        assert [(r.chat_id, r.state) for r in rows] == [
            (601, "failed"),
            (601, "failed"),
            (601, "failed"),
            (602, "sent"),
        ]
        expected = "blocked by the user" if how == "blocked" else "chat not found"
        assert all(expected in (r.error or "").lower() for r in rows[:3])
        assert len(sends(api, 601)) == 1  # the other rows were not even tried
        assert gone is not None and gone.status == "blocked" and gone.next_due_at is None
        assert kept is not None and kept.status == "active"
        assert sender.stats.gone == 1

    warp(main)


def test_bad_html_fails_the_row_with_the_reason(sqlite_db_url: str) -> None:
    async def main() -> None:
        api = fake_api()
        async with wired(sqlite_db_url, api) as (domain, sender):
            await domain.outbox.enqueue(
                [
                    msg(701, 0, "<b>unclosed"),
                    msg(701, 1, "x" * 4097),
                    msg(701, 2, "<i>fine</i>"),
                ]
            )
            await sender.drain(max_wait=5)
            rows = await outbox_rows(domain)
        assert [r.state for r in rows] == ["failed", "failed", "sent"]
        assert "can't parse entities" in (rows[0].error or "").lower()
        assert "too long" in (rows[1].error or "").lower()
        assert list(sender.stats.latest_errors) == [rows[0].error, rows[1].error]
        assert [m["text"] for m in api.sent(701)] == ["fine"]

    warp(main)


class FlakyRequest(LocalRequest):
    """The network drops the first `failures` sendMessage calls (connection reset)."""

    def __init__(self, api: LocalBotApi, failures: int) -> None:
        super().__init__(api)
        self.failures = failures
        self.tries: list[float] = []

    async def do_request(self, url: str, method: str, *args: Any, **kw: Any) -> tuple[int, bytes]:
        """Fail, or answer from the API."""
        if url.endswith("/sendMessage"):
            self.tries.append(loop_time())
            if len(self.tries) <= self.failures:
                raise ConnectionResetError("connection reset by peer")
        return await super().do_request(url, method, *args, **kw)


@pytest.mark.parametrize(
    ("failures", "max_attempts", "state", "attempts"),
    [(1, 6, "sent", 1), (3, 6, "sent", 3), (10, 3, "failed", 2)],
)
def test_transient_errors_retried_with_backoff(
    sqlite_db_url: str, failures: int, max_attempts: int, state: str, attempts: int
) -> None:
    async def main() -> None:
        api = fake_api()
        flaky = FlakyRequest(api, failures)
        async with wired(sqlite_db_url, api, flaky, max_attempts=max_attempts) as (d, sender):
            await d.outbox.enqueue([msg(801, 0), msg(801, 1)])
            await sender.drain(max_wait=20)
            rows = await outbox_rows(d)
        first = rows[0]
        assert (first.state, first.attempts) == (state, attempts)
        tries = min(failures + 1, max_attempts)
        gaps = [b - a for a, b in itertools.pairwise(flaky.tries)][: tries - 1]
        # backoff 2 s, 4 s, 8 s ... between tries of the same row
        assert all(gap >= 2.0 ** (i + 1) for i, gap in enumerate(gaps)), gaps
        if state == "sent":
            assert [m["text"] for m in api.sent(801)] == ["msg 0 to 801", "msg 1 to 801"]
        else:
            assert (first.error or "").startswith("gave up:")
            assert "connection reset" in (first.error or "")
            assert rows[1].state == "failed"  # the network never came back

    warp(main)


def test_pacing_within_limits_gets_no_429(sqlite_db_url: str) -> None:
    """Telegram's real limits (30/s, 1/s per chat, 20/min per group) on both sides."""

    async def main() -> None:
        api = fake_api(global_rate=30, per_chat_interval=1.0, group_per_minute=20)
        group = -1001234567890
        api.add_chat(group, "supergroup", title="Herat watchers")
        async with wired(
            sqlite_db_url, api, rate=30, per_chat_interval=1.0, group_per_minute=20
        ) as (domain, sender):
            messages = [msg(group, n, chat_type="supergroup") for n in range(25)]
            messages += [msg(900 + c, n) for c in range(4) for n in range(5)]
            messages += [msg(1000 + c, 0) for c in range(60)]
            await domain.outbox.enqueue(messages)
            started = loop_time()
            await sender.drain(max_wait=90)
            rows = await outbox_rows(domain)
        calls = sends(api)
        took = calls[-1].at - started
        assert [c for c in calls if not c.ok] == []
        assert {r.state for r in rows} == {"sent"} and len(calls) == len(messages)
        group_times = [c.at for c in calls if int(c.params["chat_id"]) == group]
        assert group_times[20] - group_times[0] >= 60.0  # the 21st waited for the minute
        assert 60.0 <= took < 70.0  # 25 group messages need a minute; the rest went meanwhile
        times = sorted(c.at for c in calls)
        assert all(b - a > 1.0 for a, b in zip(times, times[30:], strict=False))

    warp(main)
