"""/push, /audience, /flash, /cancelpush and their buttons; live progress in the admin's chat."""

from __future__ import annotations

import logging
import re
from datetime import date
from html import escape
from typing import Any

from telegram import InlineKeyboardButton as Button
from telegram import InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.domain.editions.pushes import Progress, PushError, PushView
from bot.telegram.context import SitrepContext
from bot.telegram.handlers.common import reply_html
from bot.telegram.handlers.guards import admin_only

log = logging.getLogger(__name__)

CALLBACK = re.compile(r"^p([cx]):(\d{1,10})$")
PUSH_USAGE = (
    "Use:\n/push today — today's events\n/push since YYYY-MM-DD\n/push events 3,5,8\n"
    "/push text YOUR MESSAGE\nYou get a preview first; nothing is sent before you confirm."
)
PROGRESS_EVERY = 2.0


def _admin(update: Update) -> int:
    assert update.effective_user is not None
    return update.effective_user.id


def _audience_label(context: SitrepContext, push: PushView) -> str:
    kind, _, arg = push.audience.partition(":")
    if kind == "place":
        place = context.services.gazetteer.get(arg)
        return f"subscribers of {place.name if place else arg}"
    if kind == "chat":
        return f"chat {arg}"
    if kind == "event":
        return "subscribers of the event's place"
    return "all subscribers"


def _controls(push: PushView) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                Button(f"✅ Confirm — send to {push.recipients}", callback_data=f"pc:{push.id}"),
                Button("✖ Cancel", callback_data=f"px:{push.id}"),
            ]
        ]
    )


async def _show_preview(update: Update, context: SitrepContext, push: PushView) -> None:
    """The parts exactly as subscribers get them, then the control message."""
    for part in push.parts:
        await reply_html(update, context, part)
    text = context.services.renderer.render(
        "push_control.html", p=push, audience_label=_audience_label(context, push)
    )
    await reply_html(update, context, text, reply_markup=_controls(push))


@admin_only
async def push_command(update: Update, context: SitrepContext) -> None:
    """/push today | since DATE | events IDS | text TEXT → a preview with Confirm/Cancel."""
    message = update.effective_message
    assert message is not None
    raw = (message.text or "").partition(" ")[2].strip()
    source, _, rest = raw.partition(" ")
    source = source.lower()
    services = context.services
    kwargs: dict[str, Any] = {}
    if source == "since":
        try:
            kwargs["since"] = date.fromisoformat(rest.strip())
        except ValueError:
            await reply_html(update, context, "Use: /push since YYYY-MM-DD")
            return
    elif source == "events":
        ids = [p for p in re.split(r"[,\s]+", rest.strip().replace("#", "")) if p]
        if not ids or not all(i.isdigit() and len(i) < 10 for i in ids):
            await reply_html(update, context, "Use: /push events 3,5,8")
            return
        kwargs["event_ids"] = [int(i) for i in ids][:30]
    elif source == "text":
        kwargs["text"] = (message.text or "").split(None, 2)[2] if len(raw.split()) > 1 else ""
    elif source != "today":
        await reply_html(update, context, PUSH_USAGE)
        return
    try:
        push = await services.pushes.compose(
            source,  # type: ignore[arg-type]
            by=_admin(update),
            admin_chat_id=update.effective_chat.id if update.effective_chat else None,
            tz=services.tz,
            **kwargs,
        )
    except PushError as exc:
        await reply_html(update, context, f"{escape(str(exc))} Nothing was sent.")
        return
    await _show_preview(update, context, push)


@admin_only
async def audience_command(update: Update, context: SitrepContext) -> None:
    """/audience all | PLACE | chat ID — for the admin's latest preview."""
    services = context.services
    push = await services.pushes.latest_of(_admin(update), ["preview"])
    if push is None or push.kind != "push":
        await reply_html(update, context, "You have no push preview. Start one with /push.")
        return
    arg = " ".join(context.args or []).strip()
    if not arg:
        await reply_html(update, context, "Use: /audience all | PLACE | chat CHAT_ID")
        return
    if arg.lower() == "all":
        audience = "all"
    elif arg.lower().startswith("chat "):
        audience = "chat:" + arg[5:].strip()
    else:
        place = services.gazetteer.resolve(arg)
        if place is None:
            hints = ", ".join(p.name for p in services.gazetteer.suggest(arg))
            await reply_html(
                update,
                context,
                f"I don't know “{escape(arg[:60])}”."
                + (f" Did you mean {escape(hints)}?" if hints else ""),
            )
            return
        audience = f"place:{place.key}"
    try:
        push = await services.pushes.set_audience(push.id, audience, by=_admin(update))
    except PushError as exc:
        await reply_html(update, context, str(exc))
        return
    text = services.renderer.render(
        "push_control.html", p=push, audience_label=_audience_label(context, push)
    )
    await reply_html(update, context, text, reply_markup=_controls(push))


@admin_only
async def flash_command(update: Update, context: SitrepContext) -> None:
    """/flash N — preview a flash alert for a published event; only Confirm sends it."""
    args = context.args or []
    if len(args) != 1 or not args[0].lstrip("#").isdigit():
        await reply_html(update, context, "Use: /flash N (a published event's number)")
        return
    try:
        push = await context.services.pushes.compose_flash(
            int(args[0].lstrip("#")),
            by=_admin(update),
            admin_chat_id=update.effective_chat.id if update.effective_chat else None,
        )
    except PushError as exc:
        await reply_html(update, context, f"{escape(str(exc))} Nothing was sent.")
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
        push = await services.pushes.latest_of(_admin(update), ["sending", "preview"])
    if push is None:
        await reply_html(update, context, "No running push to cancel.")
        return
    try:
        progress = await services.pushes.cancel(push.id, by=_admin(update))
    except PushError as exc:
        await reply_html(update, context, escape(str(exc)))
        return
    await reply_html(
        update,
        context,
        f"Push #{push.id} cancelled: {progress.sent} sent, {progress.cancelled} not sent.",
    )


@admin_only
async def push_button(update: Update, context: SitrepContext) -> None:
    """Confirm or Cancel. Only the push's author; a second Confirm changes nothing."""
    query = update.callback_query
    assert query is not None
    match = CALLBACK.match(query.data or "")
    if match is None:
        await query.answer("That button is not valid.", show_alert=True)
        return
    action, push_id = match.group(1), int(match.group(2))
    pushes = context.services.pushes
    try:
        if action == "c":
            progress = await pushes.confirm(push_id, by=_admin(update))
        else:
            progress = await pushes.cancel(push_id, by=_admin(update))
    except PushError as exc:
        await query.answer(str(exc), show_alert=True)
        return
    await query.answer("Sending…" if action == "c" else "Cancelled")
    await query.edit_message_reply_markup(reply_markup=None)
    if action == "x":
        await reply_html(update, context, "Cancelled; nothing more will be sent.")
        return
    sent = await reply_html(update, context, _progress_text(context, push_id, "push", progress))
    if sent is not None:
        await pushes.set_progress_message(push_id, sent.message_id)
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
    eta = f"{int(pr.remaining / rate) + 1} s" if pr.remaining else ""
    status = "done" if pr.done and pr.status != "cancelled" else pr.status
    return context.services.renderer.render(
        "push_progress.html", push_id=push_id, kind=kind, status=status, pr=pr, eta=eta
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
        CallbackQueryHandler(push_button, pattern=r"^p[cx]:"),
    ]
