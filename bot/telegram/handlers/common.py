"""Small helpers shared by handlers: replying with a template or one macro of a template."""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode

from bot.telegram.context import SitrepContext


async def reply_template(
    update: Update,
    context: SitrepContext,
    template: str,
    /,
    *,
    reply_markup: InlineKeyboardMarkup | None = None,
    **data: Any,
) -> Message | None:
    """Render a template from briefings/ and send it as the reply to this update."""
    text = context.services.renderer.render(template, **data)
    return await reply_html(update, context, text, reply_markup=reply_markup)


async def reply_macro(
    update: Update,
    context: SitrepContext,
    file: str,
    macro: str,
    /,
    *,
    reply_markup: InlineKeyboardMarkup | None = None,
    **data: Any,
) -> Message | None:
    """Render one short message (a macro of a briefings/ file) and send it as the reply."""
    text = context.services.renderer.render_macro(file, macro, **data)
    return await reply_html(update, context, text, reply_markup=reply_markup)


async def reply_html(
    update: Update,
    context: SitrepContext,
    text: str,
    *,
    reply_markup: InlineKeyboardMarkup | None = None,
) -> Message | None:
    """Send HTML text to the update's chat (in the same forum topic), without link previews."""
    chat = update.effective_chat
    if chat is None:
        return None
    message = update.effective_message
    in_topic = message is not None and message.is_topic_message
    thread_id = message.message_thread_id if in_topic and message is not None else None
    return await context.bot.send_message(
        chat_id=chat.id,
        text=text,
        parse_mode=ParseMode.HTML,
        reply_markup=reply_markup,
        message_thread_id=thread_id,
        disable_web_page_preview=True,
    )
