"""A "Download as PDF" button under an edition (its first text part, daily or weekly), added by
the transport when the sender sends that part, and its press: answered with the edition and its
pictures as a PDF (sendDocument, a direct reply to the press), only to a chat that was sent it."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.ext import CallbackQueryHandler

from bot.delivery.outbox import Outgoing
from bot.domain.delivery_states import OutboxKind
from bot.render.environment import Renderer
from bot.telegram.context import SitrepContext
from bot.telegram.keyboards import Labels

MESSAGES = "chart_messages.html"
PDF_PATTERN = r"^pdf:\d{1,12}$"


def pdf_markup(renderer: Renderer) -> Callable[[Outgoing], InlineKeyboardMarkup | None]:
    """The button the transport puts under an edition's first text part."""
    labels = Labels(renderer, MESSAGES)

    def markup(message: Outgoing) -> InlineKeyboardMarkup | None:
        if message.kind != OutboxKind.EDITION or message.part_no != 0 or not message.edition_id:
            return None
        data = f"pdf:{message.edition_id}"
        return InlineKeyboardMarkup(
            [[InlineKeyboardButton(labels("pdf_button"), callback_data=data)]]
        )

    return markup


async def pdf_button(update: Update, context: SitrepContext) -> None:
    """Send the edition behind the button as a PDF, if this chat was sent it."""
    query, chat = update.callback_query, update.effective_chat
    if query is None or chat is None or not re.match(PDF_PATTERN, query.data or ""):
        return
    labels = Labels(context.services.renderer, MESSAGES)
    edition_id = int((query.data or "").split(":")[1])
    found = await context.services.briefings.export(edition_id, chat.id)
    if found is None:
        await query.answer(labels("pdf_gone"), show_alert=True)
        return
    await query.answer(labels("pdf_toast"))
    from bot.render.exports import pdf_document

    title = labels("pdf_caption", kind=found.kind, day=found.local_date)
    pdf = await asyncio.to_thread(pdf_document, found.parts, title, found.pictures)
    message = update.effective_message
    thread = message.message_thread_id if message is not None and message.is_topic_message else None
    await context.bot.send_document(
        chat.id,
        InputFile(pdf, filename=f"sitrep-{found.kind}-{found.local_date.isoformat()}.pdf"),
        caption=context.services.renderer.render_macro(
            MESSAGES, "pdf_caption", kind=found.kind, day=found.local_date
        ),
        parse_mode="HTML",
        message_thread_id=thread,
    )


def handlers() -> list[CallbackQueryHandler[SitrepContext, None]]:
    """The "Download as PDF" button."""
    return [CallbackQueryHandler(pdf_button, pattern=PDF_PATTERN)]
