"""/review for admins: the newest draft with Publish / Edit / Discard / Merge buttons, then the
next one. Every press is audited (admin_only); a press on a draft that is gone changes nothing."""

from __future__ import annotations

import functools
from typing import Any

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.telegram.callbacks.sources import QUEUE_PATTERN, QueueAction, QueuePress
from bot.telegram.context import SitrepContext
from bot.telegram.handlers.admin_replies import plain
from bot.telegram.handlers.common import reply_macro
from bot.telegram.handlers.guards import admin_only
from bot.telegram.handlers.verbs import sender_id
from bot.telegram.keyboards.admin import LabelFn
from bot.telegram.keyboards.sources import merge_keyboard, queue_keyboard

MESSAGES = "sources_messages.html"


def _labels(context: SitrepContext) -> LabelFn:
    return functools.partial(plain, context, MESSAGES)


async def _show_top(update: Update, context: SitrepContext) -> None:
    queue = await context.services.review.top()
    if queue.draft is None:
        await reply_macro(update, context, MESSAGES, "review_empty")
        return
    await reply_macro(
        update,
        context,
        MESSAGES,
        "review_card",
        event=queue.draft,
        left=queue.waiting,
        reply_markup=queue_keyboard(_labels(context), queue.draft.id),
    )


@admin_only
async def review_command(update: Update, context: SitrepContext) -> None:
    """/review: the newest draft waiting, with its buttons."""
    await _show_top(update, context)


@admin_only
async def queue_button(update: Update, context: SitrepContext) -> None:
    """Publish, Edit, Discard, Merge (then Into #N) under a draft shown by /review."""
    query = update.callback_query
    assert query is not None
    press = QueuePress.decode(query.data)
    if press is None:
        await query.answer(plain(context, MESSAGES, "toast_invalid"), show_alert=True)
        return
    review = context.services.review
    by = sender_id(update)
    if press.action is QueueAction.EDIT:
        await query.answer()
        await reply_macro(update, context, MESSAGES, "edit_hint", id=press.event_id)
        return
    if press.action is QueueAction.MERGE:
        targets = await review.merge_targets(press.event_id)
        if targets is None:
            await query.answer(plain(context, MESSAGES, "toast_gone"), show_alert=True)
            return
        await query.answer()
        if not targets:
            await reply_macro(update, context, MESSAGES, "no_merge_target")
            return
        await query.edit_message_reply_markup(
            reply_markup=merge_keyboard(_labels(context), press.event_id, targets)
        )
        return
    if press.action is QueueAction.PUBLISH:
        done = await review.publish(press.event_id, by=by)
    elif press.action is QueueAction.DISCARD:
        done = await review.discard(press.event_id)
    else:
        assert press.target is not None
        done = await review.merge(press.event_id, press.target, by=by)
    if not done:
        await query.answer(plain(context, MESSAGES, "toast_gone"), show_alert=True)
        return
    code = "mrg" if press.action is QueueAction.INTO else press.action.value
    await query.answer(plain(context, MESSAGES, "toast_done", action=code, id=press.event_id))
    await query.edit_message_reply_markup(reply_markup=None)
    await _show_top(update, context)


def handlers() -> list[Any]:
    """The /review command and its buttons."""
    return [
        CommandHandler("review", review_command),
        CallbackQueryHandler(queue_button, pattern=QUEUE_PATTERN),
    ]
