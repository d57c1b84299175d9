"""/start, /help, the error handler, command menus and the seen-recorder, through the real app."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from telegram.ext import CommandHandler

from bot.store.models.people import Chat, User
from tests.support.harness import ADMIN_ID, GROUP_ID, USER_ID, Harness, running_bot


async def test_start_explains_and_suggests(bot: Harness) -> None:
    [reply] = await bot.send("/start")
    assert reply["chat"]["id"] == USER_ID
    assert "Sitrep" in reply["text"]
    assert "Islam Qala" in reply["text"]
    assert "/help" in reply["text"]
    call = bot.api.calls_to("sendMessage")[-1]
    assert call.params["parse_mode"] == "HTML"


async def test_help_lists_user_commands_only_for_users(bot: Harness) -> None:
    [reply] = await bot.send("/help")
    assert "/start" in reply["text"] and "/help" in reply["text"]
    assert "Admin commands" not in reply["text"]


async def test_help_shows_admin_section_to_admins(bot: Harness) -> None:
    [user_reply] = await bot.send("/help", user_id=USER_ID)
    [admin_reply] = await bot.send("/help", user_id=ADMIN_ID)
    from bot.telegram.commands import ADMIN_COMMANDS

    if ADMIN_COMMANDS:
        assert "Admin commands" in admin_reply["text"]
        assert f"/{ADMIN_COMMANDS[0].command}" in admin_reply["text"]
    assert len(admin_reply["text"]) >= len(user_reply["text"])


async def test_commands_addressed_to_the_bot_work_in_groups(bot: Harness) -> None:
    replies = await bot.send(f"/help@{bot.api.bot_username}", chat_id=GROUP_ID)
    assert [r["chat"]["id"] for r in replies] == [GROUP_ID]


async def test_error_handler_answers_politely_and_bot_keeps_going(bot: Harness) -> None:
    async def boom(update: object, context: object) -> None:
        raise RuntimeError("kaboom")

    bot.app.add_handler(CommandHandler("boom", boom))
    [reply] = await bot.send("/boom")
    assert "Sorry, something went wrong" in reply["text"]
    assert "kaboom" not in reply["text"]
    [again] = await bot.send("/start")
    assert "Sitrep" in again["text"]


async def test_startup_sets_user_and_admin_command_menus(bot: Harness) -> None:
    calls = bot.api.calls_to("setMyCommands")
    scopes = [c.params.get("scope", {"type": "default"}) for c in calls]
    assert {"type": "default"} in scopes
    default = next(c for c, s in zip(calls, scopes, strict=True) if s["type"] == "default")
    assert [c["command"] for c in default.params["commands"]][:2] == ["start", "help"]
    from bot.telegram.commands import ADMIN_COMMANDS

    if ADMIN_COMMANDS:
        assert {"type": "chat", "chat_id": ADMIN_ID} in scopes


async def test_admin_menu_for_unknown_chat_is_tolerated(sqlite_db_url: str) -> None:
    # An owner who never opened the bot: Telegram answers "chat not found"; start-up goes on.
    async with running_bot(sqlite_db_url, auto_create_chats=False) as harness:
        assert harness.app.bot_data.is_open


async def test_seen_chats_and_users_are_recorded(bot: Harness) -> None:
    await bot.send("/start", user_id=4242, first_name="Nadia")
    await bot.send(f"/help@{bot.api.bot_username}", user_id=4242, chat_id=GROUP_ID)
    async with bot.services.sessions() as session:
        user = await session.get(User, 4242)
        chats = {c.id: c.type for c in (await session.scalars(select(Chat))).all()}
    assert user is not None and user.first_name == "Nadia"
    assert chats == {4242: "private", GROUP_ID: "supergroup"}


def test_broken_template_stops_startup_with_a_clear_error(tmp_path: Path) -> None:
    from bot.render.environment import TemplateCheckError, check_templates, create_environment

    (tmp_path / "good.html").write_text("<b>{{ x }}</b>")
    (tmp_path / "daily.html").write_text("{% for e in events %}{{ e }}")  # unclosed for
    with pytest.raises(TemplateCheckError, match=r"briefings/daily.html"):
        check_templates(create_environment(tmp_path))


def test_shipped_templates_compile() -> None:
    from bot.render.environment import check_templates, create_environment

    names = check_templates(create_environment())
    assert {"start.html", "help.html", "error.html"} <= set(names)
