"""Multi-step admin forms (the guided /addevent, /ingest waiting for an article).

A form's state is one `chat_state` row per chat and user (key "form"), so the next answer may reach
any instance, even one started after the form was. Starting a form replaces any other open form of
that user in that chat; /cancel ends it; a form expires an hour after its last answer.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import timedelta
from typing import Any

from telegram import Update
from telegram.ext import ApplicationHandlerStop, MessageHandler, filters

from bot.telegram.context import SitrepContext
from bot.telegram.handlers.common import reply_macro
from bot.telegram.handlers.guards import ACCESS, audit_update

log = logging.getLogger(__name__)

FORM_KEY = "form"
FORM_TTL = timedelta(hours=1)
# What a form may be waiting for: text, a .txt file or a forwarded post (never edits or commands).
FORM_MESSAGES = filters.UpdateType.MESSAGE & (
    (filters.TEXT & ~filters.COMMAND) | filters.Document.ALL | filters.FORWARDED
)

FormStep = Callable[[Update, SitrepContext, dict[str, Any]], Awaitable[str | None]]
"""Handles one answer to a form; returns the audit action, or None if the message is not for it."""


def _ids(update: Update) -> tuple[int, int] | None:
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return None
    return chat.id, user.id


async def save_form(
    update: Update, context: SitrepContext, kind: str, form: Mapping[str, Any]
) -> None:
    """Start or advance the sender's form of this kind (replacing any other open form)."""
    ids = _ids(update)
    if ids is not None:
        value = {**form, "kind": kind}
        await context.services.chat_state.put(*ids, FORM_KEY, value, FORM_TTL)


async def finish_form(update: Update, context: SitrepContext) -> dict[str, Any] | None:
    """Take the sender's form out of the store; None when another update finished it first."""
    ids = _ids(update)
    if ids is None:
        return None
    return await context.services.chat_state.take(*ids, FORM_KEY)


async def cancel(update: Update, context: SitrepContext) -> None:
    """/cancel: leave the open form; nothing is stored."""
    ids = _ids(update)
    if ids is not None and await context.services.chat_state.delete(*ids, FORM_KEY):
        await reply_macro(update, context, ACCESS, "form_cancelled")


def form_handler(steps: Mapping[str, FormStep]) -> MessageHandler[SitrepContext, None]:
    """The handler that passes a message to the sender's open form, if there is one.

    When the form takes the message, no other handler sees it (ApplicationHandlerStop); without an
    open form the message goes on to the handlers of later groups (questions).
    """

    async def route(update: Update, context: SitrepContext) -> None:
        ids = _ids(update)
        if ids is None:
            return
        store = context.services.chat_state
        entry = await store.entry(*ids, FORM_KEY)
        if entry is None:
            return
        kind = str(entry.value.get("kind", ""))
        step = steps.get(kind)
        if step is None:
            log.info("dropping a form of unknown kind %r", kind)
            await store.delete(*ids, FORM_KEY)
            return
        if entry.expired:
            await store.delete(*ids, FORM_KEY)
            await reply_macro(update, context, ACCESS, "form_expired", kind=kind)
            raise ApplicationHandlerStop
        if not await context.services.people.is_admin(ids[1]):
            # Forms are for admins; one who lost the role mid-form cannot finish it.
            await store.delete(*ids, FORM_KEY)
            await reply_macro(update, context, ACCESS, "refusal")
            raise ApplicationHandlerStop
        try:
            action = await step(update, context, entry.value)
        except Exception as exc:
            await audit_update(update, context, kind, failed=True)
            await context.application.process_error(update, exc)
            raise ApplicationHandlerStop from exc
        if action is None:
            return
        await audit_update(update, context, action)
        raise ApplicationHandlerStop

    return MessageHandler(FORM_MESSAGES, route)
