"""Access checks for handlers: admin-only commands refuse everyone else with one clear line, and
every admin action that ran is written to the audit log."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from telegram import Update

from bot.domain.people.ports import AuditTrail
from bot.telegram.context import SitrepContext

log = logging.getLogger(__name__)

ACCESS = "access_messages.html"
"""The briefings/ file of the refusal, form and error messages."""

HandlerFn = TypeVar("HandlerFn", bound=Callable[[Update, SitrepContext], Awaitable[object]])


def access_text(context: SitrepContext, macro: str, /, **data: Any) -> str:
    """One message of briefings/access_messages.html (refusal, form and error messages)."""
    return context.services.renderer.render_macro(ACCESS, macro, **data)


def audit_log(context: SitrepContext) -> AuditTrail:
    """The audit log."""
    return context.services.audit


def _what(update: Update) -> str:
    """The command text or the button data the admin sent."""
    if update.callback_query is not None:
        return f"button {update.callback_query.data or ''}"
    message = update.effective_message
    if message is None:
        return ""
    return message.text or message.caption or ""


async def audit_update(
    update: Update, context: SitrepContext, action: str, *, failed: bool = False
) -> None:
    """Record an admin action taken through this update (never lets a logging error through)."""
    user = update.effective_user
    chat = update.effective_chat
    detail = _what(update)
    if failed:
        detail = f"(failed) {detail}"
    try:
        await audit_log(context).record(
            user.id if user else None, action, str(chat.id) if chat else "", detail
        )
    except Exception:
        log.exception("could not write the audit entry for %s", action)


def admin_only(fn: HandlerFn) -> HandlerFn:
    """Run the handler only for admins (then audit it); everyone else gets one refusal."""

    @functools.wraps(fn)
    async def wrapper(update: Update, context: SitrepContext) -> object:
        user = update.effective_user
        if await context.services.people.is_admin(user.id if user else None):
            try:
                result = await fn(update, context)
            except Exception:
                await audit_update(update, context, fn.__name__, failed=True)
                raise
            await audit_update(update, context, fn.__name__)
            return result
        log.info("refused %s to non-admin %s", fn.__name__, user.id if user else None)
        refusal = access_text(context, "refusal")
        if update.callback_query is not None:
            await update.callback_query.answer(refusal, show_alert=True)
        elif update.effective_message is not None:
            await update.effective_message.reply_text(refusal)
        return None

    return wrapper  # type: ignore[return-value]
