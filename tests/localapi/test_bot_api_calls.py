"""The in-process Bot API through a real python-telegram-bot Bot: sending, editing, errors,
the call record, files, updates and commands."""

from __future__ import annotations

import time
from typing import Any

import pytest
from telegram import Bot, ChatMember
from telegram.error import BadRequest, Conflict, EndPointNotFound, Forbidden

from bot.sim.api import LocalBotApi, LocalRequest, UpdateFactory, utf16_len
from tests.support.localapi import CHAT, GROUP, T0, FakeClock, keyboard

# ---------------------------------------------------------------- basics


async def test_get_me_identifies_the_local_bot(bot: Bot, api: LocalBotApi) -> None:
    me = await bot.get_me()
    assert (me.id, me.username, me.is_bot) == (7000000001, "sitrep_local_bot", True)
    assert bot.username == "sitrep_local_bot"
    assert [c.method for c in api.calls] == ["getMe", "getMe"]  # initialize() + our call


async def test_send_edit_delete_round_trip(bot: Bot, api: LocalBotApi, clock: FakeClock) -> None:
    sent = await bot.send_message(
        CHAT,
        "<b>Islam Qala</b> captured &amp; closed",
        parse_mode="HTML",
        reply_markup=keyboard([("More", "more:1"), ("Subscribe to Herat", "sub:herat")]),
    )
    assert sent.text == "Islam Qala captured & closed"
    assert sent.entities[0].type == "bold" and sent.entities[0].length == 10
    assert sent.chat.id == CHAT and sent.from_user is not None and sent.from_user.is_bot
    assert sent.date.timestamp() == T0
    assert sent.reply_markup is not None
    assert sent.reply_markup.inline_keyboard[0][1].callback_data == "sub:herat"

    clock.advance(2)
    edited = await bot.edit_message_text("Updated", chat_id=CHAT, message_id=sent.message_id)
    assert isinstance(edited, type(sent)) and edited.text == "Updated"
    assert edited.edit_date is not None
    # Telegram drops the inline keyboard when editMessageText has no reply_markup.
    assert edited.reply_markup is None
    [current] = api.messages(CHAT)
    assert current["text"] == "Updated" and "reply_markup" not in current
    assert api.sent(CHAT)[0]["text"] == "Islam Qala captured & closed"  # snapshot as sent

    assert await bot.delete_message(CHAT, sent.message_id) is True
    assert api.messages(CHAT) == []
    assert [kind for kind, _ in api.events] == ["sent", "edited", "deleted"]


async def test_message_ids_increase_per_chat_and_replies_are_attached(
    bot: Bot, api: LocalBotApi
) -> None:
    factory = UpdateFactory(api=api, clock=lambda: T0)
    incoming = factory.message("hello", user_id=5, chat_id=GROUP, chat_type="supergroup")
    api.per_chat_interval = None
    reply = await bot.send_message(
        GROUP, "hi", reply_to_message_id=incoming["message"]["message_id"]
    )
    other = await bot.send_message(CHAT, "x")
    assert reply.message_id == incoming["message"]["message_id"] + 1
    assert other.message_id == 1
    assert reply.reply_to_message is not None
    assert reply.reply_to_message.text == "hello"


async def test_strict_replies_reject_unknown_targets(bot: Bot, api: LocalBotApi) -> None:
    api.strict_replies = True
    with pytest.raises(BadRequest, match="Message to be replied not found"):
        await bot.send_message(CHAT, "x", reply_to_message_id=999)


async def test_forum_threads_and_link_preview_options(bot: Bot, api: LocalBotApi) -> None:
    from telegram import LinkPreviewOptions

    api.add_chat(GROUP, "supergroup", title="Sitrep forum", is_forum=True)
    api.add_thread(GROUP, 42)
    message = await bot.send_message(
        GROUP,
        "in topic",
        message_thread_id=42,
        link_preview_options=LinkPreviewOptions(is_disabled=True),
    )
    assert (message.message_thread_id, message.is_topic_message) == (42, True)
    assert api.sent(GROUP)[0]["link_preview_options"] == {"is_disabled": True}
    with pytest.raises(BadRequest, match="Message thread not found"):
        await bot.send_message(GROUP, "lost", message_thread_id=7)


# ---------------------------------------------------------------- errors


def _long_data() -> str:
    return "x" * 65


@pytest.mark.parametrize(
    ("case", "exc_type", "message"),
    [
        ("empty", BadRequest, "Message text is empty"),
        ("empty_after_html", BadRequest, "Message text is empty"),
        (
            "bad_html",
            BadRequest,
            'Can\'t parse entities: unsupported start tag "br" at byte offset 4',
        ),
        ("unclosed", BadRequest, "Can't parse entities: can't find end tag corresponding to start"),
        ("chat_not_found", BadRequest, "Chat not found"),
        ("blocked_private", Forbidden, "Forbidden: bot was blocked by the user"),
        ("kicked_group", Forbidden, "Forbidden: bot was kicked from the group chat"),
        ("edit_missing", BadRequest, "Message to edit not found"),
        ("not_modified", BadRequest, "Message is not modified: specified new message content"),
        ("delete_missing", BadRequest, "Message to delete not found"),
        ("button_data", BadRequest, "Button_data_invalid"),
        ("markup_json", BadRequest, "Can't parse reply keyboard markup json object"),
        ("caption", BadRequest, "Message caption is too long"),
        ("chat_action", BadRequest, "Wrong parameter action in request"),
        ("command", BadRequest, "Bot_command_invalid"),
    ],
)
async def test_errors_surface_as_ptb_exceptions(
    bot: Bot, api: LocalBotApi, case: str, exc_type: type[Exception], message: str
) -> None:
    api.per_chat_interval = None
    api.add_chat(GROUP // 1000, "group", title="Herat watchers")
    first = await bot.send_message(CHAT, "same", reply_markup=keyboard([("A", "a")]))
    actions: dict[str, Any] = {
        "empty": lambda: bot.send_message(CHAT, ""),
        "empty_after_html": lambda: bot.send_message(CHAT, "<b> </b>", parse_mode="HTML"),
        "bad_html": lambda: bot.send_message(CHAT, "line<br>two", parse_mode="HTML"),
        "unclosed": lambda: bot.send_message(CHAT, "<b>bold", parse_mode="HTML"),
        "chat_not_found": lambda: bot.send_message("@nobody_here", "x"),
        "blocked_private": lambda: bot.send_message(CHAT, "x"),
        "kicked_group": lambda: bot.send_message(GROUP // 1000, "x"),
        "edit_missing": lambda: bot.edit_message_text("x", chat_id=CHAT, message_id=99),
        "not_modified": lambda: bot.edit_message_text(
            "same", chat_id=CHAT, message_id=first.message_id, reply_markup=keyboard([("A", "a")])
        ),
        "delete_missing": lambda: bot.delete_message(CHAT, 99),
        "button_data": lambda: bot.send_message(
            CHAT, "x", reply_markup=keyboard([("B", _long_data())])
        ),
        "markup_json": lambda: bot.send_message(CHAT, "x", api_kwargs={"reply_markup": "{oops"}),
        "caption": lambda: bot.send_document(CHAT, b"data", filename="a.txt", caption="c" * 1025),
        "chat_action": lambda: bot.send_chat_action(CHAT, "dancing"),
        "command": lambda: bot.set_my_commands([("Start!", "Begin")]),
    }
    if case == "blocked_private":
        api.block(CHAT)
    if case == "kicked_group":
        api.block(GROUP // 1000)
    with pytest.raises(exc_type) as info:
        await actions[case]()
    assert message in str(info.value)
    assert api.calls[-1].ok is False and api.calls[-1].status in (400, 403)
    assert api.unexpected == []


async def test_unknown_chat_is_not_found_without_auto_create(clock: FakeClock) -> None:
    api = LocalBotApi(clock=clock, auto_create_chats=False)
    async with Bot("123456:LOCAL", request=LocalRequest(api)) as bot:
        with pytest.raises(BadRequest, match="Chat not found"):
            await bot.send_message(424242, "x")
        api.add_chat(424242, first_name="Ahmad")
        message = await bot.send_message(424242, "x")
        assert message.chat.first_name == "Ahmad"


async def test_unknown_method_fails_loudly_and_is_recorded(bot: Bot, api: LocalBotApi) -> None:
    with pytest.raises(EndPointNotFound, match="sendHologram"):
        await bot.do_api_request("sendHologram", api_kwargs={"chat_id": CHAT})
    assert [c.method for c in api.unexpected] == ["sendHologram"]
    assert api.unexpected[0].status == 404
    status, body = api.handle("sendSticker", {"chat_id": CHAT})
    assert status == 404 and "sendSticker" in body["description"]
    assert len(api.unexpected) == 2


@pytest.mark.parametrize(
    ("text", "parse_mode", "ok"),
    [
        ("a" * 4096, None, True),
        ("a" * 4097, None, False),
        ("<b>" + "a" * 4096 + "</b>", "HTML", True),  # tags do not count
        ("&amp;" * 4096, "HTML", True),  # entities count as one character
        ("&amp;" * 4097, "HTML", False),
        ("😀" * 2048, None, True),  # emoji are two UTF-16 code units
        ("😀" * 2048 + "a", None, False),
        ("a" * 4095 + "😀", None, False),
        ("  " + "a" * 4096 + "\n\n", None, True),  # surrounding whitespace is trimmed
    ],
)
async def test_4096_limit_counts_utf16_after_parsing(
    bot: Bot, api: LocalBotApi, text: str, parse_mode: str | None, ok: bool
) -> None:
    if ok:
        message = await bot.send_message(CHAT, text, parse_mode=parse_mode)
        assert message.text is not None and utf16_len(message.text) <= 4096
    else:
        with pytest.raises(BadRequest, match="Message is too long"):
            await bot.send_message(CHAT, text, parse_mode=parse_mode)


async def test_webhook_blocks_get_updates(bot: Bot, api: LocalBotApi) -> None:
    assert await bot.set_webhook("https://sitrep.example/hook")
    assert (await bot.get_webhook_info()).url == "https://sitrep.example/hook"
    with pytest.raises(Conflict, match="webhook is active"):
        await bot.get_updates()
    assert await bot.delete_webhook()
    assert await bot.get_updates() == ()


# ---------------------------------------------------------------- recording, files, updates


async def test_calls_are_recorded_with_params_and_outcome(bot: Bot, api: LocalBotApi) -> None:
    await bot.send_message(CHAT, "hi", disable_notification=True)
    with pytest.raises(BadRequest):
        await bot.send_message(CHAT, "")
    ok_call, bad_call = api.calls_to("sendMessage")
    assert ok_call.params == {"chat_id": CHAT, "text": "hi", "disable_notification": True}
    assert (ok_call.ok, ok_call.status, ok_call.result["text"]) == (True, 200, "hi")
    assert (bad_call.ok, bad_call.status) == (False, 400)
    assert bad_call.description == "Bad Request: message text is empty"


async def test_send_document_with_bytes_and_download(bot: Bot, api: LocalBotApi) -> None:
    message = await bot.send_document(
        CHAT,
        b"Islam Qala, 2021-07-09",
        filename="brief.txt",
        caption="<i>Brief</i>",
        parse_mode="HTML",
    )
    assert message.document is not None
    assert (message.document.file_name, message.document.file_size) == ("brief.txt", 22)
    assert message.caption == "Brief"
    assert api.calls[-1].params["document"] == "brief.txt"
    file = await bot.get_file(message.document.file_id)
    assert bytes(await file.download_as_bytearray()) == b"Islam Qala, 2021-07-09"
    again = await bot.send_document(CHAT + 1, message.document.file_id)
    assert again.document is not None and again.document.file_id == message.document.file_id
    photo = await bot.send_photo(CHAT + 2, b"\x89PNG...", caption="map")
    assert photo.photo and photo.caption == "map"


@pytest.mark.serial
async def test_get_updates_returns_pushed_updates_by_offset(bot: Bot, api: LocalBotApi) -> None:
    factory = UpdateFactory()
    for text in ("/start", "Herat?", "thanks"):
        api.push_update(factory.message(text))
    updates = await bot.get_updates()
    assert [u.message.text for u in updates if u.message] == ["/start", "Herat?", "thanks"]
    later = await bot.get_updates(offset=updates[1].update_id + 1)
    assert [u.update_id for u in later] == [updates[2].update_id]
    start = time.perf_counter()
    assert await bot.get_updates(offset=updates[2].update_id + 1, timeout=5) == ()
    assert 0.04 <= time.perf_counter() - start < 1.0  # empty long poll sleeps briefly


async def test_chat_member_statuses_parse_in_ptb(bot: Bot, api: LocalBotApi) -> None:
    statuses = ["creator", "administrator", "member", "restricted", "left", "kicked"]
    for user_id, status in enumerate(statuses, start=1):
        api.set_member_status(GROUP, user_id, status)
    members = [await bot.get_chat_member(GROUP, uid) for uid in range(1, 7)]
    assert [m.status for m in members] == [
        ChatMember.OWNER,
        ChatMember.ADMINISTRATOR,
        ChatMember.MEMBER,
        ChatMember.RESTRICTED,
        ChatMember.LEFT,
        ChatMember.BANNED,
    ]
    admins = await bot.get_chat_administrators(GROUP)
    assert sorted(a.user.id for a in admins) == [1, 2]
    assert (await bot.get_chat(GROUP)).type == "supergroup"


async def test_commands_are_stored_per_scope(bot: Bot, api: LocalBotApi) -> None:
    from telegram import BotCommandScopeAllGroupChats

    await bot.set_my_commands([("start", "Start"), ("brief", "Today's briefing")])
    await bot.set_my_commands([("brief", "Briefing")], scope=BotCommandScopeAllGroupChats())
    assert [c.command for c in await bot.get_my_commands()] == ["start", "brief"]
    groups = await bot.get_my_commands(scope=BotCommandScopeAllGroupChats())
    assert [c.command for c in groups] == ["brief"]
    await bot.delete_my_commands()
    assert await bot.get_my_commands() == ()
