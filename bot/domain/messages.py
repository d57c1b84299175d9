"""A message to put in the outbox, as plain data (the outbox turns it into a queued row)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class NewMessage:
    """A message to enqueue."""

    kind: str
    dedupe_key: str
    chat_id: int
    text: str | None = None
    edition_id: int | None = None
    part_no: int = 0
    chat_type: str = "private"
    thread_id: int | None = None
    reply_to_message_id: int | None = None
    batch: str | None = None
    not_before: datetime | None = None
