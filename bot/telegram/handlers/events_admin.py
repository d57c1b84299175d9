"""Admin event commands: /addevent (one line or guided), /event, /editevent, /retract, /events."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

from telegram import Update
from telegram.ext import CommandHandler

from bot.domain.events.corrections import needs_correction, retraction_corrects
from bot.domain.events.errors import EventNotFound
from bot.domain.events.input import (
    EDIT_FIELDS,
    InputError,
    PlaceChoice,
    build_draft,
    check_summary,
    choose_place,
    parse_edit,
    parse_event_date,
    parse_event_line,
    parse_source,
)
from bot.domain.events.model import EventStatus, EventView
from bot.telegram.context import SitrepContext
from bot.telegram.handlers.admin_replies import plain, trusted
from bot.telegram.handlers.common import reply_macro, reply_template
from bot.telegram.handlers.forms import finish_form, save_form
from bot.telegram.handlers.guards import admin_only

log = logging.getLogger(__name__)

MESSAGES = "event_admin_messages.html"
FORM_KIND = "addevent"


def _today(context: SitrepContext) -> date:
    return context.services.clock.local_now(context.services.tz).date()


def _user_id(update: Update) -> int | None:
    return update.effective_user.id if update.effective_user else None


def _event_id(arg: str) -> int | None:
    arg = arg.lstrip("#")
    return int(arg) if arg.isdigit() and len(arg) < 12 else None


async def _saved(
    update: Update, context: SitrepContext, event: EventView, place: PlaceChoice, merged: bool
) -> None:
    await reply_template(
        update,
        context,
        "event_saved.html",
        e=event,
        merged=merged,
        unresolved=place.place is None,
        suggestions=[p.name for p in place.suggestions],
    )


@admin_only
async def addevent(update: Update, context: SitrepContext) -> None:
    """/addevent DATE | PLACE | SUMMARY | SOURCE — or start the guided form."""
    message = update.effective_message
    assert message is not None
    text = (message.text or "").partition(" ")[2].strip()
    if not text:
        await save_form(
            update, context, FORM_KIND, {"step": "date", "today": _today(context).isoformat()}
        )
        await reply_macro(update, context, MESSAGES, "form_start")
        return
    try:
        draft, place = parse_event_line(text, context.services.gazetteer, _today(context))
    except InputError as exc:
        await message.reply_text(str(exc))
        return
    result = await context.services.events.add(draft, by=_user_id(update))
    await _saved(update, context, result.event, place, result.merged)


def _form_today(form: dict[str, Any]) -> date:
    """The day the form was started: relative dates keep meaning what they meant then."""
    return date.fromisoformat(str(form["today"]))


async def got_date(update: Update, context: SitrepContext, form: dict[str, Any], text: str) -> None:
    """Guided /addevent: the date."""
    when = parse_event_date(text, _form_today(form))
    await save_form(update, context, FORM_KIND, {**form, "step": "place", "date": text})
    await reply_macro(update, context, MESSAGES, "ask_place", when=when.label())


async def got_place(
    update: Update, context: SitrepContext, form: dict[str, Any], text: str
) -> None:
    """Guided /addevent: the place."""
    place = choose_place(text, context.services.gazetteer)
    await save_form(update, context, FORM_KIND, {**form, "step": "summary", "place": text})
    known = place.place.name if place.place else ""
    await reply_macro(update, context, MESSAGES, "ask_summary", known=known, written=place.written)


async def got_summary(
    update: Update, context: SitrepContext, form: dict[str, Any], text: str
) -> None:
    """Guided /addevent: the summary."""
    summary = check_summary(text)
    await save_form(update, context, FORM_KIND, {**form, "step": "source", "summary": summary})
    await reply_macro(update, context, MESSAGES, "ask_source")


async def got_source(
    update: Update, context: SitrepContext, form: dict[str, Any], text: str
) -> None:
    """Guided /addevent: the source; stores the event (once, whichever instance gets here)."""
    source = parse_source(text)
    answers = await finish_form(update, context)
    if answers is None or answers.get("step") != "source":
        log.info("guided /addevent finished by another update; nothing more to do")
        return
    try:
        today = _form_today(answers)
        when = parse_event_date(str(answers["date"]), today)
        place = choose_place(str(answers["place"]), context.services.gazetteer)
        summary = check_summary(str(answers["summary"]))
    except (KeyError, ValueError) as exc:  # InputError is a ValueError
        log.warning("guided /addevent form no longer reads: %s", exc)
        await reply_macro(update, context, MESSAGES, "form_unreadable")
        return
    draft = build_draft(when, place, summary, source)
    result = await context.services.events.add(draft, by=_user_id(update))
    await _saved(update, context, result.event, place, result.merged)


FormAnswer = Callable[[Update, SitrepContext, dict[str, Any], str], Awaitable[None]]
STEPS: dict[str, FormAnswer] = {
    "date": got_date,
    "place": got_place,
    "summary": got_summary,
    "source": got_source,
}


async def addevent_step(update: Update, context: SitrepContext, form: dict[str, Any]) -> str | None:
    """One answer to the guided /addevent form; returns the audit action ("addevent:date", …)."""
    message = update.effective_message
    if message is None or message.text is None:
        return None  # a file or a photo: not an answer to this form
    step = str(form.get("step", ""))
    answer = STEPS.get(step)
    if answer is None:
        await finish_form(update, context)
        return None
    try:
        await answer(update, context, form, message.text)
    except InputError as exc:
        await message.reply_text(plain(context, MESSAGES, "try_again", error=str(exc)))
    return f"{FORM_KIND}:{step}"


async def _card(update: Update, context: SitrepContext, event: EventView, note: str = "") -> None:
    """Every field of an event, with its place's context."""
    gazetteer = context.services.gazetteer
    label = gazetteer.context_label(event.place_key) if event.place_key else ""
    await reply_template(
        update, context, "event_card.html", e=event, place_context=label, note=note
    )


@admin_only
async def show_event(update: Update, context: SitrepContext) -> None:
    """/event N: every field of one event; /event N split: undo its merges (audited)."""
    args = context.args or []
    event_id = _event_id(args[0]) if args else None
    if event_id is None or (len(args) > 1 and args[1].lower() != "split"):
        await reply_macro(update, context, MESSAGES, "event_usage")
        return
    if len(args) > 1:
        await _split(update, context, event_id)
        return
    event = await context.services.events.get(event_id)
    if event is None:
        await reply_macro(update, context, MESSAGES, "no_event", event_id=event_id)
        return
    await _card(update, context, event)


async def _split(update: Update, context: SitrepContext, event_id: int) -> None:
    """Free the events merged into an event (or the event from its merge) and say which."""
    freed = await context.services.merges.split(event_id)
    if freed is None:
        await reply_macro(update, context, MESSAGES, "no_event", event_id=event_id)
        return
    if freed:
        await context.services.audit.record(
            _user_id(update), "split_event", f"event {event_id}", f"freed {freed}"
        )
    await reply_macro(update, context, MESSAGES, "split_done", event_id=event_id, freed=freed)


async def _apply_edit(
    update: Update, context: SitrepContext, event_id: int, field: str, value: str
) -> tuple[EventView, int]:
    """Change one field (or add a source); the event and how many chats get a correction."""
    events = context.services.events
    if field == "source":
        event = await events.add_source(event_id, parse_source(value), by=_user_id(update))
        return event, 0
    changes = parse_edit(field, value, context.services.gazetteer, _today(context))
    before = await events.get(event_id)
    event = await events.edit(event_id, by=_user_id(update), **changes)
    sent = 0
    if needs_correction(before, event, field):
        sent = await context.services.pushes.correct(
            event_id, by=_user_id(update) or 0, what="corrected"
        )
    return event, sent


@admin_only
async def edit_event(update: Update, context: SitrepContext) -> None:
    """/editevent N FIELD VALUE: change one field (or add a source); a published event's
    readers get a correction when what they were told changed."""
    text = (update.effective_message.text or "").split(maxsplit=3)  # type: ignore[union-attr]
    event_id = _event_id(text[1]) if len(text) > 1 else None
    if event_id is None or len(text) < 3:
        await reply_macro(update, context, MESSAGES, "edit_usage", fields=EDIT_FIELDS)
        return
    field, value = text[2].lower(), text[3] if len(text) > 3 else ""
    try:
        event, sent = await _apply_edit(update, context, event_id, field, value)
    except InputError as exc:
        if field in EDIT_FIELDS:
            await reply_macro(update, context, MESSAGES, "edit_failed", error=str(exc))
        else:
            await reply_macro(update, context, MESSAGES, "edit_usage", fields=EDIT_FIELDS)
        return
    except EventNotFound:
        await reply_macro(update, context, MESSAGES, "no_event", event_id=event_id)
        return
    await _card(update, context, event, trusted(context, MESSAGES, "saved", sent=sent))


@admin_only
async def retract(update: Update, context: SitrepContext) -> None:
    """/retract N REASON: the event disappears from answers and briefings."""
    parts = (update.effective_message.text or "").split(maxsplit=2)  # type: ignore[union-attr]
    event_id = _event_id(parts[1]) if len(parts) > 1 else None
    if event_id is None or len(parts) < 3 or not parts[2].strip():
        await reply_macro(update, context, MESSAGES, "retract_usage")
        return
    before = await context.services.events.get(event_id)
    done = await context.services.events.set_status(
        [event_id], EventStatus.RETRACTED, by=_user_id(update), reason=parts[2][:500]
    )
    if not done:
        await reply_macro(update, context, MESSAGES, "no_event", event_id=event_id)
        return
    sent = 0
    if retraction_corrects(before):
        sent = await context.services.pushes.correct(
            event_id, by=_user_id(update) or 0, what="retracted"
        )
    if sent:
        await reply_macro(update, context, MESSAGES, "corrections_sent", sent=sent)
    await reply_macro(update, context, MESSAGES, "retracted", event_id=event_id)


@admin_only
async def list_events(update: Update, context: SitrepContext) -> None:
    """/events [PLACE]: the latest events (drafts included), optionally within a place."""
    query = " ".join(context.args or []).strip()
    gazetteer = context.services.gazetteer
    keys = None
    place_name = ""
    if query:
        place = gazetteer.resolve(query)
        if place is None:
            hints = [p.name for p in gazetteer.suggest(query)]
            await reply_macro(
                update, context, MESSAGES, "unknown_place", query=query[:60], hints=hints
            )
            return
        keys, place_name = gazetteer.descendants(place.key), place.name
    events = await context.services.events.list_events(
        place_keys=keys, statuses=(EventStatus.PUBLISHED, EventStatus.DRAFT), limit=10
    )
    await reply_template(
        update,
        context,
        "event_list.html",
        title=trusted(context, MESSAGES, "events_title", place_name=place_name),
        events=events,
        show_ids=True,
        place_name=place_name,
    )


def handlers() -> list[Any]:
    """The admin event handlers, in registration order (the form's answers: handlers.forms)."""
    return [
        CommandHandler("addevent", addevent),
        CommandHandler("event", show_event),
        CommandHandler("editevent", edit_event),
        CommandHandler("retract", retract),
        CommandHandler("events", list_events),
    ]
