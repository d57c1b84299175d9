"""Admin commands with verbs ("/places add …", "/actors alias …"): a verb's handler and the check
its arguments must pass, the verb and the rest read from the message, and who sent it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from telegram import Update

from bot.telegram.context import SitrepContext


@dataclass(frozen=True)
class Verb:
    """One verb of a command: its handler and the check its arguments must pass."""

    run: Callable[[Update, SitrepContext, str], Awaitable[None]]
    accepts: Callable[[str], bool] = bool


def verb_and_rest(update: Update) -> tuple[str, str]:
    """The command's first word (lowercased) and the text after it."""
    text = update.effective_message.text if update.effective_message else ""
    args = (text or "").partition(" ")[2].strip()
    verb, _, rest = args.partition(" ")
    return verb.lower(), rest.strip()


def sender_id(update: Update) -> int | None:
    """The Telegram user id of who sent the update, if any."""
    return update.effective_user.id if update.effective_user else None
