"""/push, /audience, /flash, /cancelpush and their buttons; live progress in the admin's chat."""

from __future__ import annotations

import functools
import logging
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.domain.delivery_states import PushStatus
from bot.domain.editions.audience import UnknownPlace, choose_audience, label_of
from bot.domain.editions.model import Progress, PushView
from bot.domain.editions.push_request import PushUsage, parse_push
from bot.domain.editions.pushes import PushError
from bot.telegram.callbacks.admin import PUSH_PATTERN, PushPress
from bot.telegram.context import SitrepContext
from bot.telegram.handlers.admin_replies import plain, trusted
from bot.telegram.handlers.common import reply_html, reply_macro, reply_template
from bot.telegram.handlers.guards import admin_only
from bot.telegram.keyboards.admin import push_controls

log = logging.getLogger(__name__)

MESSAGES = "push_messages.html"
PROGRESS_EVERY = 2.0


def _admin(update: Update) -> int:
    assert update.effective_user is not None
    return update.effective_user.id


def _controls(context: SitrepContext, push: PushView) -> InlineKeyboardMarkup:
    return push_controls(functools.partial(plain, context, MESSAGES), push)


async def _show_control(update: Update, context: SitrepContext, push: PushView) -> None:
    """Who the preview goes to, how to change it, and Confirm/Cancel."""
    label = label_of(push.audience, context.services.gazetteer)
    audience = trusted(context, MESSAGES, "audience_label", kind=label.kind, name=label.name)
    await reply_template(
        update,
        context,
        "push_control.html",
        p=push,
        audience_label=audience,
        reply_markup=_controls(context, push),
    )


async def _show_preview(update: Update, context: SitrepContext, push: PushView) -> None:
    """The parts exactly as subscribers get them, then the control message."""
    for part in push.parts:
        await reply_html(update, context, part)
    await _show_control(update, context, push)


def _chat_id(update: Update) -> int | None:
    return update.effective_chat.id if update.effective_chat else None


@admin_only
async def push_command(update: Update, context: SitrepContext) -> None:
    """/push today | since DATE | events IDS | text TEXT → a preview with Confirm/Cancel."""
    message = update.effective_message
    assert message is not None
    request = parse_push(message.text or "")
    if isinstance(request, PushUsage):
        await reply_macro(update, context, MESSAGES, "push_usage", usage=request.value)
        return
    services = context.services
    try:
        push = await services.pushes.compose(
            request.source,  # type: ignore[arg-type]
            by=_admin(update),
            admin_chat_id=_chat_id(update),
            tz=services.tz,
            **request.arguments(),
        )
    except PushError as exc:
        await reply_macro(update, context, MESSAGES, "not_sent", error=str(exc))
        return
    await _show_preview(update, context, push)


@admin_only
async def audience_command(update: Update, context: SitrepContext) -> None:
    """/audience all | PLACE | chat ID — for the admin's latest preview."""
    services = context.services
    push = await services.pushes.latest_of(_admin(update), [PushStatus.PREVIEW])
    if push is None or push.kind != "push":
        await reply_macro(update, context, MESSAGES, "no_preview")
        return
    words = " ".join(context.args or []).strip()
    if not words:
        await reply_macro(update, context, MESSAGES, "audience_usage")
        return
    audience = choose_audience(words, services.gazetteer)
    if isinstance(audience, UnknownPlace):
        await reply_macro(
            update,
            context,
            MESSAGES,
            "unknown_place",
            query=audience.query[:60],
            hints=audience.hints,
        )
        return
    try:
        push = await services.pushes.set_audience(push.id, audience.encode(), by=_admin(update))
    except PushError as exc:
        await reply_macro(update, context, MESSAGES, "push_error", error=str(exc))
        return
    await _show_control(update, context, push)


@admin_only
async def flash_command(update: Update, context: SitrepContext) -> None:
    """/flash N — preview a flash alert for a published event; only Confirm sends it."""
    args = context.args or []
    if len(args) != 1 or not args[0].lstrip("#").isdigit():
        await reply_macro(update, context, MESSAGES, "flash_usage")
        return
    try:
        push = await context.services.pushes.compose_flash(
            int(args[0].lstrip("#")), by=_admin(update), admin_chat_id=_chat_id(update)
        )
    except PushError as exc:
        await reply_macro(update, context, MESSAGES, "not_sent", error=str(exc))
        return
    await _show_preview(update, context, push)


@admin_only
async def cancelpush_command(update: Update, context: SitrepContext) -> None:
    """/cancelpush [N] — stop a running push: queued messages cancelled, sent ones kept."""
    services = context.services
    args = context.args or []
    if args and args[0].isdigit():
        push = await services.pushes.get(int(args[0]))
    else:
        push = await services.pushes.latest_of(
            _admin(update), [PushStatus.SENDING, PushStatus.PREVIEW]
        )
    if push is None:
        await reply_macro(update, context, MESSAGES, "nothing_to_cancel")
        return
    try:
        progress = await services.pushes.cancel(push.id, by=_admin(update))
    except PushError as exc:
        await reply_macro(update, context, MESSAGES, "push_error", error=str(exc))
        return
    await reply_macro(
        update, context, MESSAGES, "push_cancelled", push_id=push.id, progress=progress
    )


@admin_only
async def push_button(update: Update, context: SitrepContext) -> None:
    """Confirm or Cancel. Only the push's author; a second Confirm changes nothing."""
    query = update.callback_query
    assert query is not None
    press = PushPress.decode(query.data)
    if press is None:
        await query.answer(plain(context, MESSAGES, "invalid_button"), show_alert=True)
        return
    pushes = context.services.pushes
    try:
        if press.confirm:
            progress = await pushes.confirm(press.push_id, by=_admin(update))
        else:
            progress = await pushes.cancel(press.push_id, by=_admin(update))
    except PushError as exc:
        await query.answer(str(exc), show_alert=True)
        return
    await query.answer(plain(context, MESSAGES, "pressed", confirmed=press.confirm))
    await query.edit_message_reply_markup(reply_markup=None)
    if not press.confirm:
        await reply_macro(update, context, MESSAGES, "cancelled")
        return
    await _follow(update, context, press.push_id, progress)


async def _follow(update: Update, context: SitrepContext, push_id: int, pr: Progress) -> None:
    """Post the progress message and keep it current while the push goes out."""
    sent = await reply_html(update, context, _progress_text(context, push_id, "push", pr))
    if sent is None:
        return
    await context.services.pushes.set_progress_message(push_id, sent.message_id)
    if context.job_queue is not None and context.job_queue.scheduler.running:
        context.job_queue.run_repeating(
            progress_job,  # type: ignore[arg-type]
            interval=PROGRESS_EVERY,
            first=PROGRESS_EVERY,
            data={"push_id": push_id, "chat_id": sent.chat_id, "message_id": sent.message_id},
            name=f"push-progress-{push_id}",
        )


def _progress_text(context: SitrepContext, push_id: int, kind: str, pr: Progress) -> str:
    rate = max(1.0, context.services.settings.send_rate)
    eta_seconds = int(pr.remaining / rate) + 1 if pr.remaining else 0
    status = PushStatus.DONE.value if pr.done and pr.status != PushStatus.CANCELLED else pr.status
    return context.services.renderer.render(
        "push_progress.html",
        push_id=push_id,
        kind=kind,
        status=status,
        pr=pr,
        eta_seconds=eta_seconds,
    )


async def update_progress(
    context: SitrepContext, push_id: int, chat_id: int, message_id: int
) -> bool:
    """Edit the progress message once; True when the push has finished."""
    pushes = context.services.pushes
    push = await pushes.get(push_id)
    progress = await pushes.progress(push_id)
    kind = push.kind if push else "push"
    try:
        await context.bot.edit_message_text(
            _progress_text(context, push_id, kind, progress),
            chat_id=chat_id,
            message_id=message_id,
            parse_mode="HTML",
        )
    except TelegramError as exc:
        if "not modified" not in str(exc).lower():
            log.info("progress message not updated: %s", exc)
    return progress.done


async def progress_job(context: SitrepContext) -> None:
    """JobQueue: keep the admin's progress message current; stop when the push is done."""
    job = context.job
    assert job is not None
    data: dict[str, int] = job.data  # type: ignore[assignment]
    if await update_progress(context, data["push_id"], data["chat_id"], data["message_id"]):
        job.schedule_removal()


def handlers() -> list[Any]:
    """Push and alert handlers."""
    return [
        CommandHandler("push", push_command),
        CommandHandler("audience", audience_command),
        CommandHandler("flash", flash_command),
        CommandHandler("cancelpush", cancelpush_command),
        CallbackQueryHandler(push_button, pattern=PUSH_PATTERN),
    ]
