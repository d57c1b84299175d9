"""Who may use the bot and what admins did, as plain data: ids, allowlist and admin entries, what
/forget deleted and the audit log's entries."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

MAX_TELEGRAM_ID = 2**52  # Telegram ids fit in 52 bits
ID_RE = re.compile(r"^-?\d{1,16}$")


def parse_id(text: str) -> int | None:
    """A Telegram user id (positive) or chat id (negative), or None when it is not one."""
    text = text.strip()
    if not ID_RE.match(text):
        return None
    value = int(text)
    return value if value != 0 and abs(value) < MAX_TELEGRAM_ID else None


def kind_of(ident: int) -> str:
    """The allowlist kind of an id: chat for group and channel ids (negative), else user."""
    return "chat" if ident < 0 else "user"


@dataclass(frozen=True, slots=True)
class AllowEntry:
    """One allowlist row."""

    id: int
    kind: str
    note: str
    added_by: int | None
    added_at: datetime


@dataclass(frozen=True, slots=True)
class AdminEntry:
    """An admin: an owner from ADMIN_IDS or a row added in chat."""

    user_id: int
    role: str  # owner|admin
    name: str
    added_by: int | None
    added_at: datetime | None


@dataclass(frozen=True, slots=True)
class ForgetReport:
    """What /forget deleted, and what it kept."""

    user_row: bool = False
    chat_row: bool = False
    subscription: bool = False
    messages: int = 0
    questions: int = 0
    allowlisted: bool = False
    admin: bool = False

    @property
    def deleted_anything(self) -> bool:
        """Whether any row was deleted."""
        return any((self.user_row, self.chat_row, self.subscription, self.messages, self.questions))


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One recorded admin action, with the actor's name when the bot has seen them."""

    id: int
    at: datetime
    actor_id: int | None
    actor_name: str
    action: str
    target: str
    detail: str
