"""/ingest for admins: paste text, send a .txt file or forward a channel post; review the drafts,
then publish all, discard all, or discard one."""

from __future__ import annotations

import logging
import re
from datetime import date
from html import escape
from typing import Any

from telegram import InlineKeyboardButton as Button
from telegram import InlineKeyboardMarkup, Message, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.domain.events.model import EventStatus, EventView
from bot.domain.ingest.service import IngestError, decode_article
from bot.telegram.context import SitrepContext
from bot.telegram.handlers.common import reply_html, reply_template
from bot.telegram.handlers.forms import finish_form, save_form
from bot.telegram.handlers.guards import admin_only

log = logging.getLogger(__name__)

FORM_KIND = "ingest"
MAX_FILE = 200_000
CALLBACK = re.compile(r"^ing:(pub|del|one):(\d{1,10})(?::(\d{1,10}))?$")
HEADER_LIKE = re.compile(r"^\s*\d{4}-\d{1,2}-\d{1,2}\b")
HEADER = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})(?:\s+(.{1,80}?))?(?:\s+(https?://\S{3,500}))?\s*$")


def _today(context: SitrepContext) -> date:
    return context.services.clock.local_now(context.services.tz).date()


def _parse_header(args: str, context: SitrepContext) -> dict[str, Any] | str:
    """`[YYYY-MM-DD] [OUTLET] [URL]` before the text; an error string when malformed."""
    if not args.strip():
        return {"published": _today(context), "outlet": "", "url": ""}
    m = HEADER.match(args)
    if m is None:
        return "Use: /ingest [YYYY-MM-DD] [OUTLET] [URL], then send the text or a .txt file."
    try:
        published = date.fromisoformat(m.group(1))
    except ValueError:
        return f"{m.group(1)} is not a date."
    if published > _today(context):
        return "The published date is in the future."
    return {"published": published, "outlet": (m.group(2) or "").strip(), "url": m.group(3) or ""}


@admin_only
async def ingest_command(update: Update, context: SitrepContext) -> None:
    """/ingest [DATE] [OUTLET] [URL]: then the article as text, a .txt file or a forward."""
    message = update.effective_message
    assert message is not None
    first_line, _, rest = (message.text or "").partition("\n")
    args = first_line.partition(" ")[2]
    header = _parse_header(args, context)
    if isinstance(header, str):
        if len(args) < 100 and not HEADER_LIKE.match(args) and not rest.strip():
            await reply_html(update, context, header)
            return
        if HEADER_LIKE.match(args):
            await reply_html(update, context, header)
            return
        # No header: the text itself follows the command.
        header = {"published": _today(context), "outlet": "", "url": ""}
        rest = f"{args}\n{rest}"
    if rest.strip():
        await _ingest_text(update, context, rest, header)
        return
    await save_form(
        update, context, FORM_KIND, {**header, "published": header["published"].isoformat()}
    )
    await reply_html(
        update,
        context,
        f"Send the article (published {header['published']:%d %b %Y}): paste the text, send a "
        ".txt file, or forward a channel post. /cancel stops.",
    )


def _form_header(form: dict[str, Any], context: SitrepContext) -> dict[str, Any]:
    """The header stored with the form (today's date, no outlet, when it does not read)."""
    try:
        published = date.fromisoformat(str(form["published"]))
    except (KeyError, ValueError):
        published = _today(context)
    return {
        "published": published,
        "outlet": str(form.get("outlet") or ""),
        "url": str(form.get("url") or ""),
    }


async def article_step(update: Update, context: SitrepContext, form: dict[str, Any]) -> str:
    """The article: text, a forwarded post (its date is the default), or a .txt document."""
    message = update.effective_message
    assert message is not None
    header = _form_header(form, context)
    origin = message.forward_origin
    if origin is not None:
        header["published"] = origin.date.date()
        chat = getattr(origin, "chat", None)
        if chat is not None and not header["outlet"]:
            header["outlet"] = chat.title or chat.username or ""
    try:
        text = await _article_text(message)
    except IngestError as exc:
        await reply_html(
            update, context, f"{escape(str(exc))} Nothing was stored. Send another, or /cancel."
        )
        return f"{FORM_KIND}:article"
    if await finish_form(update, context) is None:
        log.info("/ingest form finished by another update; nothing more to do")
        return f"{FORM_KIND}:article"
    await _ingest_text(update, context, text, header)
    return f"{FORM_KIND}:article"


async def _article_text(message: Message) -> str:
    document = message.document
    if document is None:
        return message.text or message.caption or ""
    name = (document.file_name or "").lower()
    if not name.endswith((".txt", ".text", ".md")) and document.mime_type not in ("text/plain",):
        raise IngestError("Please send a plain-text (.txt) file.")
    if (document.file_size or 0) > MAX_FILE:
        raise IngestError("That file is too large (over 200 KB).")
    file = await document.get_file()
    data = bytes(await file.download_as_bytearray())
    return decode_article(data)


async def _ingest_text(
    update: Update, context: SitrepContext, text: str, header: dict[str, Any]
) -> None:
    user = update.effective_user
    try:
        checked = decode_article(text.encode("utf-8"))
        report = await context.services.ingest.ingest(
            checked,
            published=header["published"],
            outlet=header["outlet"] or "pasted article",
            url=header["url"],
            by=user.id if user else None,
            draft=True,
        )
    except IngestError as exc:
        await reply_html(update, context, f"{escape(str(exc))} Nothing was stored.")
        return
    events = report.previous if report.duplicate else report.events
    drafts = [e for e in events if e.status == EventStatus.DRAFT]
    keyboard = _review_keyboard(report.article_id, drafts) if drafts and report.article_id else None
    await reply_template(
        update,
        context,
        "ingest_review.html",
        outlet=header["outlet"],
        published=f"{header['published']:%d %b %Y}",
        message=report.message,
        events=events,
        drafts=bool(drafts),
        skipped=len(report.skipped),
        reply_markup=keyboard,
    )


def _review_keyboard(article_id: int, drafts: list[EventView]) -> InlineKeyboardMarkup:
    rows = [
        [
            Button(f"✅ Publish all ({len(drafts)})", callback_data=f"ing:pub:{article_id}"),
            Button("🗑 Discard all", callback_data=f"ing:del:{article_id}"),
        ]
    ]
    rows += [
        [
            Button(f"🗑 #{e.id}", callback_data=f"ing:one:{article_id}:{e.id}")
            for e in drafts[i : i + 4]
        ]
        for i in range(0, min(len(drafts), 16), 4)
    ]
    return InlineKeyboardMarkup(rows)


@admin_only
async def review_button(update: Update, context: SitrepContext) -> None:
    """Publish all, discard all, or discard one of an article's drafts."""
    query = update.callback_query
    assert query is not None
    match = CALLBACK.match(query.data or "")
    if match is None:
        await query.answer("That button is not valid.", show_alert=True)
        return
    action, article_id, event_id = match.group(1), int(match.group(2)), match.group(3)
    events = context.services.events
    drafts = [e for e in await events.for_article(article_id) if e.status == EventStatus.DRAFT]
    ids = [e.id for e in drafts]
    user = update.effective_user
    if action == "one":
        if event_id is None or int(event_id) not in ids:
            await query.answer("That draft is gone already.", show_alert=True)
            return
        ids = [int(event_id)]
    if not ids:
        await query.answer("Nothing left to review for this article.", show_alert=True)
        return
    if action == "pub":
        await events.set_status(ids, EventStatus.PUBLISHED, by=user.id if user else None)
        note = f"Published {len(ids)} event{'s' if len(ids) != 1 else ''}."
    else:
        await events.discard_drafts(ids)
        note = f"Discarded {len(ids)} draft{'s' if len(ids) != 1 else ''}."
    await query.answer(note)
    remaining = [e for e in drafts if e.id not in ids]
    markup = _review_keyboard(article_id, remaining) if remaining and action == "one" else None
    await query.edit_message_reply_markup(reply_markup=markup)
    await reply_html(update, context, note)


def handlers() -> list[Any]:
    """The /ingest command and its review buttons (the form's answers: handlers.forms)."""
    return [
        CommandHandler("ingest", ingest_command),
        CallbackQueryHandler(review_button, pattern=r"^ing:"),
    ]
