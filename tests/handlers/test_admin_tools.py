"""Admin tools through the real app: refusals, audit, /admins, /stats, the allowlist, /forget."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

import bot.store.models  # noqa: F401  (every table in Base.metadata)
from bot.store.access import PRIVATE_LINE
from bot.store.audit import AuditLog
from bot.store.models.base import Base
from bot.store.models.delivery import OutboxRow, SubscriptionRow
from bot.store.models.events import EventRow
from bot.store.models.newsroom import AllowRow, AuditRow, QuestionLogRow
from bot.store.models.people import Admin, Chat, User
from bot.telegram.handlers.guards import REFUSAL
from tests.support.harness import ADMIN_ID, GROUP_ID, USER_ID, Harness, running_bot
from tests.support.harness import test_settings as make_settings
from tests.support.stats_seed import seed

pytestmark = pytest.mark.slow

ADDEVENT = "/addevent 2021-07-08 | Islam Qala | Taliban seized the crossing | AP"
PLAIN_ADMIN = 555
STRANGER = 4242
MEMBER = 5002

MY_ADMIN_COMMANDS = [
    "/audit",
    "/audit 5",
    "/admins",
    f"/admins add {USER_ID}",
    f"/admins remove {PLAIN_ADMIN}",
    "/stats",
    f"/allow {USER_ID} me",
    "/allow -100999 team",
    f"/deny {PLAIN_ADMIN}",
    "/allowed",
]


async def table_counts(h: Harness) -> dict[str, int]:
    """Rows in every table."""
    async with h.services.sessions() as session:
        return {
            t.name: int(await session.scalar(select(func.count()).select_from(t)) or 0)
            for t in Base.metadata.sorted_tables
        }


async def rows(h: Harness, model: Any, *where: Any) -> int:
    """Rows of one model matching `where`."""
    async with h.services.sessions() as session:
        stmt = select(func.count()).select_from(model)
        if where:
            stmt = stmt.where(*where)
        return int(await session.scalar(stmt) or 0)


def audit(h: Harness) -> AuditLog:
    """The audit log of the running app's store."""
    return AuditLog(h.services.sessions, h.services.clock)


@pytest.fixture
async def closed(sqlite_db_url: str) -> AsyncIterator[Harness]:
    """The app with ACCESS=allowlist."""
    settings = make_settings(sqlite_db_url, access="allowlist")
    async with running_bot(sqlite_db_url, settings=settings) as harness:
        yield harness


# --------------------------------------------------------------------------- refusals


@pytest.mark.parametrize("chat", ["private", "group"])
@pytest.mark.parametrize("command", MY_ADMIN_COMMANDS)
async def test_non_admins_are_refused_and_nothing_changes(
    bot: Harness, command: str, chat: str
) -> None:
    await bot.send(f"/admins add {PLAIN_ADMIN}", user_id=ADMIN_ID)
    await bot.send(f"/allow {PLAIN_ADMIN} reporter", user_id=ADMIN_ID)
    where: dict[str, Any] = {}
    if chat == "group":
        bot.api.add_chat(GROUP_ID, "supergroup", title="Field team")
        bot.api.set_member_status(GROUP_ID, USER_ID, "administrator")  # chat admin ≠ Sitrep admin
        where = {"chat_id": GROUP_ID}
    await bot.send("/help", user_id=USER_ID, **where)  # the seen-recorder stores them first
    before = await table_counts(bot)
    [reply] = await bot.send(command, user_id=USER_ID, **where)
    assert reply["text"] == REFUSAL
    assert await table_counts(bot) == before
    assert await rows(bot, Admin) == 1 and await rows(bot, AllowRow) == 1


@pytest.mark.parametrize("chat", ["private", "group"])
async def test_admin_button_of_another_module_refused_for_non_admins(
    bot: Harness, chat: str
) -> None:
    where: dict[str, Any] = {"chat_id": GROUP_ID} if chat == "group" else {}
    [msg] = await bot.send("/help", user_id=USER_ID, **where)
    before = await table_counts(bot)
    await bot.press(msg, "ing:pub:1", user_id=USER_ID, check=False)
    assert bot.answers()[-1] == REFUSAL
    assert await table_counts(bot) == before


# --------------------------------------------------------------------------- audit


async def test_admin_action_of_another_module_is_audited(sqlite_db_url: str) -> None:
    settings = make_settings(sqlite_db_url, default_timezone="Asia/Kabul")
    async with running_bot(sqlite_db_url, settings=settings) as h:
        line = ADDEVENT
        [saved] = await h.send(line, user_id=ADMIN_ID)
        assert await rows(h, EventRow) == 1
        [entry] = await audit(h).recent(10)
        assert (entry.actor_id, entry.action, entry.target) == (ADMIN_ID, "addevent", str(ADMIN_ID))
        assert entry.detail == line and entry.at == h.clock.now()
        # A refused attempt by someone else is not an admin action: nothing is written.
        await h.send(line, user_id=USER_ID)
        assert await rows(h, AuditRow) == 1 and await rows(h, EventRow) == 1
        # Buttons too: the admin presses an (invalid) ingest review button.
        await h.press(saved, "ing:pub:999", user_id=ADMIN_ID, check=False)
        newest = (await audit(h).recent(1))[0]
        assert (newest.action, newest.detail) == ("review_button", "button ing:pub:999")
        [shown] = await h.send("/audit", user_id=ADMIN_ID)
        text = shown["text"]
        assert "Audit log — latest 2 (Asia/Kabul)" in text
        assert "2021-07-10 09:00 · addevent by 777 (User777) in 777" in text
        assert "/addevent 2021-07-08 | Islam Qala" in text
        assert text.index("review_button") < text.index("addevent")
        assert (await audit(h).recent(1))[0].action == "audit_command"


async def test_audit_limit_and_usage(bot: Harness) -> None:
    for n in range(4):
        await bot.send(f"/events {n}", user_id=ADMIN_ID)
    [two] = await bot.send("/audit 2", user_id=ADMIN_ID)
    assert "latest 2" in two["text"] and "/events 3" in two["text"]
    assert "/events 1" not in two["text"]
    [usage] = await bot.send("/audit lots", user_id=ADMIN_ID)
    assert usage["text"].startswith("Use: /audit [N]")


# --------------------------------------------------------------------------- /admins


async def test_owner_adds_and_removes_admins_plain_admin_cannot(bot: Harness) -> None:
    [added] = await bot.send(f"/admins add {PLAIN_ADMIN}", user_id=ADMIN_ID)
    assert added["text"] == f"{PLAIN_ADMIN} is now an admin."
    assert await bot.services.people.is_admin(PLAIN_ADMIN)
    menus = bot.api.calls_to("setMyCommands")
    assert any(c.params.get("scope", {}).get("chat_id") == PLAIN_ADMIN for c in menus)
    # The plain admin may use admin commands and list admins, but not add or remove.
    [stats] = await bot.send("/stats", user_id=PLAIN_ADMIN)
    assert "Sitrep statistics" in stats["text"]
    [listing] = await bot.send("/admins", user_id=PLAIN_ADMIN)
    assert "777" in listing["text"] and "owner (ADMIN_IDS)" in listing["text"]
    assert f"• {PLAIN_ADMIN} User{PLAIN_ADMIN} — admin" in listing["text"]
    for attempt in (
        f"/admins add {USER_ID}",
        f"/admins remove {PLAIN_ADMIN}",
        "/admins remove 777",
    ):
        [refused] = await bot.send(attempt, user_id=PLAIN_ADMIN)
        assert refused["text"] == "Only owners (ADMIN_IDS) can add or remove admins."
    assert await rows(bot, Admin) == 1
    assert not await bot.services.people.is_admin(USER_ID)
    [owner] = await bot.send("/admins remove 777", user_id=ADMIN_ID)
    assert "owner" in owner["text"] and await bot.services.people.is_admin(ADMIN_ID)
    [again] = await bot.send(f"/admins add {PLAIN_ADMIN}", user_id=ADMIN_ID)
    assert "already" in again["text"]
    [removed] = await bot.send(f"/admins remove {PLAIN_ADMIN}", user_id=ADMIN_ID)
    assert removed["text"] == f"{PLAIN_ADMIN} is no longer an admin."
    assert await rows(bot, Admin) == 0
    [refused] = await bot.send("/stats", user_id=PLAIN_ADMIN)
    assert refused["text"] == REFUSAL
    actions = [(e.actor_id, e.action, e.detail) for e in await audit(bot).recent(50)]
    assert (ADMIN_ID, "admins_command", f"/admins add {PLAIN_ADMIN}") in actions
    assert (PLAIN_ADMIN, "admins_command", f"/admins add {USER_ID}") in actions


@pytest.mark.parametrize("args", ["add", "add x", "add -100123", "promote 5", "add 1 2", "add 0"])
async def test_admins_usage(bot: Harness, args: str) -> None:
    [reply] = await bot.send(f"/admins {args}", user_id=ADMIN_ID)
    assert reply["text"].startswith("Use: /admins")
    assert await rows(bot, Admin) == 0


# --------------------------------------------------------------------------- /stats


async def test_stats_figures(bot: Harness) -> None:
    await seed(bot.services.sessions, bot.clock.now())
    [reply] = await bot.send("/stats", user_id=ADMIN_ID)
    text = reply["text"]
    assert "Subscribers: 3 active · 2 paused · 1 blocked" in text
    assert "• Private chats: 1 active · 1 paused · 1 blocked" in text
    assert "• Herat: 2 active · 0 paused · 1 blocked" in text
    assert "• Daily briefings: 3 delivered · 1 failed" in text
    assert "• Pushes: 0 delivered · 0 failed · 2 pending" in text
    assert "Queue now: 3 messages waiting" in text
    # DEFAULT_TIMEZONE is UTC here: Kunduz's question at 00:10 Kabul time falls before the window.
    assert "last 7 days since 2021-07-04 (UTC)" in text
    assert "Most asked: Herat (2), Islam Qala (1), Kunduz (1)" in text
    assert "-201" not in text and "101" not in text


# --------------------------------------------------------------------------- allowlist


async def test_stranger_gets_one_line_and_is_not_stored(closed: Harness) -> None:
    [reply] = await closed.send("what happened at Islam Qala?", user_id=STRANGER)
    assert reply["text"] == PRIVATE_LINE
    [reply] = await closed.send("/start", user_id=STRANGER)
    assert reply["text"] == PRIVATE_LINE
    # In a group only when addressed: a command, a mention or a reply; other chatter is ignored.
    assert await closed.send("just chatting", user_id=STRANGER, chat_id=GROUP_ID) == []
    assert await closed.send("/start@other_bot", user_id=STRANGER, chat_id=GROUP_ID) == []
    [reply] = await closed.send(
        f"hi @{closed.api.bot_username}", user_id=STRANGER, chat_id=GROUP_ID
    )
    assert reply["text"] == PRIVATE_LINE
    await closed.press(reply, "s:time", user_id=STRANGER, check=False)
    assert closed.answers()[-1] == PRIVATE_LINE
    assert await rows(closed, User, User.id == STRANGER) == 0
    assert await rows(closed, Chat) == 0
    assert await rows(closed, SubscriptionRow) == 0 and await rows(closed, QuestionLogRow) == 0


async def test_allowed_user_and_chat_work_until_denied(closed: Harness) -> None:
    [help_] = await closed.send("/help", user_id=ADMIN_ID)  # owners are always allowed
    assert "Commands" in help_["text"]
    [ok] = await closed.send(f"/allow {USER_ID} field reporter", user_id=ADMIN_ID)
    assert ok["text"] == f"Allowed user {USER_ID}."
    [ok] = await closed.send(f"/allow {GROUP_ID} team", user_id=ADMIN_ID)
    assert ok["text"] == f"Allowed chat {GROUP_ID}."
    [reply] = await closed.send("/subscribe Herat", user_id=USER_ID)
    assert "Subscribed" in reply["text"]
    assert await rows(closed, User, User.id == USER_ID) == 1
    # Anyone in an allowed group may use the bot there.
    [reply] = await closed.send(
        f"/help@{closed.api.bot_username}", user_id=MEMBER, chat_id=GROUP_ID
    )
    assert "Commands" in reply["text"]
    [listing] = await closed.send("/allowed", user_id=ADMIN_ID)
    assert f"user {USER_ID} — field reporter" in listing["text"]
    assert f"chat {GROUP_ID} — team" in listing["text"]
    assert "ACCESS=allowlist" in listing["text"]
    [denied] = await closed.send(f"/deny {USER_ID}", user_id=ADMIN_ID)
    assert denied["text"] == f"{USER_ID} is off the allowlist."
    [reply] = await closed.send("/help", user_id=USER_ID)
    assert reply["text"] == PRIVATE_LINE
    [none] = await closed.send(f"/deny {USER_ID}", user_id=ADMIN_ID)
    assert "not on the allowlist" in none["text"]
    actions = [e.action for e in await audit(closed).recent(20)]
    assert actions.count("allow_command") == 2 and actions.count("deny_command") == 2


async def test_admin_added_in_chat_passes_the_gate(closed: Harness) -> None:
    [reply] = await closed.send("/stats", user_id=PLAIN_ADMIN)
    assert reply["text"] == PRIVATE_LINE
    await closed.send(f"/admins add {PLAIN_ADMIN}", user_id=ADMIN_ID)
    [reply] = await closed.send("/stats", user_id=PLAIN_ADMIN)
    assert "Sitrep statistics" in reply["text"]


@pytest.mark.parametrize("arg", ["", "abc", "0", "12345678901234567890", "1.5"])
async def test_allow_usage(bot: Harness, arg: str) -> None:
    [reply] = await bot.send(f"/allow {arg}".strip(), user_id=ADMIN_ID)
    assert reply["text"].startswith("Use: /allow")
    assert await rows(bot, AllowRow) == 0


# --------------------------------------------------------------------------- /forget


async def _footprint(h: Harness, user_id: int, chat_id: int) -> dict[str, int]:
    return {
        "user": await rows(h, User, User.id == user_id),
        "chat": await rows(h, Chat, Chat.id == chat_id),
        "sub": await rows(h, SubscriptionRow, SubscriptionRow.chat_id == chat_id),
        "outbox": await rows(h, OutboxRow, OutboxRow.chat_id == chat_id),
        "questions": await rows(
            h,
            QuestionLogRow,
            (QuestionLogRow.user_id == user_id) | (QuestionLogRow.chat_id == chat_id),
        ),
    }


async def _with_history(h: Harness, user_id: int, chat_id: int, *, group: bool = False) -> None:
    """A subscription, one queued and one sent message, and two logged questions."""
    where: dict[str, Any] = {"chat_id": chat_id} if group else {}
    [reply] = await h.send("/subscribe Herat", user_id=user_id, **where)
    assert "Subscribed" in reply["text"]
    now = h.clock.now()
    async with h.services.sessions.begin() as session:
        for n, state in enumerate(("queued", "sent")):
            session.add(
                OutboxRow(
                    kind="edition",
                    dedupe_key=f"t:{chat_id}:{n}",
                    chat_id=chat_id,
                    state=state,
                    text="briefing",
                    not_before=now,
                    created_at=now - timedelta(hours=n),
                )
            )
        for keys in ("herat", "kunduz"):
            session.add(
                QuestionLogRow(at=now, user_id=user_id, chat_id=chat_id, place_keys=keys, found=1)
            )


async def test_forget_in_private_deletes_what_it_says_and_nothing_else(bot: Harness) -> None:
    other = 1002
    await _with_history(bot, USER_ID, USER_ID)
    await _with_history(bot, other, other)
    await bot.send(
        "/addevent 2021-07-08 | Islam Qala | Taliban seized the crossing | AP", user_id=ADMIN_ID
    )
    await bot.send(f"/allow {USER_ID}", user_id=ADMIN_ID)
    others_before = await _footprint(bot, other, other)
    assert others_before == {"user": 1, "chat": 1, "sub": 1, "outbox": 2, "questions": 2}
    [prompt] = await bot.send("/forget", user_id=USER_ID)
    assert "Forget you?" in prompt["text"]
    assert (await _footprint(bot, USER_ID, USER_ID))["user"] == 1  # nothing before the button
    [done] = await bot.press(prompt, "fg:yes", user_id=USER_ID)
    text = done["text"]
    for line in (
        "your user record",
        "this chat's record",
        "subscription",
        "2 messages queued or sent",
        "2 question-log entries",
        "Kept: the allowlist entry",
    ):
        assert line in text
    # The button press itself was recorded by the seen-recorder before the deletion.
    assert await _footprint(bot, USER_ID, USER_ID) == {
        "user": 0,
        "chat": 0,
        "sub": 0,
        "outbox": 0,
        "questions": 0,
    }
    assert await _footprint(bot, other, other) == others_before
    assert await rows(bot, AllowRow) == 1 and await rows(bot, EventRow) == 1
    # Replaying the confirmation is refused and deletes nothing more.
    await bot.send("/help", user_id=USER_ID)  # stored anew
    await bot.press(prompt, "fg:yes", user_id=USER_ID)
    assert bot.answers()[-1] == "That button is not valid any more."
    assert (await _footprint(bot, USER_ID, USER_ID))["user"] == 1


async def test_forget_no_keeps_everything(bot: Harness) -> None:
    await _with_history(bot, USER_ID, USER_ID)
    before = await table_counts(bot)
    [prompt] = await bot.send("/forget", user_id=USER_ID)
    [cancelled] = await bot.press(prompt, "fg:no", user_id=USER_ID)
    assert cancelled["text"] == "Cancelled; nothing was deleted."
    assert await table_counts(bot) == before
    await bot.press(prompt, "fg:yes", user_id=USER_ID)
    assert "not valid" in bot.answers()[-1]
    assert await table_counts(bot) == before


@pytest.mark.parametrize("data", ["fg:maybe", "fg:yes:1", "fg:", "fgyes", "fg:YES"])
async def test_forget_tampered_buttons(bot: Harness, data: str) -> None:
    await _with_history(bot, USER_ID, USER_ID)
    [prompt] = await bot.send("/forget", user_id=USER_ID)
    before = await table_counts(bot)
    await bot.press(prompt, data, user_id=USER_ID, check=False)
    assert "not valid" in bot.answers()[-1]
    assert await table_counts(bot) == before


async def test_forget_in_a_group_only_chat_admins(bot: Harness) -> None:
    bot.api.add_chat(GROUP_ID, "supergroup", title="Field team")
    bot.api.set_member_status(GROUP_ID, USER_ID, "administrator")
    bot.api.set_member_status(GROUP_ID, MEMBER, "member")
    await _with_history(bot, USER_ID, GROUP_ID, group=True)
    await _with_history(bot, USER_ID, USER_ID)
    [refused] = await bot.send("/forget", user_id=MEMBER, chat_id=GROUP_ID)
    assert refused["text"] == "Only this chat's admins can make Sitrep forget it."
    [prompt] = await bot.send("/forget", user_id=USER_ID, chat_id=GROUP_ID)
    assert "Forget this chat?" in prompt["text"]
    before = await table_counts(bot)
    await bot.press(prompt, "fg:yes", user_id=MEMBER)
    assert bot.answers()[-1] == "Only the person who asked can confirm this."
    assert await table_counts(bot) == before
    [done] = await bot.press(prompt, "fg:yes", user_id=USER_ID)
    assert "this chat's record" in done["text"] and "your user record" not in done["text"]
    assert await rows(bot, Chat, Chat.id == GROUP_ID) == 0
    assert await rows(bot, SubscriptionRow, SubscriptionRow.chat_id == GROUP_ID) == 0
    assert await rows(bot, OutboxRow, OutboxRow.chat_id == GROUP_ID) == 0
    assert await rows(bot, QuestionLogRow, QuestionLogRow.chat_id == GROUP_ID) == 0
    # The admin's own user record and private subscription stay.
    assert await _footprint(bot, USER_ID, USER_ID) == {
        "user": 1,
        "chat": 1,
        "sub": 1,
        "outbox": 2,
        "questions": 2,
    }
    # /forget is not an admin command: it is not audited (the audit would keep the id).
    assert await rows(bot, AuditRow) == 0


async def test_after_forget_the_chat_can_subscribe_again(bot: Harness) -> None:
    await _with_history(bot, USER_ID, USER_ID)
    [prompt] = await bot.send("/forget", user_id=USER_ID)
    await bot.press(prompt, "fg:yes", user_id=USER_ID)
    [reply] = await bot.send("/subscribe Kunduz", user_id=USER_ID)
    assert "Subscribed" in reply["text"]
    assert await rows(bot, Chat, Chat.id == USER_ID) == 1
