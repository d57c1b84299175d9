"""Stats, question log, audit log, allowlist/admins and /forget against SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import typer
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from typer.testing import CliRunner

from bot.bootstrap import Services, open_services
from bot.config import Settings
from bot.domain.clock import FixedClock
from bot.store.access import AccessStore, PrivacyStore
from bot.store.audit import AuditLog
from bot.store.models.delivery import OutboxRow, SubscriptionRow
from bot.store.models.newsroom import AllowRow, AuditRow, QuestionLogRow
from bot.store.models.people import Admin, Chat, User
from bot.store.stats import DayCount, QuestionLog, Stats, StatsStore, StatusCounts
from tests.support.stats_seed import CHATS, KABUL, NOW, QUESTIONS, seed

NAMES = {"herat": "Herat", "kunduz": "Kunduz", "kabul": "Kabul", "islam-qala": "Islam Qala"}


@pytest.fixture
async def domain(db_url: str) -> AsyncIterator[Services]:
    """The domain on a fresh migrated store, with the clock at NOW and Kabul as default zone."""
    settings = Settings(_env_file=None, database_url=db_url, default_timezone="Asia/Kabul")  # type: ignore[call-arg]
    async with open_services(settings, FixedClock(NOW)) as d:
        yield d


async def _count(sessions: async_sessionmaker[AsyncSession], model: type) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def _kabul_stats(domain: Services) -> Stats:
    service = StatsStore(domain.sessions, KABUL, NAMES.get, timezone_name="Asia/Kabul")
    return await service.collect(NOW)


async def test_stats_figures_match_the_rows(domain: Services) -> None:
    await seed(domain.sessions)
    stats = await StatsStore(domain.sessions, KABUL, NAMES.get, timezone_name="Asia/Kabul").collect(
        NOW
    )
    assert stats.since == datetime(2021, 7, 4, tzinfo=KABUL)
    assert stats.subscribers == StatusCounts("All", active=3, paused=2, blocked=1)
    assert stats.by_chat_type == (
        StatusCounts("Private chats", 1, 1, 1),
        StatusCounts("Groups", 1, 0, 0),
        StatusCounts("Supergroups", 1, 0, 0),
        StatusCounts("Channels", 0, 1, 0),
    )
    assert stats.by_place == (
        StatusCounts("Herat", 2, 0, 1),
        StatusCounts("All places", 1, 1, 0),
        StatusCounts("Kabul", 0, 1, 0),
        StatusCounts("Kunduz", 1, 0, 0),
    )
    got = {d.kind: (d.sent, d.failed, d.pending, d.cancelled) for d in stats.deliveries}
    assert got == {
        "edition": (3, 1, 0, 0),
        "empty": (1, 0, 0, 0),
        "push": (0, 0, 2, 0),
        "flash": (2, 1, 0, 0),
        "correction": (0, 0, 0, 1),
    }
    assert [d.kind for d in stats.deliveries] == ["edition", "empty", "push", "flash", "correction"]
    assert stats.queue == 3
    assert stats.editions == {"daily": 2}
    assert stats.pushes == {"flash": 1}
    assert stats.questions == tuple(
        DayCount(date(2021, 7, d), asked, answered)
        for d, asked, answered in [
            (4, 1, 0),
            (5, 0, 0),
            (6, 0, 0),
            (7, 0, 0),
            (8, 0, 0),
            (9, 1, 1),
            (10, 3, 2),
        ]
    )
    assert stats.questions_total == 5
    assert [(p.key, p.name, p.count) for p in stats.top_places] == [
        ("herat", "Herat", 2),
        ("kunduz", "Kunduz", 2),
        ("islam-qala", "Islam Qala", 1),
    ]


async def test_stats_render_without_ids_or_texts(domain: Services) -> None:
    await seed(domain.sessions)
    stats = await StatsStore(domain.sessions, KABUL, NAMES.get, timezone_name="Asia/Kabul").collect(
        NOW
    )
    text = domain.renderer.render("stats.html", s=stats, max_places=2)
    assert "3 active · 2 paused · 1 blocked" in text
    assert "Flash alerts: 2 delivered · 1 failed" in text
    assert "Queue now: 3 messages waiting" in text
    assert "Most asked: Herat (2), Kunduz (2), Islam Qala (1)" in text
    assert "… and 2 more places" in text
    assert "101" not in text and "-201" not in text and "hello" not in text


async def test_empty_store_stats(domain: Services) -> None:
    stats = await StatsStore(domain.sessions, UTC).collect(NOW)
    assert stats.subscribers.total == 0 and stats.queue == 0 and stats.deliveries == ()
    assert [d.asked for d in stats.questions] == [0] * 7 and stats.top_places == ()
    assert "Nothing sent." in domain.renderer.render("stats.html", s=stats, max_places=5)


@pytest.mark.parametrize(
    ("days", "left"),
    [(30, 2), (7, 1), (0, 0), (365, 3)],
)
async def test_question_log_purge_by_age(domain: Services, days: int, left: int) -> None:
    log = QuestionLog(domain.sessions, FixedClock(NOW))
    async with domain.sessions.begin() as session:
        for age in (timedelta(days=31), timedelta(days=8), timedelta(hours=1)):
            session.add(QuestionLogRow(at=NOW - age, user_id=1, chat_id=1, place_keys="", found=0))
    deleted = await log.purge(days)
    assert deleted == 3 - left
    assert await _count(domain.sessions, QuestionLogRow) == left


async def test_question_log_records_keys_not_text(domain: Services) -> None:
    log = QuestionLog(domain.sessions, FixedClock(NOW))
    await log.record(5, -201, ["herat", "", "herat", "kunduz"], 3)
    async with domain.sessions() as session:
        row = (await session.scalars(select(QuestionLogRow))).one()
    assert (row.user_id, row.chat_id, row.place_keys, row.found, row.at) == (
        5,
        -201,
        "herat\nkunduz",
        3,
        NOW,
    )


async def test_audit_record_and_recent(domain: Services) -> None:
    clock = FixedClock(NOW)
    audit = AuditLog(domain.sessions, clock)
    async with domain.sessions.begin() as session:
        session.add(
            User(id=777, first_name="Owner", username="boss", first_seen=NOW, last_seen=NOW)
        )
    await audit.record(777, "addevent", "777", "/addevent " + "x" * 400)
    clock.advance(timedelta(minutes=1))
    await audit.record(None, "stats", "-201", "/stats")
    newest, oldest = await audit.recent(10)
    assert (newest.action, newest.actor_id, newest.actor_name) == ("stats", None, "")
    assert (oldest.actor_name, oldest.target, len(oldest.detail)) == ("@boss", "777", 300)
    assert oldest.detail.endswith("…") and oldest.at == NOW
    assert [e.action for e in await audit.recent(1, offset=1)] == ["addevent"]
    assert await audit.count() == 2


async def test_allowlist_and_admin_roster(domain: Services) -> None:
    access = AccessStore(domain.sessions, FixedClock(NOW), frozenset({777}))
    assert await access.is_allowed(777, 777) and not await access.is_allowed(5, 5)
    assert await access.allow(5, "reporter", by=777) is True
    assert await access.allow(5, "field reporter", by=777) is False
    assert await access.allow(-201, "team") is True
    assert await access.is_allowed(5, 5) and await access.is_allowed(6, -201)
    assert not await access.is_allowed(6, 6)
    assert [(e.id, e.kind, e.note) for e in await access.allowed()] == [
        (5, "user", "field reporter"),
        (-201, "chat", "team"),
    ]
    assert await access.deny(5) and not await access.deny(5)
    assert not await access.is_allowed(5, 5)
    # Admins are always allowed; added_by is kept only when the adder's row exists.
    assert await access.add_admin(8, by=777) and not await access.add_admin(8, by=777)
    assert not await access.add_admin(777, by=777)
    assert await access.is_allowed(8, 8)
    assert [(a.user_id, a.role, a.added_by) for a in await access.admins()] == [
        (777, "owner", None),
        (8, "admin", None),
    ]
    assert await access.remove_admin(8) and not await access.remove_admin(8)
    assert await _count(domain.sessions, Admin) == 0


async def test_forget_private_user_deletes_only_theirs(domain: Services) -> None:
    await seed(domain.sessions)
    async with domain.sessions.begin() as session:
        session.add(User(id=101, first_name="A", first_seen=NOW, last_seen=NOW))
        session.add(User(id=102, first_name="B", first_seen=NOW, last_seen=NOW))
        await session.flush()
        session.add(Admin(user_id=102, added_by=101, added_at=NOW))
        session.add(AllowRow(id=101, kind="user", added_at=NOW))
        session.add(QuestionLogRow(at=NOW, user_id=101, chat_id=-201, found=0))
        session.add(QuestionLogRow(at=NOW, user_id=102, chat_id=102, found=0))
    outbox_before = await _count(domain.sessions, OutboxRow)
    async with domain.sessions() as session:
        to_101 = await session.scalar(
            select(func.count()).select_from(OutboxRow).where(OutboxRow.chat_id == 101)
        )
    report = await PrivacyStore(domain.sessions).forget(101, 101)
    assert report.user_row and report.chat_row and report.subscription
    assert report.messages == to_101 and report.questions == len(QUESTIONS) + 1
    assert report.allowlisted and not report.admin
    async with domain.sessions() as session:
        assert await session.get(User, 101) is None and await session.get(Chat, 101) is None
        assert await session.get(User, 102) is not None
        assert await session.get(Chat, -201) is not None
        admin = await session.get(Admin, 102)
        assert admin is not None and admin.added_by is None
        creators = set((await session.scalars(select(SubscriptionRow.created_by))).all())
        assert 101 not in creators
        left = (await session.scalars(select(QuestionLogRow.user_id))).all()
        assert left == [102]
        assert await session.get(AllowRow, 101) is not None
    assert await _count(domain.sessions, OutboxRow) == outbox_before - to_101
    assert await _count(domain.sessions, SubscriptionRow) == len(CHATS) - 1
    assert await _count(domain.sessions, AuditRow) == 0


def test_cli_stats_prints_plain_text(
    sqlite_db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.cli.stats import register

    async def prepare() -> None:
        settings = Settings(_env_file=None, database_url=sqlite_db_url)  # type: ignore[call-arg]
        async with open_services(settings, FixedClock(NOW)) as d:
            await seed(d.sessions)

    asyncio.run(prepare())
    monkeypatch.setenv("DEFAULT_TIMEZONE", "Asia/Kabul")
    monkeypatch.chdir(tmp_path)  # no developer .env
    app = typer.Typer()
    register(app)

    @app.command()
    def noop() -> None:  # a second verb so typer keeps `stats` as a sub-command
        """Nothing."""

    result = CliRunner().invoke(
        app, ["stats", "--db", sqlite_db_url, "--now", "2021-07-10T04:30Z"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    out = result.output
    assert "<b>" not in out and "Sitrep statistics" in out
    assert "Subscribers: 3 active · 2 paused · 1 blocked" in out
    assert "Daily briefings: 3 delivered · 1 failed" in out
    assert "Most asked: Herat (2), Kunduz (2), Islam Qala (1)" in out
