"""The in-process Bot API, driven through a real python-telegram-bot Bot and Application."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from telegram import (
    Bot,
    ChatMember,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.error import (
    BadRequest,
    Conflict,
    EndPointNotFound,
    Forbidden,
    RetryAfter,
)
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.sim.api import (
    ButtonIndex,
    HtmlParseError,
    LocalBotApi,
    LocalRequest,
    UpdateFactory,
    parse_html,
    render_event,
    render_message,
    utf16_len,
)

CHAT = 1001
GROUP = -1001234567890
T0 = 1625830000.0  # 2021-07-09, the seed article's publication day


class FakeClock:
    """A settable monotonic clock so rate-limit tests never sleep."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def keyboard(*rows: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(text, callback_data=data) for text, data in row] for row in rows]
    )


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def api(clock: FakeClock) -> LocalBotApi:
    return LocalBotApi(clock=clock, wall_clock=lambda: T0)


@pytest.fixture
async def bot(api: LocalBotApi) -> AsyncIterator[Bot]:
    the_bot = Bot("123456:LOCAL", request=LocalRequest(api), get_updates_request=LocalRequest(api))
    async with the_bot:
        yield the_bot


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


# ---------------------------------------------------------------- HTML


@pytest.mark.parametrize(
    ("html", "plain", "types"),
    [
        ("plain text", "plain text", []),
        ("<b>x</b>", "x", ["bold"]),
        (
            "<strong>x</strong> <em>y</em> <ins>u</ins> <del>d</del>",
            "x y u d",
            ["bold", "italic", "underline", "strikethrough"],
        ),
        ("<b>bold <i>both</i></b>", "bold both", ["bold", "italic"]),
        ('<a href="https://apnews.com/x">AP</a>', "AP", ["text_link"]),
        ("&lt;br&gt; &amp; &quot;q&quot; &#39; &#x1F600;", '<br> & "q" \' 😀', []),
        ("<code>x &lt; y</code>", "x < y", ["code"]),
        ('<pre><code class="language-python">print(1)</code></pre>', "print(1)", ["pre"]),
        (
            '<span class="tg-spoiler">s</span> <tg-spoiler>t</tg-spoiler>',
            "s t",
            ["spoiler", "spoiler"],
        ),
        ("<blockquote expandable>quote</blockquote>", "quote", ["expandable_blockquote"]),
        ('<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>', "👍", ["custom_emoji"]),
        ("<B>upper</B>", "upper", ["bold"]),
        ("a > b", "a > b", []),
        ("<b></b>empty", "empty", []),
    ],
)
def test_parse_html_accepts_telegram_html(html: str, plain: str, types: list[str]) -> None:
    text, entities = parse_html(html)
    assert text == plain
    assert [e["type"] for e in entities] == types


@pytest.mark.parametrize(
    ("html", "error"),
    [
        ("line one<br>two", 'Unsupported start tag "br" at byte offset 8'),
        ("<p>para</p>", 'Unsupported start tag "p" at byte offset 0'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("é<div>", 'Unsupported start tag "div" at byte offset 2'),  # UTF-8 byte offsets
        ("x <b", "Unclosed start tag at byte offset 2"),
        ("AT&T", 'Unsupported HTML entity "&T" at byte offset 2'),
        ("&foo; bar", 'Unsupported HTML entity "&foo;" at byte offset 0'),
        ('<span class="x">s</span>', 'Tag "span" must have class "tg-spoiler"'),
        ("<a href>x</a>", 'Expected equal sign in declaration of an attribute of the tag "a"'),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
    ],
)
def test_parse_html_rejects_what_telegram_rejects(html: str, error: str) -> None:
    with pytest.raises(HtmlParseError) as info:
        parse_html(html)
    assert str(info.value).startswith(error)


def test_parse_html_offsets_are_utf16() -> None:
    text, entities = parse_html("😀 <b>Herat</b>")
    assert text == "😀 Herat"
    assert entities == [{"type": "bold", "offset": 3, "length": 5}]


def test_lenient_mode_keeps_bare_ampersand_like_telegram() -> None:
    assert parse_html("AT&T &foo;", strict=False) == ("AT&T &foo;", [])


# ---------------------------------------------------------------- rate limits


async def test_per_chat_limit_is_one_message_per_second(bot: Bot, clock: FakeClock) -> None:
    await bot.send_message(CHAT, "one")
    clock.advance(0.4)
    with pytest.raises(RetryAfter) as info:
        await bot.send_message(CHAT, "two")
    assert info.value.retry_after == timedelta(seconds=1)
    await bot.send_message(CHAT + 1, "other chats are fine")
    edited = await bot.edit_message_text("edits are not limited", CHAT, 1)
    assert not isinstance(edited, bool) and edited.text == "edits are not limited"
    clock.advance(0.6)
    assert (await bot.send_message(CHAT, "two")).message_id == 2


async def test_group_limit_is_twenty_per_minute(
    bot: Bot, api: LocalBotApi, clock: FakeClock
) -> None:
    for _ in range(20):
        await bot.send_message(GROUP, "update")
        clock.advance(1.5)
    # 30 s after the first of the last 20 messages: 30 s to wait.
    with pytest.raises(RetryAfter) as info:
        await bot.send_message(GROUP, "one too many")
    assert info.value.retry_after == timedelta(seconds=30)
    assert api.calls[-1].response["parameters"] == {"retry_after": 30}
    assert api.calls[-1].description == "Too Many Requests: retry after 30"
    clock.advance(30)
    await bot.send_message(GROUP, "window moved")


async def test_global_limit_is_thirty_per_second(bot: Bot, clock: FakeClock) -> None:
    for user in range(30):
        await bot.send_message(5000 + user, "broadcast")
    with pytest.raises(RetryAfter) as info:
        await bot.send_message(6000, "broadcast")
    assert info.value.retry_after == timedelta(seconds=1)
    clock.advance(1.0)
    await bot.send_message(6000, "broadcast")


async def test_limits_can_be_switched_off_and_raised(clock: FakeClock) -> None:
    api = LocalBotApi(clock=clock, global_rate=1000, per_chat_interval=None, group_per_minute=None)
    async with Bot("123456:LOCAL", request=LocalRequest(api)) as bot:
        for n in range(100):
            await bot.send_message(GROUP, f"n{n}")
    assert len(api.sent(GROUP)) == 100


async def test_without_history_it_answers_and_limits_but_keeps_no_messages(
    clock: FakeClock,
) -> None:
    """keep_history=False (the benchmark's sink): answers and rate limits as before, call log
    without results, nothing of what was sent kept."""
    api = LocalBotApi(clock=clock, global_rate=3, per_chat_interval=None, keep_history=False)
    async with Bot("123456:LOCAL", request=LocalRequest(api)) as bot:
        first = await bot.send_message(CHAT, "<b>one</b>", parse_mode="HTML")
        second = await bot.send_message(CHAT, "two")
        await bot.send_message(GROUP, "three")
        with pytest.raises(RetryAfter):
            await bot.send_message(CHAT + 1, "four")
        with pytest.raises(BadRequest):
            await bot.send_message(CHAT, "<b>broken", parse_mode="HTML")
    assert (first.message_id, second.message_id) == (1, 2)
    assert first.text == "one" and first.chat.id == CHAT
    assert api.sent() == [] and api.messages(CHAT) == [] and api.events == []
    sends = api.calls_to("sendMessage")
    assert [(c.status, c.result) for c in sends[:3]] == [(200, None)] * 3
    assert [c.status for c in sends[3:]] == [429, 400]
    assert sends[0].params["text"] == "<b>one</b>"


@pytest.mark.serial
async def test_latency_is_awaited_per_call() -> None:
    api = LocalBotApi(latency=0.05)
    async with Bot("123456:LOCAL", request=LocalRequest(api)) as bot:
        start = time.perf_counter()
        await bot.send_message(CHAT, "slow")
        assert time.perf_counter() - start >= 0.045


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


# ---------------------------------------------------------------- transcript


def _msg(**extra: Any) -> dict[str, Any]:
    return {"message_id": 3, "chat": {"id": CHAT, "type": "private"}, "date": 0, **extra}


def _kb(*rows: list[dict[str, str]]) -> dict[str, Any]:
    return {"inline_keyboard": [list(row) for row in rows]}


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (_msg(text="plain"), "plain"),
        (
            _msg(text="Herat: fighting", entities=[{"type": "bold", "offset": 0, "length": 5}]),
            "Herat: fighting",
        ),
        (
            _msg(
                text="Source AP",
                entities=[
                    {"type": "text_link", "offset": 7, "length": 2, "url": "https://apnews.com"}
                ],
            ),
            "Source AP (https://apnews.com)",
        ),
        (
            _msg(text="Code:\nx = 1\ny = 2", entities=[{"type": "pre", "offset": 6, "length": 11}]),
            "Code:\n\n    x = 1\n    y = 2",
        ),
        (_msg(text="a < b & c"), "a < b & c"),
        (
            _msg(text="hidden", entities=[{"type": "spoiler", "offset": 0, "length": 6}]),
            "||hidden||",
        ),
        (
            _msg(
                text="😀 Islam Qala",
                entities=[{"type": "text_link", "offset": 3, "length": 10, "url": "https://x.y"}],
            ),
            "😀 Islam Qala (https://x.y)",
        ),
        (
            _msg(
                text="Brief",
                reply_markup=_kb(
                    [
                        {"text": "More", "callback_data": "m"},
                        {"text": "Subscribe to Herat", "callback_data": "s"},
                    ],
                    [{"text": "Source", "url": "https://apnews.com"}],
                ),
            ),
            "Brief\n[1] More  [2] Subscribe to Herat\n[3] Source (https://apnews.com)",
        ),
        (_msg(text="New", edit_date=5), "(edited) New"),
        (
            _msg(caption="today", document={"file_id": "f", "file_name": "brief.txt"}),
            "[document: brief.txt]\ntoday",
        ),
    ],
)
def test_render_message(message: dict[str, Any], expected: str) -> None:
    assert render_message(message) == expected


def test_render_event_marks_deletes() -> None:
    assert render_event("deleted", _msg(text="x")) == "(deleted) message 3"
    assert render_event("sent", _msg(text="x")) == "x"


def test_button_index_presses_last_message_with_buttons() -> None:
    index = ButtonIndex()
    first = _msg(text="a", reply_markup=_kb([{"text": "Old", "callback_data": "old"}]))
    second = {
        **_msg(
            text="b",
            reply_markup=_kb(
                [{"text": "More", "callback_data": "more"}, {"text": "Web", "url": "https://x.y"}]
            ),
        ),
        "message_id": 4,
    }
    index.observe("sent", first)
    index.observe("sent", second)
    index.observe("sent", {**_msg(text="no buttons"), "message_id": 5})
    pressed = index.press("1")
    assert pressed is not None and pressed.callback_data == "more"
    assert pressed.message["message_id"] == 4
    web = index.press(2)
    assert web is not None and (web.callback_data, web.url) == (None, "https://x.y")
    assert index.press("3") is None and index.press("x") is None
    index.observe(
        "edited", {**second, "reply_markup": _kb([{"text": "Back", "callback_data": "b"}])}
    )
    back = index.press(1)
    assert back is not None and back.callback_data == "b"
    index.observe("deleted", second)
    assert len(index) == 0 and index.press(1) is None
