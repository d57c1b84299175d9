"""Questions in chat: free text in private chats, mentions/replies in groups, /ask, /latest,
/timeline, /search, and the "More" button."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any, Literal

from aiolimiter import AsyncLimiter
from telegram import Update
from telegram.constants import ChatType, MessageEntityType
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.domain.questions.answers import Answer
from bot.domain.questions.statecodec import CodecError, query_from_json, query_to_json
from bot.domain.questions.understand import Query
from bot.telegram.callbacks.answers import MORE_PATTERN, MoreButton
from bot.telegram.context import SitrepContext
from bot.telegram.handlers.common import reply_macro, reply_template
from bot.telegram.keyboards import Labels
from bot.telegram.keyboards.questions import MESSAGES, answer_keyboard

log = logging.getLogger(__name__)

QUESTIONS_PER_MINUTE = 20
MAX_LIMITERS = 10_000  # per-user question limiters kept (least recently used dropped first)
MAX_STORED_ANSWERS = 20  # "More" pages kept per chat; older ones answer "expired"
MORE = "more"  # state keys "more:<token>", one per answer with a next page, for the whole chat
LAST_QUERY = "last_query"  # the chat's last question, for follow-ups ("and Kunduz?")
PAGE_TTL = timedelta(days=1)
LAST_QUERY_TTL = timedelta(days=1)


def limiter_for(limiters: dict[int, AsyncLimiter], user_id: int) -> AsyncLimiter:
    """The user's question limiter, kept in `limiters` least recently used first: limiters that
    drained (as good as new) are dropped from the front, and beyond MAX_LIMITERS the least
    recently used, so the map stays bounded while active users keep their limits."""
    limiter = limiters.pop(user_id, None)
    if limiter is None:
        limiter = AsyncLimiter(QUESTIONS_PER_MINUTE, 60)
    while limiters:
        oldest = next(iter(limiters))
        if len(limiters) < MAX_LIMITERS and not limiters[oldest].has_capacity(QUESTIONS_PER_MINUTE):
            break
        del limiters[oldest]
    limiters[user_id] = limiter
    return limiter


def _limiter(context: SitrepContext, user_id: int) -> AsyncLimiter:
    return limiter_for(context.bot_data.ask_limiters, user_id)


async def _allowed(update: Update, context: SitrepContext) -> bool:
    """At most 20 questions a minute per user; beyond that, a polite wait message."""
    user = update.effective_user
    if user is None:
        return True
    limiter = _limiter(context, user.id)
    if limiter.has_capacity():
        await limiter.acquire()
        return True
    await _reply(update, context, "too_fast", limit=QUESTIONS_PER_MINUTE)
    return False


def _labels(context: SitrepContext) -> Labels:
    return Labels(context.services.renderer, MESSAGES)


async def _reply(update: Update, context: SitrepContext, macro: str, **data: Any) -> None:
    await reply_macro(update, context, MESSAGES, macro, **data)


async def _remember(update: Update, context: SitrepContext, answer: Answer) -> str | None:
    """Store what the "More" button needs (shared by every instance); return its token."""
    chat = update.effective_chat
    if not answer.has_more or chat is None:
        return None
    try:
        query = query_to_json(answer.query)
    except CodecError:
        log.warning("answer query not storable; no More button", exc_info=True)
        return None
    page = {
        "query": query,
        "offset": answer.next_offset,
        "loose": answer.loose,
        "order": answer.order,
        "title": answer.title,
    }
    return await context.services.chat_state.add_token(
        chat.id, None, MORE, page, PAGE_TTL, keep=MAX_STORED_ANSWERS
    )


async def _previous_query(update: Update, context: SitrepContext) -> Query | None:
    """The chat's last question, if it is recent enough to follow up on."""
    chat = update.effective_chat
    if chat is None:
        return None
    stored = await context.services.chat_state.get(chat.id, None, LAST_QUERY)
    if stored is None:
        return None
    return query_from_json(stored.get("query"), context.services.gazetteer)


async def _keep_query(update: Update, context: SitrepContext, query: Query) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    try:
        value = {"query": query_to_json(query)}
    except CodecError:
        log.warning("question not storable for follow-ups", exc_info=True)
        return
    await context.services.chat_state.put(chat.id, None, LAST_QUERY, value, LAST_QUERY_TTL)


async def send_answer(update: Update, context: SitrepContext, answer: Answer) -> None:
    """Render an answer and send it with its buttons."""
    token = await _remember(update, context, answer)
    subscribe = context.bot_data.subscriptions_enabled
    keyboard = answer_keyboard(_labels(context), answer, token, subscribe)
    await reply_template(update, context, "answer.html", a=answer, reply_markup=keyboard)


def _local_now(context: SitrepContext) -> Any:
    return context.services.clock.local_now(context.services.tz)


async def answer_text(update: Update, context: SitrepContext, text: str) -> None:
    """Answer one question (with follow-up memory per chat)."""
    text = text.strip()
    if not text:
        await _reply(update, context, "ask_hint")
        return
    if not await _allowed(update, context):
        return
    previous = await _previous_query(update, context)
    answer = await context.services.answers.ask(text, _local_now(context), previous)
    if context.services.settings.question_log_days > 0:
        # Aggregates for /stats: who asked (for /forget), which places, how many found — never
        # the question text.
        await context.services.question_log.record(
            update.effective_user.id if update.effective_user else None,
            update.effective_chat.id if update.effective_chat else None,
            [p.key for p in answer.places],
            len(answer.events),
        )
    if answer.kind != "unknown_place":
        await _keep_query(update, context, answer.query)
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
        await _reply(update, context, "latest_usage")
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
        await _reply(update, context, "timeline_usage")
        return
    if not await _allowed(update, context):
        return
    answer = await context.services.answers.timeline(place[:200], _local_now(context))
    await send_answer(update, context, answer)


async def search_command(update: Update, context: SitrepContext) -> None:
    """/search WORDS: events whose text has those words."""
    words = " ".join(context.args or []).strip()
    if not words:
        await _reply(update, context, "search_usage")
        return
    if not await _allowed(update, context):
        return
    await send_answer(
        update, context, await context.services.answers.search(words[:500], _local_now(context))
    )


async def more_button(update: Update, context: SitrepContext) -> None:
    """The "More" button: the next page of the same answer; unknown or tampered tokens refused."""
    query = update.callback_query
    chat = update.effective_chat
    assert query is not None
    button = MoreButton.decode(query.data)
    page = None
    if button is not None and chat is not None:
        # Taken, not read: a second press (here or on another instance) finds it gone.
        page = await context.services.chat_state.take(chat.id, None, f"{MORE}:{button.token}")
    previous = query_from_json(page.get("query"), context.services.gazetteer) if page else None
    if page is None or previous is None:
        await query.answer(_labels(context)("list_expired"), show_alert=True)
        return
    await query.answer()
    order: Literal["newest", "oldest"] = "oldest" if page.get("order") == "oldest" else "newest"
    answer = await context.services.answers.answer(
        previous,
        offset=int(page.get("offset") or 0),
        loose=page.get("loose"),
        order=order,
        title=str(page.get("title") or ""),
    )
    await send_answer(update, context, answer)


def handlers() -> list[Any]:
    """Question handlers, in registration order (commands first, free text last)."""
    return [
        CommandHandler("ask", ask_command),
        CommandHandler("latest", latest_command),
        CommandHandler("timeline", timeline_command),
        CommandHandler("search", search_command),
        CallbackQueryHandler(more_button, pattern=MORE_PATTERN),
    ]


def text_handler() -> MessageHandler[SitrepContext, None]:
    """The free-text handler; registered after every command, in a group after open forms."""
    return MessageHandler(filters.TEXT & ~filters.COMMAND & ~filters.UpdateType.EDITED, on_text)
