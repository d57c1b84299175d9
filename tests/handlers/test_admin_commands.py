"""Admin commands through the real app: refusals for non-admins, /audit, /admins, /stats."""

from __future__ import annotations

from typing import Any

import pytest

from bot.store.models.events import EventRow
from bot.store.models.newsroom import AllowRow, AuditRow
from bot.store.models.people import Admin
from tests.support.admin_tools import PLAIN_ADMIN, audit, rows, table_counts
from tests.support.harness import ADMIN_ID, GROUP_ID, USER_ID, Harness, running_bot
from tests.support.harness import test_settings as make_settings
from tests.support.stats_seed import seed
from tests.support.texts import REFUSAL

pytestmark = pytest.mark.slow


ADDEVENT = "/addevent 2021-07-08 | Islam Qala | Taliban seized the crossing | AP"


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
