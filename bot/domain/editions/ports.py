"""What the editions need from storage and the outbox, as Protocols (the store and delivery
implement them; the composition root wires them in)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Any, Protocol

from bot.domain.editions.model import (
    Advances,
    Confirmed,
    DueRow,
    EditionExport,
    EditionFile,
    EditionPart,
    FigureView,
    NewEdition,
    NewPush,
    PushView,
    Recipient,
    SentCopy,
    Subscriber,
)
from bot.domain.editions.pictures import PictureData
from bot.domain.events.model import EventView
from bot.domain.messages import NewMessage

Render = Callable[..., str]
Split = Callable[[str], list[str]]
Draw = Callable[[PictureData], Sequence[EditionFile]]  # an edition's pictures, drawn once


class EventReader(Protocol):
    """The events an edition shows (and a flash alert may mark flash)."""

    async def get(self, event_id: int) -> EventView | None:
        """One event by id, in any status."""
        ...

    async def get_many(self, ids: Sequence[int]) -> list[EventView]:
        """Events by id, in the order given (missing ids skipped)."""
        ...

    async def edit(self, event_id: int, *, by: int | None = None, **changes: Any) -> EventView:
        """Change some fields of an event."""
        ...


class FigureRepository(Protocol):
    """Stored key figures."""

    async def add(
        self, *, text: str, as_of: date, source: str, created_at: datetime, created_by: int | None
    ) -> FigureView:
        """Store an active figure."""
        ...

    async def active(self) -> list[FigureView]:
        """Active figures, newest first."""
        ...

    async def retire(self, figure_id: int) -> bool:
        """Deactivate a figure; False when there is no such active figure."""
        ...


class EditionRepository(Protocol):
    """Stored editions, the events in a window and the subscriptions that are due."""

    async def published_in_window(
        self, start: datetime, end: datetime, dates: Sequence[date]
    ) -> list[int]:
        """Ids of published events first reported in [start, end) or on one of `dates`."""
        ...

    async def tally_in_window(
        self, start: datetime, end: datetime, dates: Sequence[date]
    ) -> list[tuple[str | None, str, str]]:
        """(place key, place as written, event type) of each published event first reported
        in the window (merged twins left out)."""
        ...

    async def corrected_in_window(self, start: datetime, end: datetime) -> list[int]:
        """Ids of events reported before `start`, carried by an edition, and changed or
        retracted in [start, end)."""
        ...

    async def find(self, key: str) -> tuple[int, int] | None:
        """(id, parts) of the edition stored under `key`, if any."""
        ...

    async def export(self, edition_id: int, chat_id: int) -> EditionExport | None:
        """The edition's parts and pictures, if it was queued for this chat."""
        ...

    async def picture_count(self, edition_id: int) -> int:
        """How many pictures are stored with an edition."""
        ...

    async def store(self, edition: NewEdition) -> tuple[int, int]:
        """Store an edition once (by its key); (id, parts) of the stored one."""
        ...

    async def due(self, now: datetime, limit: int) -> list[DueRow]:
        """The next `limit` active subscriptions due by `now`, earliest first."""
        ...


class EditionQueue(Protocol):
    """Queues a tick's edition parts and moves its subscriptions on, in one transaction."""

    async def enqueue_tick(
        self, parts: Mapping[datetime, Sequence[EditionPart]], advances: Advances, now: datetime
    ) -> int:
        """Queue parts (by due instant; known dedupe keys skipped), advance; new rows."""
        ...


class PushRepository(Protocol):
    """Stored pushes, their audiences and the chats that got an event."""

    async def create(self, edition: NewEdition, push: NewPush) -> int:
        """Store an edition and a preview push of it; the push's id."""
        ...

    async def get(self, push_id: int) -> PushView | None:
        """A push with its parts (recipients: the total stored at confirmation)."""
        ...

    async def latest_id(self, admin_id: int, statuses: Sequence[str]) -> int | None:
        """The admin's newest push in one of these states."""
        ...

    async def chat_known(self, chat_id: int) -> bool:
        """Whether the chat has talked to the bot."""
        ...

    async def set_audience(self, push_id: int, audience: str, *, by: int) -> bool:
        """Change the audience of `by`'s preview; False when it is not one any more."""
        ...

    async def chat_recipient(self, chat_id: int) -> Recipient | None:
        """An active chat as a recipient (its subscription's thread), else None."""
        ...

    async def subscribers(self) -> list[Subscriber]:
        """Active subscriptions with their chat's type, by chat id."""
        ...

    async def confirm(
        self, push_id: int, *, by: int, now: datetime, total: int
    ) -> Confirmed | None:
        """Mark `by`'s preview sending; None when it was not a preview of theirs."""
        ...

    async def cancel(self, push_id: int, *, by: int) -> str | None:
        """Cancel an unfinished push of `by`'s; its status before (None: not theirs)."""
        ...

    async def settle(self, push_id: int, *, remaining: int) -> str:
        """Mark a sending push done when nothing remains; its status ("missing" if none)."""
        ...

    async def set_progress_message(self, push_id: int, message_id: int) -> None:
        """Remember the admin's progress message."""
        ...

    async def sent_copies(self, event_id: int) -> list[SentCopy]:
        """Sent editions, pushes and alerts that carried the event, oldest first."""
        ...


class PushOutbox(Protocol):
    """The outbox as pushes use it."""

    async def enqueue(self, messages: Sequence[NewMessage]) -> int:
        """Insert messages (known dedupe keys skipped); new rows."""
        ...

    async def cancel_batch(self, batch: str) -> int:
        """Cancel a batch's rows not sent yet."""
        ...

    async def counts(self, batch: str | None = None) -> dict[str, int]:
        """Rows per state."""
        ...
