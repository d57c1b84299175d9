"""The outbox's row states and message kinds, and a push's lifecycle, as plain string enums
(stored as their values in String columns, so the store may import them)."""

from __future__ import annotations

from enum import StrEnum


class OutboxState(StrEnum):
    """Where an outbox row is: queued → claimed → sending → sent | failed | cancelled."""

    QUEUED = "queued"
    CLAIMED = "claimed"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"


PENDING_STATES: tuple[OutboxState, ...] = (
    OutboxState.QUEUED,
    OutboxState.CLAIMED,
    OutboxState.SENDING,
)


class OutboxKind(StrEnum):
    """What an outbox row carries."""

    EDITION = "edition"
    EMPTY = "empty"
    PUSH = "push"
    FLASH = "flash"
    CORRECTION = "correction"
    PHOTO = "photo"  # an edition's picture (its file stored once with the edition)


PICTURE_PART = 1000  # an edition's outbox rows from this part number on carry its pictures


class PushStatus(StrEnum):
    """A push's lifecycle: preview → sending → done | cancelled."""

    PREVIEW = "preview"
    SENDING = "sending"
    DONE = "done"
    CANCELLED = "cancelled"
