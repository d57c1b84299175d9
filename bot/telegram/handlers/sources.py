"""/sources for admins (list with health, add, remove, pause, resume), channel posts from a chat
that is a source, and the scheduler's source and review-digest ticks."""

from __future__ import annotations

import logging
from typing import Any

from telegram import Message, Update
from telegram.ext import CommandHandler, MessageHandler, filters

from bot.domain.sources.commands import SourceInputError, read_add_words
from bot.domain.sources.ports import DuplicateSource
from bot.telegram.context import SitrepApp, SitrepContext
from bot.telegram.handlers.common import reply_macro
from bot.telegram.handlers.guards import admin_only
from bot.telegram.handlers.verbs import Verb, sender_id, verb_and_rest

log = logging.getLogger(__name__)

MESSAGES = "sources_messages.html"
SOURCES_TICK_SECONDS = 30
DIGEST_TICK_SECONDS = 300


async def _reply(update: Update, context: SitrepContext, macro: str, **data: Any) -> None:
    await reply_macro(update, context, MESSAGES, macro, **data)


async def _list(update: Update, context: SitrepContext, rest: str) -> None:
    sources = await context.services.sources.repo.all()
    await _reply(update, context, "sources_list", sources=sources)


async def _add(update: Update, context: SitrepContext, rest: str) -> None:
    try:
        new = read_add_words(rest.split())
    except SourceInputError as exc:
        await _reply(update, context, "source_error", message=str(exc))
        return
    try:
        source = await context.services.sources.add(new, by=sender_id(update))
    except DuplicateSource:
        await _reply(update, context, "source_exists", url=new.url)
        return
    await _reply(update, context, "source_added", source=source)


def _number(rest: str) -> int:
    return int(rest.strip().lstrip("#"))


def _is_number(rest: str) -> bool:
    digits = rest.strip().lstrip("#")
    return digits.isdigit() and len(digits) < 10


async def _remove(update: Update, context: SitrepContext, rest: str) -> None:
    done = await context.services.sources.repo.remove(_number(rest))
    await _reply(update, context, "source_removed", id=_number(rest), done=done)


async def _pause(update: Update, context: SitrepContext, rest: str) -> None:
    done = await context.services.sources.repo.set_paused(_number(rest), True)
    await _reply(update, context, "source_paused", id=_number(rest), paused=True, done=done)


async def _resume(update: Update, context: SitrepContext, rest: str) -> None:
    done = await context.services.sources.repo.set_paused(_number(rest), False)
    await _reply(update, context, "source_paused", id=_number(rest), paused=False, done=done)


SOURCE_VERBS: dict[str, Verb] = {
    "": Verb(_list, lambda rest: not rest),
    "list": Verb(_list, lambda rest: not rest),
    "add": Verb(_add),
    "remove": Verb(_remove, _is_number),
    "pause": Verb(_pause, _is_number),
    "resume": Verb(_resume, _is_number),
}


@admin_only
async def sources_command(update: Update, context: SitrepContext) -> None:
    """/sources, /sources add URL …, /sources remove|pause|resume N."""
    verb, rest = verb_and_rest(update)
    handler = SOURCE_VERBS.get(verb)
    if handler is None or not handler.accepts(rest):
        await _reply(update, context, "sources_usage")
        return
    await handler.run(update, context, rest)


def post_link(message: Message) -> str:
    """The t.me link of a post (public: by username; private channels and supergroups: by the
    chat's id; a basic group's messages have no link)."""
    chat = message.chat
    if chat.username:
        return f"https://t.me/{chat.username}/{message.message_id}"
    if not str(chat.id).startswith("-100"):
        return ""
    internal = str(chat.id).removeprefix("-100")
    return f"https://t.me/c/{internal}/{message.message_id}"


async def channel_post(update: Update, context: SitrepContext) -> None:
    """A post in a channel (or a message in a group) that is a source becomes a pending item,
    extracted soon after; chats that are not sources are left alone."""
    message = update.channel_post or update.message
    if message is None:
        return
    text = message.text or message.caption or ""
    sources = context.services.sources
    stored = await sources.take_post(
        message.chat.id, message.message_id, text, message.date, post_link(message)
    )
    if stored:
        await sources.extract_pending(limit=5)


async def sources_tick(context: SitrepContext) -> None:
    """Scheduler job: poll the due sources (leased: one instance each), extract new items."""
    sources = context.services.sources
    reports = await sources.poll_due()
    extracted = await sources.extract_pending(limit=200)
    if reports or extracted.items:
        log.info(
            "sources: %d polled (%d failed), %d new items, %d extracted",
            len(reports),
            sum(not r.ok for r in reports),
            sum(r.new_items for r in reports),
            extracted.items,
        )


async def review_digest_tick(context: SitrepContext) -> None:
    """Scheduler job: the review digest of the last interval to every admin (once each)."""
    queued = await context.services.review.digest_tick()
    if queued:
        log.info("review digest queued for %d admins", queued)


def handlers() -> list[Any]:
    """The /sources command and channel posts."""
    return [
        CommandHandler("sources", sources_command),
        MessageHandler(filters.UpdateType.CHANNEL_POST, channel_post),
    ]


def group_handler() -> MessageHandler[SitrepContext, None]:
    """Messages in groups, for groups that are sources (registered in a group of its own, after
    the questions: a group message is first whatever it was before)."""
    group_text = filters.ChatType.GROUPS & (filters.TEXT | filters.CAPTION) & ~filters.COMMAND
    return MessageHandler(filters.UpdateType.MESSAGE & group_text, channel_post)


def start_jobs(app: SitrepApp) -> None:
    """Register the source and digest ticks on the application's job queue (sitrep run)."""
    if app.job_queue is None:
        return
    app.job_queue.run_repeating(
        sources_tick,
        interval=SOURCES_TICK_SECONDS,
        first=5,
        name="sources",
        job_kwargs={"max_instances": 1, "coalesce": True},
    )
    app.job_queue.run_repeating(
        review_digest_tick, interval=DIGEST_TICK_SECONDS, first=60, name="review-digest"
    )
