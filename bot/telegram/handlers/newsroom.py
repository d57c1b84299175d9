"""Admin upkeep of reference data: /places (add places and aliases) and /figures (key figures)."""

from __future__ import annotations

import re
from html import escape
from typing import Any

from telegram import Update
from telegram.ext import CommandHandler

from bot.domain.editions.figures import FigureError
from bot.domain.places.gazetteer import PlaceKind
from bot.store.places import PlaceError
from bot.telegram.context import SitrepContext
from bot.telegram.handlers.common import reply_html
from bot.telegram.handlers.guards import admin_only

PLACES_USAGE = (
    "Use:\n/places find NAME\n/places add NAME | PARENT [| LAT, LON] [| ALIAS, ALIAS]\n"
    "/places alias PLACE | ALIAS"
)
FIGURES_USAGE = (
    "Use:\n/figures — the key figures briefings show\n"
    "/figures add TEXT | AS OF DATE | SOURCE\n/figures remove N"
)
COORDS = re.compile(r"^\s*(-?\d{1,2}(?:\.\d+)?)\s*[, ]\s*(-?\d{1,3}(?:\.\d+)?)\s*$")


def _rest(update: Update) -> tuple[str, str]:
    text = update.effective_message.text if update.effective_message else ""
    args = (text or "").partition(" ")[2].strip()
    verb, _, rest = args.partition(" ")
    return verb.lower(), rest.strip()


@admin_only
async def places_command(update: Update, context: SitrepContext) -> None:
    """/places find | add | alias."""
    verb, rest = _rest(update)
    services = context.services
    gazetteer = services.gazetteer
    user = update.effective_user
    try:
        if verb == "find" and rest:
            place = gazetteer.resolve(rest)
            if place is None:
                hints = ", ".join(p.name for p in gazetteer.suggest(rest))
                await reply_html(
                    update,
                    context,
                    f"No place “{escape(rest[:60])}”."
                    + (f" Did you mean {escape(hints)}?" if hints else ""),
                )
                return
            await reply_html(
                update,
                context,
                f"<b>{escape(place.name)}</b> (<code>{place.key}</code>) — "
                f"{escape(gazetteer.context_label(place.key))}"
                + (f"\nAlso: {escape(', '.join(place.aliases[:12]))}" if place.aliases else ""),
            )
            return
        if verb == "add" and rest:
            parts = [p.strip() for p in rest.split("|")]
            if len(parts) < 2:
                raise PlaceError("Give the parent place: /places add NAME | PARENT")
            parent = gazetteer.resolve(parts[1])
            if parent is None:
                raise PlaceError(f"I don't know the parent “{parts[1][:60]}”.")
            lat = lon = None
            aliases: list[str] = []
            for extra in parts[2:4]:
                m = COORDS.match(extra)
                if m:
                    lat, lon = float(m.group(1)), float(m.group(2))
                elif extra:
                    aliases = [a.strip() for a in extra.split(",") if a.strip()]
            place = await services.places.add_place(
                parts[0],
                kind=PlaceKind.TOWN,
                parent_key=parent.key,
                lat=lat,
                lon=lon,
                aliases=aliases,
                by=user.id if user else None,
            )
            await reply_html(
                update,
                context,
                f"Added <b>{escape(place.name)}</b> (<code>{place.key}</code>) — "
                f"{escape(gazetteer.context_label(place.key))}",
            )
            return
        if verb == "alias" and "|" in rest:
            name, _, alias = (p.strip() for p in rest.partition("|"))
            place = gazetteer.resolve(name)
            if place is None:
                raise PlaceError(f"I don't know “{name[:60]}”.")
            place = await services.places.add_alias(place.key, alias, by=user.id if user else None)
            await reply_html(
                update, context, f"“{escape(alias)}” now means <b>{escape(place.name)}</b>."
            )
            return
    except PlaceError as exc:
        await reply_html(update, context, f"{escape(str(exc))} Nothing was changed.")
        return
    await reply_html(update, context, PLACES_USAGE)


@admin_only
async def figures_command(update: Update, context: SitrepContext) -> None:
    """/figures, /figures add TEXT | AS OF | SOURCE, /figures remove N."""
    verb, rest = _rest(update)
    figures = context.services.figures
    if not verb:
        active = await figures.active()
        lines = [
            escape(
                f"#{f.id} {f.text} — as of {f.as_of_label}" + (f", {f.source}" if f.source else "")
            )
            for f in active
        ]
        body = "\n".join(lines) if lines else "none yet"
        await reply_html(update, context, f"<b>Key figures</b>\n{body}\n\n{escape(FIGURES_USAGE)}")
        return
    if verb == "add":
        user = update.effective_user
        try:
            figure = await figures.add(
                rest,
                today=context.services.clock.local_now(context.services.tz).date(),
                by=user.id if user else None,
            )
        except FigureError as exc:
            await reply_html(update, context, f"{escape(str(exc))} Nothing was stored.")
            return
        await reply_html(
            update, context, f"Key figure #{figure.id} added; briefings show it from now on."
        )
        return
    if verb == "remove" and rest.lstrip("#").isdigit() and len(rest) < 10:
        done = await figures.retire(int(rest.lstrip("#")))
        await reply_html(update, context, "Removed." if done else "No such key figure.")
        return
    await reply_html(update, context, FIGURES_USAGE)


def handlers() -> list[Any]:
    """Reference-data handlers."""
    return [CommandHandler("places", places_command), CommandHandler("figures", figures_command)]
