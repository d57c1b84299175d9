"""Manual briefings, flash alerts and corrections: composed, previewed, confirmed once, and
delivered through the outbox like everything else."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Literal
from zoneinfo import ZoneInfo

from bot.domain.clock import Clock
from bot.domain.delivery_states import PENDING_STATES, OutboxKind, OutboxState, PushStatus
from bot.domain.editions.compose import BriefingService
from bot.domain.editions.model import (
    Audience,
    EditionData,
    NewEdition,
    NewPush,
    Progress,
    PushView,
    Recipient,
    Subscriber,
)
from bot.domain.editions.ports import EventReader, PushOutbox, PushRepository, Render, Split
from bot.domain.editions.schedule import zone_name
from bot.domain.events.model import EventStatus, EventView, Severity
from bot.domain.messages import NewMessage
from bot.domain.places.gazetteer import Gazetteer

log = logging.getLogger(__name__)

PushSource = Literal["today", "since", "events", "text"]
MAX_TEXT = 3500


class PushError(ValueError):
    """A push that cannot be composed, addressed or confirmed (the message says why)."""


def _in_quiet(now_local: datetime, start: int | None, end: int | None) -> datetime | None:
    """When quiet hours that cover `now_local` end (None when not in quiet hours)."""
    if start is None or end is None or start == end:
        return None
    minute = now_local.hour * 60 + now_local.minute
    inside = start <= minute < end if start < end else (minute >= start or minute < end)
    if not inside:
        return None
    end_day = now_local.date()
    if start > end and minute >= start:
        end_day += timedelta(days=1)
    local_end = datetime.combine(end_day, time(end // 60, end % 60), now_local.tzinfo)
    return local_end.astimezone(UTC)


class PushService:
    """Composes previews, resolves audiences, confirms once, corrects what went out."""

    def __init__(
        self,
        *,
        pushes: PushRepository,
        clock: Clock,
        events: EventReader,
        gazetteer: Gazetteer,
        briefings: BriefingService,
        outbox: PushOutbox,
        render: Render,
        split: Split,
    ) -> None:
        self._pushes = pushes
        self._clock = clock
        self._events = events
        self._gazetteer = gazetteer
        self._briefings = briefings
        self._outbox = outbox
        self._render = render  # Renderer.render
        self._split = split

    # ---- composing --------------------------------------------------------------------

    async def compose(
        self,
        source: PushSource,
        *,
        by: int,
        admin_chat_id: int | None,
        tz: tzinfo,
        since: date | None = None,
        event_ids: Sequence[int] = (),
        text: str = "",
    ) -> PushView:
        """Render a manual briefing and store it as a preview (nothing is sent yet)."""
        now = self._clock.now()
        local_now = now.astimezone(tz)
        zone = zone_name(tz)
        events: list[EventView] = []
        if source == "text":
            body = " ".join(text.split()) if "\n" not in text else text.strip()
            if not body:
                raise PushError("The text is empty.")
            if len(body) > MAX_TEXT:
                raise PushError(f"The text is {len(body)} characters; at most {MAX_TEXT}.")
            parts = self._split(self._render("push_text.html", text=body))
        else:
            if source == "events":
                events = [
                    e
                    for e in await self._events.get_many(list(event_ids))
                    if e.status == EventStatus.PUBLISHED
                ]
                missing = sorted(set(event_ids) - {e.id for e in events})
                if missing:
                    raise PushError(f"No published event #{missing[0]}.")
                data = self._selection(events, local_now, zone)
            else:
                start_day = local_now.date() if source == "today" else since
                if start_day is None:
                    raise PushError("Give a date: /push since YYYY-MM-DD")
                if start_day > local_now.date():
                    raise PushError("That date is in the future.")
                start = datetime.combine(start_day, time(0), tz).astimezone(UTC)
                audience = Audience((), (), zone, start, now)
                data = await self._briefings.collect(audience)
                events = data.events
                if data.is_empty:
                    raise PushError("No events were reported in that period; nothing to push.")
            data = replace(data, title="Sitrep briefing")
            parts = self._briefings.render(data, empty_note=False)
        return await self._store(
            OutboxKind.PUSH, parts, events, by=by, admin_chat_id=admin_chat_id, tz=zone
        )

    def _selection(self, events: list[EventView], local_now: datetime, zone: str) -> EditionData:
        return EditionData(
            title="Sitrep briefing",
            date_label=f"{local_now:%a} {local_now.day} {local_now:%b %Y}",
            zone_label=zone,
            window_label="selected events",
            scope_label="Selected events",
            body=self._briefings.selection(events, local_now.date()),
            figures=(),
        )

    async def compose_flash(self, event_id: int, *, by: int, admin_chat_id: int | None) -> PushView:
        """A flash alert for one published event (marked flash); a preview until confirmed."""
        event = await self._events.get(event_id)
        if event is None or event.status != EventStatus.PUBLISHED:
            raise PushError(f"No published event #{event_id}.")
        if event.severity != Severity.FLASH:
            event = await self._events.edit(event_id, by=by, severity=Severity.FLASH)
        parts = self._split(self._render("flash.html", e=event))
        return await self._store(
            OutboxKind.FLASH,
            parts,
            [event],
            by=by,
            admin_chat_id=admin_chat_id,
            tz="UTC",
            event_id=event.id,
        )

    async def _store(
        self,
        kind: str,
        parts: list[str],
        events: Sequence[EventView],
        *,
        by: int,
        admin_chat_id: int | None,
        tz: str,
        event_id: int | None = None,
    ) -> PushView:
        now = self._clock.now()
        audience = "all"
        if kind == OutboxKind.FLASH and event_id is not None:
            audience = f"event:{event_id}"
        edition = NewEdition(
            key=f"{kind}:{uuid.uuid4().hex}",
            kind=kind,
            local_date=now.date(),
            timezone=tz,
            window_start=now,
            window_end=now,
            parts=parts,
            events=events,
            now=now,
        )
        push_id = await self._pushes.create(
            edition,
            NewPush(
                kind=kind,
                audience=audience,
                event_id=event_id,
                created_by=by,
                created_at=now,
                admin_chat_id=admin_chat_id,
            ),
        )
        return await self.get(push_id)  # type: ignore[return-value]

    # ---- reading ----------------------------------------------------------------------

    async def get(self, push_id: int) -> PushView | None:
        """A push with its parts and how many chats its audience has now."""
        view = await self._pushes.get(push_id)
        if view is None:
            return None
        if view.status == PushStatus.PREVIEW:
            view = replace(view, recipients=len(await self.recipients(view)))
        return view

    async def latest_of(self, admin_id: int, statuses: Sequence[str]) -> PushView | None:
        """The admin's newest push in one of these states."""
        push_id = await self._pushes.latest_id(admin_id, statuses)
        return await self.get(push_id) if push_id is not None else None

    # ---- audiences --------------------------------------------------------------------

    async def set_audience(self, push_id: int, audience: str, *, by: int) -> PushView:
        """Change a preview's audience: all, place:<key> or chat:<id>."""
        kind, _, arg = audience.partition(":")
        if kind == "place" and self._gazetteer.get(arg) is None:
            raise PushError("Unknown place.")
        if kind == "chat" and (
            not arg.lstrip("-").isdigit() or not await self._pushes.chat_known(int(arg))
        ):
            raise PushError("I don't know that chat (it must have talked to the bot).")
        if kind not in ("all", "place", "chat"):
            raise PushError("Audience is all, a place, or one chat.")
        if not await self._pushes.set_audience(push_id, audience, by=by):
            raise PushError("That push is not a preview of yours any more.")
        view = await self.get(push_id)
        assert view is not None
        return view

    async def recipients(self, push: PushView) -> list[Recipient]:
        """The chats a push goes to now (active subscriptions; flash: matching places)."""
        kind, _, arg = push.audience.partition(":")
        now = self._clock.now()
        if kind == "chat":
            chat = await self._pushes.chat_recipient(int(arg))
            return [chat] if chat is not None else []
        subscribers = await self._pushes.subscribers()
        if kind == "event":
            event = await self._events.get(int(arg))
            return self._flash_recipients(subscribers, event.place_key if event else None, now)
        scope: set[str] | None = None
        if kind == "place":
            scope = set(self._gazetteer.descendants(arg)) | {
                p.key for p in self._gazetteer.ancestors(arg)
            }
        return [
            Recipient(sub.chat_id, sub.chat_type, sub.thread_id)
            for sub in subscribers
            if scope is None or not sub.places or any(p in scope for p in sub.places)
        ]

    def _flash_recipients(
        self, subscribers: Sequence[Subscriber], event_place: str | None, now: datetime
    ) -> list[Recipient]:
        """Subscribers taking flash alerts whose places cover the event, with quiet hours."""
        out = []
        for sub in subscribers:
            if not sub.flash_alerts:
                continue
            if sub.places and not self._covers(sub.places, event_place):
                continue
            quiet = _in_quiet(
                now.astimezone(ZoneInfo(sub.timezone)), sub.quiet_start, sub.quiet_end
            )
            out.append(Recipient(sub.chat_id, sub.chat_type, sub.thread_id, quiet))
        return out

    def _covers(self, places: Sequence[str], key: str | None) -> bool:
        """Whether any followed place contains (or is) the event's place."""
        if key is None:
            return False
        chain = {key} | {p.key for p in self._gazetteer.ancestors(key)}
        return any(p in chain for p in places)

    # ---- confirming, cancelling, progress ---------------------------------------------

    async def confirm(self, push_id: int, *, by: int) -> Progress:
        """Send a preview: only its author, only once (a second Confirm changes nothing)."""
        push = await self.get(push_id)
        if push is None or push.created_by != by:
            raise PushError("That push is not yours.")
        if push.status != PushStatus.PREVIEW:
            raise PushError("That push was already confirmed or cancelled.")
        recipients = await self.recipients(push)
        confirmed = await self._pushes.confirm(
            push_id, by=by, now=self._clock.now(), total=len(recipients) * len(push.parts)
        )
        if confirmed is None:
            raise PushError("That push was already confirmed or cancelled.")
        edition_id = confirmed.edition_id
        batch = f"push:{push_id}"
        await self._outbox.enqueue(
            [
                NewMessage(
                    kind=push.kind,
                    dedupe_key=f"{batch}:{r.chat_id}:{part}",
                    chat_id=r.chat_id,
                    chat_type=r.chat_type,
                    thread_id=r.thread_id,
                    edition_id=edition_id,
                    part_no=part,
                    batch=batch,
                    not_before=r.quiet_until,
                )
                for r in recipients
                for part in range(len(push.parts))
            ]
        )
        return await self.progress(push_id)

    async def cancel(self, push_id: int, *, by: int) -> Progress:
        """Cancel a preview, or stop a running push (queued rows cancelled, sent ones kept)."""
        before = await self._pushes.cancel(push_id, by=by)
        if before is None:
            raise PushError("That push is not yours.")
        if before in (PushStatus.DONE, PushStatus.CANCELLED):
            raise PushError("That push has already finished.")
        await self._outbox.cancel_batch(f"push:{push_id}")
        return await self.progress(push_id)

    async def progress(self, push_id: int) -> Progress:
        """Sent, failed, cancelled and remaining rows of a push; marks it done when finished."""
        counts = await self._outbox.counts(batch=f"push:{push_id}")
        remaining = sum(counts.get(s, 0) for s in PENDING_STATES)
        status = await self._pushes.settle(push_id, remaining=remaining)
        return Progress(
            total=sum(counts.values()),
            sent=counts.get(OutboxState.SENT, 0),
            failed=counts.get(OutboxState.FAILED, 0),
            cancelled=counts.get(OutboxState.CANCELLED, 0),
            remaining=remaining,
            status=status,
        )

    async def set_progress_message(self, push_id: int, message_id: int) -> None:
        """Remember the admin's progress message (edited live)."""
        await self._pushes.set_progress_message(push_id, message_id)

    # ---- corrections ------------------------------------------------------------------

    async def correct(self, event_id: int, *, by: int, what: str) -> int:
        """Send one correction to each chat that got the event, replying to that message."""
        event = await self._events.get(event_id)
        if event is None:
            return 0
        latest: dict[int, tuple[str, int | None, int | None]] = {}
        for copy in await self._pushes.sent_copies(event_id):
            latest[copy.chat_id] = (copy.chat_type, copy.thread_id, copy.message_id)
        if not latest:
            return 0
        text = self._render("correction.html", e=event, what=what)
        stamp = event.updated_at.astimezone(UTC).strftime("%Y%m%dT%H%M%S%f")
        return await self._outbox.enqueue(
            [
                NewMessage(
                    kind=OutboxKind.CORRECTION,
                    dedupe_key=f"corr:{event_id}:{what}:{stamp}:{chat_id}",
                    chat_id=chat_id,
                    chat_type=chat_type,
                    thread_id=thread_id,
                    text=part,
                    reply_to_message_id=message_id,
                    batch=f"corr:{event_id}:{stamp}",
                )
                for chat_id, (chat_type, thread_id, message_id) in latest.items()
                for part in self._split(text)[:1]
            ]
        )
