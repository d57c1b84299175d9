"""Questions in chat: free text in private chats, mentions/replies in groups, /ask, /latest,
/timeline, /search, and the "More" button."""

from __future__ import annotations

import logging
import re
import secrets
from typing import Any

from aiolimiter import AsyncLimiter
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType, MessageEntityType
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.context import SitrepContext
from bot.handlers.common import reply_html, reply_template
from bot.services.answers import Answer

log = logging.getLogger(__name__)

QUESTIONS_PER_MINUTE = 20
MAX_STORED_ANSWERS = 20
MORE_RE = re.compile(r"^more:([0-9a-f]{8})$")
LAST_QUERY = "last_query"
ANSWERS = "answers"


def _limiter(context: SitrepContext, user_id: int) -> AsyncLimiter:
    limiters: dict[int, AsyncLimiter] = context.services.extras.setdefault("ask_limiters", {})
    if user_id not in limiters:
        limiters[user_id] = AsyncLimiter(QUESTIONS_PER_MINUTE, 60)
    return limiters[user_id]


async def _allowed(update: Update, context: SitrepContext) -> bool:
    """At most 20 questions a minute per user; beyond that, a polite wait message."""
    user = update.effective_user
    if user is None:
        return True
    limiter = _limiter(context, user.id)
    if limiter.has_capacity():
        await limiter.acquire()
        return True
    await reply_html(
        update,
        context,
        "You're asking faster than I can keep up with (more than 20 questions a minute). "
        "Please wait a little and ask again.",
    )
    return False


SUBSCRIPTIONS_FLAG = "subscriptions_enabled"


def _keyboard(answer: Answer, token: str | None, subscribe: bool) -> InlineKeyboardMarkup | None:
    """ "More" when there is a next page; "Subscribe to <place>" when subscriptions are on."""
    rows: list[list[InlineKeyboardButton]] = []
    if answer.has_more and token:
        rows.append([InlineKeyboardButton("More", callback_data=f"more:{token}")])
    place = answer.subscribe_place
    if subscribe and place is not None and answer.kind != "unknown_place":
        label = f"Subscribe to {place.name}"[:64]
        rows.append([InlineKeyboardButton(label, callback_data=f"sub:{place.key}"[:64])])
    return InlineKeyboardMarkup(rows) if rows else None


def _remember(context: SitrepContext, answer: Answer) -> str | None:
    """Keep what the "More" button needs in the chat's memory; return its token."""
    if not answer.has_more or context.chat_data is None:
        return None
    stored: dict[str, dict[str, Any]] = context.chat_data.setdefault(ANSWERS, {})
    while len(stored) >= MAX_STORED_ANSWERS:
        stored.pop(next(iter(stored)))
    token = secrets.token_hex(4)
    stored[token] = {
        "query": answer.query,
        "offset": answer.next_offset,
        "loose": answer.loose,
        "order": answer.order,
        "title": answer.title,
    }
    return token


async def send_answer(update: Update, context: SitrepContext, answer: Answer) -> None:
    """Render an answer and send it with its buttons."""
    token = _remember(context, answer)
    subscribe = bool(context.services.extras.get(SUBSCRIPTIONS_FLAG))
    await reply_template(
        update, context, "answer.html", a=answer, reply_markup=_keyboard(answer, token, subscribe)
    )


def _local_now(context: SitrepContext) -> Any:
    return context.services.clock.local_now(context.services.tz)


async def answer_text(update: Update, context: SitrepContext, text: str) -> None:
    """Answer one question (with follow-up memory per chat)."""
    text = text.strip()
    if not text:
        await reply_html(
            update,
            context,
            "Ask me about a place or a time, e.g. <i>what happened at Islam Qala?</i>",
        )
        return
    if not await _allowed(update, context):
        return
    previous = context.chat_data.get(LAST_QUERY) if context.chat_data is not None else None
    answer = await context.services.answers.ask(text, _local_now(context), previous)
    if context.services.settings.question_log_days > 0:
        # Aggregates for /stats: who asked (for /forget), which places, how many found — never
        # the question text.
        await context.services.domain.question_log.record(
            update.effective_user.id if update.effective_user else None,
            update.effective_chat.id if update.effective_chat else None,
            [p.key for p in answer.places],
            len(answer.events),
        )
    if context.chat_data is not None and answer.kind != "unknown_place":
        context.chat_data[LAST_QUERY] = answer.query
    await send_answer(update, context, answer)


def _bot_addressed(update: Update, context: SitrepContext) -> str | None:
    """In groups: the question when the bot is mentioned or replied to, else None."""
    message = update.effective_message
    if message is None or not message.text:
        return None
    username = (context.bot.username or "").lower()
    reply = message.reply_to_message
    if reply is not None and reply.from_user is not None and reply.from_user.id == context.bot.id:
        return message.text
    for entity in message.entities:
        if entity.type == MessageEntityType.MENTION:
            mention = message.parse_entity(entity)
            if mention.lower() == f"@{username}":
                return message.text.replace(mention, " ")
    return None


async def on_text(update: Update, context: SitrepContext) -> None:
    """Plain text: a question in private chats; in groups only when addressed to the bot."""
    chat = update.effective_chat
    message = update.effective_message
    if chat is None or message is None or message.text is None:
        return
    if chat.type == ChatType.PRIVATE:
        await answer_text(update, context, message.text)
        return
    question = _bot_addressed(update, context)
    if question is not None:
        await answer_text(update, context, question)


async def ask_command(update: Update, context: SitrepContext) -> None:
    """/ask QUESTION, in any chat."""
    await answer_text(update, context, " ".join(context.args or []))


async def latest_command(update: Update, context: SitrepContext) -> None:
    """/latest [N]: the newest N events (default 5, at most 20)."""
    args = context.args or []
    if args and not (args[0].isdigit() and 0 < int(args[0]) <= 1000):
        await reply_html(update, context, "Use: /latest [N], e.g. /latest 10 (at most 20).")
        return
    if not await _allowed(update, context):
        return
    count = int(args[0]) if args else 5
    await send_answer(
        update, context, await context.services.answers.latest(count, _local_now(context))
    )


async def timeline_command(update: Update, context: SitrepContext) -> None:
    """/timeline PLACE: a place's events, oldest first."""
    place = " ".join(context.args or []).strip()
    if not place:
        await reply_html(update, context, "Use: /timeline PLACE, e.g. /timeline Islam Qala")
        return
    if not await _allowed(update, context):
        return
    answer = await context.services.answers.timeline(place[:200], _local_now(context))
    await send_answer(update, context, answer)


async def search_command(update: Update, context: SitrepContext) -> None:
    """/search WORDS: events whose text has those words."""
    words = " ".join(context.args or []).strip()
    if not words:
        await reply_html(update, context, "Use: /search WORDS, e.g. /search consulate closed")
        return
    if not await _allowed(update, context):
        return
    await send_answer(
        update, context, await context.services.answers.search(words[:500], _local_now(context))
    )


async def more_button(update: Update, context: SitrepContext) -> None:
    """The "More" button: the next page of the same answer; unknown or tampered tokens refused."""
    query = update.callback_query
    assert query is not None
    match = MORE_RE.match(query.data or "")
    stored = (context.chat_data or {}).get(ANSWERS, {})
    state = stored.get(match.group(1)) if match else None
    if state is None:
        await query.answer("That list has expired. Please ask again.", show_alert=True)
        return
    await query.answer()
    answer = await context.services.answers.answer(
        state["query"],
        offset=state["offset"],
        loose=state["loose"],
        order=state["order"],
        title=state["title"],
    )
    stored.pop(match.group(1), None)  # type: ignore[union-attr]
    await send_answer(update, context, answer)


def handlers() -> list[Any]:
    """Question handlers, in registration order (commands first, free text last)."""
    return [
        CommandHandler("ask", ask_command),
        CommandHandler("latest", latest_command),
        CommandHandler("timeline", timeline_command),
        CommandHandler("search", search_command),
        CallbackQueryHandler(more_button, pattern=r"^more:"),
    ]


def text_handler() -> MessageHandler[SitrepContext, None]:
    """The free-text handler; registered after every command and conversation."""
    return MessageHandler(filters.TEXT & ~filters.COMMAND & ~filters.UpdateType.EDITED, on_text)
