"""Telegram glue. `register_handlers` is the one place every handler is registered, in order."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, TypeHandler

from bot.telegram.handlers import (
    actors,
    admin_tools,
    charts,
    errors,
    events_admin,
    forms,
    ingest,
    newsroom,
    pdf,
    pushes,
    questions,
    review,
    seen,
    sources,
    start,
    subscriptions,
)

if TYPE_CHECKING:
    from bot.telegram.context import SitrepApp


def register_handlers(app: SitrepApp) -> None:
    """Register every handler; groups run in ascending order, first match wins within a group."""
    # Group -3 runs first: a button press with no data or no chat is refused and stops there.
    app.add_handler(TypeHandler(Update, start.unusable_button), group=-3)
    # Group -2 then: with ACCESS=allowlist it stops updates from anyone not allowed,
    # before anything about them is stored.
    app.add_handler(TypeHandler(Update, admin_tools.access_gate), group=-2)
    # Group -1 then runs for every update: remember who and where.
    app.add_handler(TypeHandler(Update, seen.record_seen), group=-1)

    # Group 0: commands first, so "/help" is never read as a question. The deep-link
    # "/start sub_<place>" handler (in subscriptions) must precede the plain /start.
    for handler in subscriptions.handlers():
        app.add_handler(handler)
    app.add_handler(CommandHandler("start", start.start))
    app.add_handler(CommandHandler("help", start.help_command))
    # Open forms (guided /addevent, /ingest): their state is in the database, so any instance
    # can take the next answer. The form handler takes every non-command message (text, file,
    # forward) and stops it there when the sender has an open form; otherwise the message goes on
    # to group 1 (questions). No other group-0 handler may expect such messages.
    app.add_handler(
        forms.form_handler({"addevent": events_admin.addevent_step, "ingest": ingest.article_step})
    )
    app.add_handler(CommandHandler("cancel", forms.cancel))
    for handler in events_admin.handlers():
        app.add_handler(handler)
    for handler in charts.handlers():
        app.add_handler(handler)
    for handler in pdf.handlers():
        app.add_handler(handler)
    for handler in ingest.handlers():
        app.add_handler(handler)
    for handler in admin_tools.handlers():
        app.add_handler(handler)
    for handler in pushes.handlers():
        app.add_handler(handler)
    for handler in newsroom.handlers():
        app.add_handler(handler)
    for handler in actors.handlers():
        app.add_handler(handler)
    for handler in [*sources.handlers(), *review.handlers()]:
        app.add_handler(handler)
    for handler in questions.handlers():
        app.add_handler(handler)

    # Any button no handler above recognised (stale, tampered): answer so it stops spinning.
    app.add_handler(CallbackQueryHandler(start.unknown_button))
    # Group 1: text no open form took is a question (private chats) or ignored (groups unless
    # the bot is mentioned or replied to).
    app.add_handler(questions.text_handler(), group=1)
    # Group 2: a message in a group that is a source is also an item of that source.
    app.add_handler(sources.group_handler(), group=2)

    app.add_error_handler(errors.on_error)
