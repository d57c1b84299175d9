"""Admin event commands: /addevent (one line or guided), /event, /editevent, /retract, /events."""

from __future__ import annotations

import logging
from html import escape
from typing import Any

from telegram import Update
from telegram.ext import CommandHandler, ConversationHandler, MessageHandler, filters

from bot.context import SitrepContext
from bot.handlers.common import reply_html, reply_template
from bot.handlers.guards import admin_only
from bot.services.event_input import (
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
from bot.services.events import EventNotFound
from bot.services.model import EventStatus, EventView

log = logging.getLogger(__name__)

ASK_DATE, ASK_PLACE, ASK_SUMMARY, ASK_SOURCE = range(4)
# Edits that change what readers were told; a correction goes to every chat that got the event.
CORRECTED_FIELDS = frozenset({"date", "place", "summary", "claim", "precision"})
DRAFT_KEY = "addevent"


def _today(context: SitrepContext) -> Any:
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
async def addevent(update: Update, context: SitrepContext) -> int:
    """/addevent DATE | PLACE | SUMMARY | SOURCE — or start the guided form."""
    message = update.effective_message
    assert message is not None
    text = (message.text or "").partition(" ")[2].strip()
    if not text:
        context.form[DRAFT_KEY] = {}
        await reply_html(
            update,
            context,
            "New event. <b>When</b> did it happen? (e.g. 2021-07-08)\n/cancel stops.",
        )
        return ASK_DATE
    try:
        draft, place = parse_event_line(text, context.services.gazetteer, _today(context))
    except InputError as exc:
        await message.reply_text(str(exc))
        return ConversationHandler.END
    result = await context.services.events.add(draft, by=_user_id(update))
    await _saved(update, context, result.event, place, result.merged)
    return ConversationHandler.END


async def _ask_again(update: Update, error: InputError, state: int) -> int:
    assert update.effective_message is not None
    await update.effective_message.reply_text(f"{error}\nTry again, or /cancel.")
    return state


async def got_date(update: Update, context: SitrepContext) -> int:
    """Guided /addevent: the date."""
    try:
        when = parse_event_date(update.effective_message.text or "", _today(context))  # type: ignore[union-attr]
    except InputError as exc:
        return await _ask_again(update, exc, ASK_DATE)
    context.form[DRAFT_KEY]["when"] = when
    await reply_html(update, context, f"{when.label()}. <b>Where?</b> (a place name)")
    return ASK_PLACE


async def got_place(update: Update, context: SitrepContext) -> int:
    """Guided /addevent: the place."""
    try:
        place = choose_place(update.effective_message.text or "", context.services.gazetteer)  # type: ignore[union-attr]
    except InputError as exc:
        return await _ask_again(update, exc, ASK_PLACE)
    context.form[DRAFT_KEY]["place"] = place
    known = (
        place.place.name
        if place.place
        else f"{place.written} (not in the gazetteer; kept as written)"
    )
    await reply_html(update, context, f"{escape(known)}. <b>What happened?</b> (1–3 sentences)")
    return ASK_SUMMARY


async def got_summary(update: Update, context: SitrepContext) -> int:
    """Guided /addevent: the summary."""
    try:
        summary = check_summary(update.effective_message.text or "")  # type: ignore[union-attr]
    except InputError as exc:
        return await _ask_again(update, exc, ASK_SUMMARY)
    context.form[DRAFT_KEY]["summary"] = summary
    await reply_html(
        update, context, "<b>Source?</b> Outlet and optional URL, e.g. AP https://apnews.com/…"
    )
    return ASK_SOURCE


async def got_source(update: Update, context: SitrepContext) -> int:
    """Guided /addevent: the source; stores the event."""
    try:
        source = parse_source(update.effective_message.text or "")  # type: ignore[union-attr]
    except InputError as exc:
        return await _ask_again(update, exc, ASK_SOURCE)
    answers = context.form.pop(DRAFT_KEY, {})
    draft = build_draft(answers["when"], answers["place"], answers["summary"], source)
    result = await context.services.events.add(draft, by=_user_id(update))
    await _saved(update, context, result.event, answers["place"], result.merged)
    return ConversationHandler.END


async def cancel(update: Update, context: SitrepContext) -> int:
    """Leave the guided form; nothing is stored."""
    context.form.pop(DRAFT_KEY, None)
    await reply_html(update, context, "Cancelled; nothing was stored.")
    return ConversationHandler.END


def addevent_conversation() -> ConversationHandler[SitrepContext]:
    """The /addevent handler: one line, or a guided form of four questions."""
    text = filters.TEXT & ~filters.COMMAND
    return ConversationHandler(
        entry_points=[CommandHandler("addevent", addevent)],
        states={
            ASK_DATE: [MessageHandler(text, got_date)],
            ASK_PLACE: [MessageHandler(text, got_place)],
            ASK_SUMMARY: [MessageHandler(text, got_summary)],
            ASK_SOURCE: [MessageHandler(text, got_source)],
        },
        fallbacks=[CommandHandler("cancel", cancel)],
        name="addevent",
        per_chat=True,
        per_user=True,
    )


async def _card(update: Update, context: SitrepContext, event: EventView, note: str = "") -> None:
    """Every field of an event, with its place's context."""
    gazetteer = context.services.gazetteer
    label = gazetteer.context_label(event.place_key) if event.place_key else ""
    await reply_template(
        update, context, "event_card.html", e=event, place_context=label, note=note
    )


@admin_only
async def show_event(update: Update, context: SitrepContext) -> None:
    """/event N: every field of one event."""
    args = context.args or []
    event_id = _event_id(args[0]) if args else None
    if event_id is None:
        await reply_html(update, context, "Use: /event N (the event number, e.g. /event 12)")
        return
    event = await context.services.events.get(event_id)
    if event is None:
        await reply_html(update, context, f"There is no event #{event_id}.")
        return
    await _card(update, context, event)


@admin_only
async def edit_event(update: Update, context: SitrepContext) -> None:
    """/editevent N FIELD VALUE: change one field (or add a source); a published event's
    readers get a correction when what they were told changed."""
    text = (update.effective_message.text or "").split(maxsplit=3)  # type: ignore[union-attr]
    usage = "Use: /editevent N FIELD VALUE. Fields:\n" + "\n".join(
        f"• {k} — {v}" for k, v in EDIT_FIELDS.items()
    )
    event_id = _event_id(text[1]) if len(text) > 1 else None
    if event_id is None or len(text) < 3:
        await reply_html(update, context, usage)
        return
    field, value = text[2].lower(), text[3] if len(text) > 3 else ""
    events = context.services.events
    note = "Saved."
    try:
        if field == "source":
            event = await events.add_source(event_id, parse_source(value), by=_user_id(update))
        else:
            changes = parse_edit(field, value, context.services.gazetteer, _today(context))
            before = await events.get(event_id)
            event = await events.edit(event_id, by=_user_id(update), **changes)
            published = before is not None and before.status == EventStatus.PUBLISHED
            if published and field in CORRECTED_FIELDS and before != event:
                sent = await context.services.pushes.correct(
                    event_id, by=_user_id(update) or 0, what="corrected"
                )
                if sent:
                    note += f" A correction goes to {sent} chat(s) that got it."
    except InputError as exc:
        await reply_html(update, context, escape(str(exc)) if field in EDIT_FIELDS else usage)
        return
    except EventNotFound:
        await reply_html(update, context, f"There is no event #{event_id}.")
        return
    await _card(update, context, event, note)


@admin_only
async def retract(update: Update, context: SitrepContext) -> None:
    """/retract N REASON: the event disappears from answers and briefings."""
    parts = (update.effective_message.text or "").split(maxsplit=2)  # type: ignore[union-attr]
    event_id = _event_id(parts[1]) if len(parts) > 1 else None
    if event_id is None or len(parts) < 3 or not parts[2].strip():
        await reply_html(
            update, context, "Use: /retract N REASON, e.g. /retract 12 duplicate of #9"
        )
        return
    before = await context.services.events.get(event_id)
    done = await context.services.events.set_status(
        [event_id], EventStatus.RETRACTED, by=_user_id(update), reason=parts[2][:500]
    )
    if not done:
        await reply_html(update, context, f"There is no event #{event_id}.")
        return
    sent = 0
    if before is not None and before.status == EventStatus.PUBLISHED:
        sent = await context.services.pushes.correct(
            event_id, by=_user_id(update) or 0, what="retracted"
        )
    if sent:
        await reply_html(update, context, f"A correction goes to {sent} chat(s) that got it.")
    await reply_html(
        update,
        context,
        f"Event #{event_id} is retracted; it no longer appears in answers or briefings.",
    )


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
            hints = ", ".join(p.name for p in gazetteer.suggest(query))
            await reply_html(
                update,
                context,
                f"I don't know the place “{escape(query[:60])}”."
                + (f" Did you mean {escape(hints)}?" if hints else ""),
            )
            return
        keys, place_name = gazetteer.descendants(place.key), place.name
    events = await context.services.events.list_events(
        place_keys=keys, statuses=(EventStatus.PUBLISHED, EventStatus.DRAFT), limit=10
    )
    title = f"Latest events — {place_name}" if place_name else "Latest events"
    await reply_template(
        update,
        context,
        "event_list.html",
        title=title,
        events=events,
        show_ids=True,
        place_name=place_name,
    )


def handlers() -> list[Any]:
    """The admin event handlers, in registration order."""
    return [
        addevent_conversation(),
        CommandHandler("event", show_event),
        CommandHandler("editevent", edit_event),
        CommandHandler("retract", retract),
        CommandHandler("events", list_events),
    ]
