"""Admin upkeep of reference data: /places (add places and aliases) and /figures (key figures).

Each verb is a small function found through a table, with a check that its arguments are there;
anything else gets the usage text.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import CommandHandler

from bot.domain.editions.figures import FigureError
from bot.domain.places.edits import read_alias, read_new_place
from bot.domain.places.errors import PlaceError
from bot.domain.places.model import PlaceKind
from bot.telegram.context import SitrepContext
from bot.telegram.handlers.common import reply_macro
from bot.telegram.handlers.guards import admin_only
from bot.telegram.handlers.verbs import Verb, sender_id, verb_and_rest
from bot.telegram.keyboards import Labels

MESSAGES = "places_messages.html"
MAX_NAME_ECHO = 60  # how much of an unknown name is quoted back


def _text(context: SitrepContext, macro: str, **data: Any) -> str:
    return Labels(context.services.renderer, MESSAGES)(macro, **data)


async def _reply(update: Update, context: SitrepContext, macro: str, **data: Any) -> None:
    await reply_macro(update, context, MESSAGES, macro, **data)


async def _find_place(update: Update, context: SitrepContext, rest: str) -> None:
    gazetteer = context.services.gazetteer
    place = gazetteer.resolve(rest)
    if place is None:
        hints = [p.name for p in gazetteer.suggest(rest)]
        await _reply(update, context, "no_place", name=rest[:MAX_NAME_ECHO], hints=hints)
        return
    label = gazetteer.context_label(place.key)
    await _reply(update, context, "place_card", place=place, label=label)


async def _add_place(update: Update, context: SitrepContext, rest: str) -> None:
    gazetteer = context.services.gazetteer
    new = read_new_place(rest)
    if new.parent is None:
        raise PlaceError(_text(context, "no_parent_given"))
    parent = gazetteer.resolve(new.parent)
    if parent is None:
        raise PlaceError(_text(context, "unknown_parent", name=new.parent[:MAX_NAME_ECHO]))
    place = await context.services.places.add_place(
        new.name,
        kind=PlaceKind.TOWN,
        parent_key=parent.key,
        lat=new.lat,
        lon=new.lon,
        aliases=new.aliases,
        by=sender_id(update),
    )
    label = gazetteer.context_label(place.key)
    await _reply(update, context, "place_added", place=place, label=label)


async def _add_alias(update: Update, context: SitrepContext, rest: str) -> None:
    name, alias = read_alias(rest)
    place = context.services.gazetteer.resolve(name)
    if place is None:
        raise PlaceError(_text(context, "unknown_place", name=name[:MAX_NAME_ECHO]))
    place = await context.services.places.add_alias(place.key, alias, by=sender_id(update))
    await _reply(update, context, "alias_added", alias=alias, name=place.name)


PLACE_VERBS: dict[str, Verb] = {
    "find": Verb(_find_place),
    "add": Verb(_add_place),
    "alias": Verb(_add_alias, lambda rest: "|" in rest),
}


@admin_only
async def places_command(update: Update, context: SitrepContext) -> None:
    """/places find | add | alias."""
    verb, rest = verb_and_rest(update)
    handler = PLACE_VERBS.get(verb)
    if handler is None or not handler.accepts(rest):
        await _reply(update, context, "places_usage")
        return
    try:
        await handler.run(update, context, rest)
    except PlaceError as exc:
        await _reply(update, context, "place_error", message=str(exc))


async def _list_figures(update: Update, context: SitrepContext, rest: str) -> None:
    active = await context.services.figures.active()
    await _reply(update, context, "figures_list", figures=active)


async def _add_figure(update: Update, context: SitrepContext, rest: str) -> None:
    today = context.services.clock.local_now(context.services.tz).date()
    try:
        figure = await context.services.figures.add(rest, today=today, by=sender_id(update))
    except FigureError as exc:
        await _reply(update, context, "figure_error", message=str(exc))
        return
    await _reply(update, context, "figure_added", id=figure.id)


async def _remove_figure(update: Update, context: SitrepContext, rest: str) -> None:
    done = await context.services.figures.retire(int(rest.lstrip("#")))
    await _reply(update, context, "figure_removed", done=done)


def _figure_number(rest: str) -> bool:
    return rest.lstrip("#").isdigit() and len(rest) < 10


FIGURE_VERBS: dict[str, Verb] = {
    "": Verb(_list_figures, lambda rest: True),
    "add": Verb(_add_figure, lambda rest: True),
    "remove": Verb(_remove_figure, _figure_number),
}


@admin_only
async def figures_command(update: Update, context: SitrepContext) -> None:
    """/figures, /figures add TEXT | AS OF | SOURCE, /figures remove N."""
    verb, rest = verb_and_rest(update)
    handler = FIGURE_VERBS.get(verb)
    if handler is None or not handler.accepts(rest):
        await _reply(update, context, "figures_usage")
        return
    await handler.run(update, context, rest)


def handlers() -> list[Any]:
    """Reference-data handlers."""
    return [CommandHandler("places", places_command), CommandHandler("figures", figures_command)]
