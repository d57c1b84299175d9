"""/ingest for admins: paste text, send a .txt file or forward a channel post; review the drafts,
then publish all, discard all, or discard one."""

from __future__ import annotations

import dataclasses
import functools
import logging
from datetime import date
from typing import Any

from telegram import Message, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.domain.events.model import EventStatus
from bot.domain.ingest.header import HeaderProblem, IngestHeader, read_command
from bot.domain.ingest.review import ReviewRefusal, drafts_of, plan_review
from bot.telegram.callbacks.admin import REVIEW_PATTERN, ReviewPress
from bot.telegram.context import SitrepContext
from bot.telegram.handlers.admin_replies import plain
from bot.telegram.handlers.common import reply_macro, reply_template
from bot.telegram.handlers.forms import finish_form, save_form
from bot.telegram.handlers.guards import admin_only
from bot.telegram.keyboards.admin import LabelFn, review_keyboard

log = logging.getLogger(__name__)

MESSAGES = "ingest_messages.html"
FORM_KIND = "ingest"
MAX_FILE = 200_000
TEXT_FILES = (".txt", ".text", ".md")


class _FileRefused(Exception):
    """A document that is not an article: "type" (not plain text) or "size" (too large)."""

    def __init__(self, fault: str) -> None:
        super().__init__(fault)
        self.fault = fault


def _today(context: SitrepContext) -> date:
    return context.services.clock.local_now(context.services.tz).date()


def _labels(context: SitrepContext) -> LabelFn:
    return functools.partial(plain, context, MESSAGES)


@admin_only
async def ingest_command(update: Update, context: SitrepContext) -> None:
    """/ingest [DATE] [OUTLET] [URL]: then the article as text, a .txt file or a forward."""
    message = update.effective_message
    assert message is not None
    read = read_command(message.text or "", _today(context))
    if isinstance(read, HeaderProblem):
        await reply_macro(
            update, context, MESSAGES, "header_problem", fault=read.fault, value=read.value
        )
        return
    header, text = read
    if text.strip():
        await _ingest_text(update, context, text, header)
        return
    await save_form(update, context, FORM_KIND, header.to_form())
    await reply_macro(update, context, MESSAGES, "send_article", published=header.published)


def _forwarded_header(message: Message, header: IngestHeader) -> IngestHeader:
    """A forwarded post's date is the default; its channel is the outlet when none was given."""
    origin = message.forward_origin
    if origin is None:
        return header
    header = dataclasses.replace(header, published=origin.date.date())
    chat = getattr(origin, "chat", None)
    if chat is not None and not header.outlet:
        header = dataclasses.replace(header, outlet=chat.title or chat.username or "")
    return header


async def article_step(update: Update, context: SitrepContext, form: dict[str, Any]) -> str:
    """The article: text, a forwarded post (its date is the default), or a .txt document."""
    from bot.domain.ingest.service import IngestError  # extraction: imported by admins' use

    message = update.effective_message
    assert message is not None
    header = _forwarded_header(message, IngestHeader.from_form(form, _today(context)))
    try:
        text = await _article_text(message)
    except (IngestError, _FileRefused) as exc:
        fault = exc.fault if isinstance(exc, _FileRefused) else ""
        await reply_macro(update, context, MESSAGES, "article_refused", fault=fault, error=str(exc))
        return f"{FORM_KIND}:article"
    if await finish_form(update, context) is None:
        log.info("/ingest form finished by another update; nothing more to do")
        return f"{FORM_KIND}:article"
    await _ingest_text(update, context, text, header)
    return f"{FORM_KIND}:article"


async def _article_text(message: Message) -> str:
    from bot.domain.ingest.service import decode_article

    document = message.document
    if document is None:
        return message.text or message.caption or ""
    name = (document.file_name or "").lower()
    if not name.endswith(TEXT_FILES) and document.mime_type not in ("text/plain",):
        raise _FileRefused("type")
    if (document.file_size or 0) > MAX_FILE:
        raise _FileRefused("size")
    file = await document.get_file()
    data = bytes(await file.download_as_bytearray())
    return decode_article(data)


async def _ingest_text(
    update: Update, context: SitrepContext, text: str, header: IngestHeader
) -> None:
    from bot.domain.ingest.service import IngestError, decode_article

    user = update.effective_user
    try:
        checked = decode_article(text.encode("utf-8"))
        report = await context.services.ingest.ingest(
            checked,
            published=header.published,
            outlet=header.source_outlet,
            url=header.url,
            by=user.id if user else None,
            draft=True,
        )
    except IngestError as exc:
        await reply_macro(update, context, MESSAGES, "not_stored", error=str(exc))
        return
    events = report.previous if report.duplicate else report.events
    drafts = drafts_of(events)
    keyboard = None
    if drafts and report.article_id:
        keyboard = review_keyboard(_labels(context), report.article_id, [e.id for e in drafts])
    await reply_template(
        update,
        context,
        "ingest_review.html",
        outlet=header.outlet,
        published=header.published.strftime("%d %b %Y"),
        message=report.message,
        events=events,
        drafts=bool(drafts),
        skipped=len(report.skipped),
        reply_markup=keyboard,
    )


@admin_only
async def review_button(update: Update, context: SitrepContext) -> None:
    """Publish all, discard all, or discard one of an article's drafts."""
    query = update.callback_query
    assert query is not None
    press = ReviewPress.decode(query.data)
    if press is None:
        await query.answer(plain(context, MESSAGES, "invalid_button"), show_alert=True)
        return
    events = context.services.events
    drafts = [e.id for e in drafts_of(await events.for_article(press.article_id))]
    plan = plan_review(press.action, drafts, press.event_id)
    if isinstance(plan, ReviewRefusal):
        text = plain(context, MESSAGES, "review_refused", refusal=plan.value)
        await query.answer(text, show_alert=True)
        return
    user = update.effective_user
    if plan.publishes:
        await events.set_status(list(plan.ids), EventStatus.PUBLISHED, by=user.id if user else None)
    else:
        await events.discard_drafts(list(plan.ids))
    await query.answer(
        plain(context, MESSAGES, "reviewed", published=plan.publishes, count=len(plan.ids))
    )
    markup = None
    if plan.keeps_buttons:
        markup = review_keyboard(_labels(context), press.article_id, plan.remaining)
    await query.edit_message_reply_markup(reply_markup=markup)
    await reply_macro(
        update, context, MESSAGES, "reviewed", published=plan.publishes, count=len(plan.ids)
    )


def handlers() -> list[Any]:
    """The /ingest command and its review buttons (the form's answers: handlers.forms)."""
    return [
        CommandHandler("ingest", ingest_command),
        CallbackQueryHandler(review_button, pattern=REVIEW_PATTERN),
    ]
