"""UpdateFactory updates and a python-telegram-bot Application driven through the local API."""

from __future__ import annotations

import asyncio

import pytest
from telegram import Bot, Update
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.sim.api import LocalBotApi, LocalRequest, UpdateFactory
from tests.support.localapi import CHAT, T0, FakeClock, keyboard

# ---------------------------------------------------------------- UpdateFactory + Application


@pytest.mark.parametrize(
    ("text", "accepted"),
    [
        ("/start", True),
        ("/start Herat", True),
        ("/start@sitrep_local_bot", True),
        ("/start@other_bot", False),
        ("please /start", False),
        ("/stop", False),
    ],
)
async def test_factory_commands_satisfy_command_handler(
    bot: Bot, text: str, accepted: bool
) -> None:
    async def callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        return None

    update = Update.de_json(UpdateFactory().message(text), bot)
    result = CommandHandler("start", callback).check_update(update)
    assert bool(result) is accepted


def test_factory_adds_mentions_and_realistic_fields() -> None:
    factory = UpdateFactory(clock=lambda: T0)
    first = factory.message("hey @sitrep_local_bot 😀 /help", user_id=7, username="ahmad")
    second = factory.message("again", user_id=7)
    message = first["message"]
    assert message["chat"] == {
        "id": 7,
        "type": "private",
        "first_name": "User7",
        "username": "ahmad",
    }
    assert message["date"] == int(T0)
    assert message["entities"] == [
        {"type": "mention", "offset": 4, "length": 17},
        {"type": "bot_command", "offset": 25, "length": 5},  # emoji counts two
    ]
    assert second["update_id"] == first["update_id"] + 1
    assert second["message"]["message_id"] == message["message_id"] + 1


async def test_application_handles_updates_through_the_local_api(
    api: LocalBotApi, clock: FakeClock
) -> None:
    api.per_chat_interval = None

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_html(
            "<b>Sitrep</b> ready", reply_markup=keyboard([("More", "more")])
        )

    async def more(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer("Loading")
        await query.edit_message_text("More details", reply_markup=keyboard([("Back", "back")]))

    app = (
        ApplicationBuilder()
        .token("123456:LOCAL")
        .request(LocalRequest(api))
        .get_updates_request(LocalRequest(api))
        .updater(None)
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(more, pattern="^more$"))
    factory = UpdateFactory(api=api, clock=lambda: T0)
    async with app:
        await app.process_update(Update.de_json(factory.message("/start", user_id=CHAT), app.bot))
        [sent] = api.sent(CHAT)
        assert sent["text"] == "Sitrep ready"
        press = factory.callback("more", message=sent)
        await app.process_update(Update.de_json(press, app.bot))
        with pytest.raises(ValueError, match="no button"):
            factory.callback("mroe", message=sent)
    [current] = [m for m in api.messages(CHAT) if m["from"]["is_bot"]]
    assert current["text"] == "More details"
    assert current["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "back"
    assert [c.method for c in api.calls if c.method != "getMe"] == [
        "sendMessage",
        "answerCallbackQuery",
        "editMessageText",
    ]
    assert api.unexpected == []


async def test_polling_application_answers_pushed_updates() -> None:
    api = LocalBotApi()

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None and update.effective_message.text
        await update.effective_message.reply_text("echo: " + update.effective_message.text)

    app = (
        ApplicationBuilder()
        .token("123456:LOCAL")
        .request(LocalRequest(api))
        .get_updates_request(LocalRequest(api))
        .build()
    )
    app.add_handler(MessageHandler(filters.TEXT, echo))
    async with app:
        assert app.updater is not None
        await app.start()
        await app.updater.start_polling(poll_interval=0, timeout=10)
        api.push_update(UpdateFactory(api=api).message("Herat?"))
        for _ in range(200):
            if api.sent():
                break
            await asyncio.sleep(0.01)
        await app.updater.stop()
        await app.stop()
    assert [m["text"] for m in api.sent(CHAT)] == ["echo: Herat?"]
    assert "deleteWebhook" in [c.method for c in api.calls]
    assert api.unexpected == []
