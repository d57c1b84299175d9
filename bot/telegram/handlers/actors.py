"""Admin upkeep of actors: /actors (list, find), /actors add, /actors alias, /actors remove.

Each verb is a small function found through a table, with a check that its arguments are there;
anything else gets the usage text.  Edits go to the store and the in-memory registry at once.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from telegram import Update
from telegram.ext import CommandHandler

from bot.domain.actors.edits import read_alias, read_new_actor
from bot.domain.actors.model import ActorError
from bot.telegram.context import SitrepContext
from bot.telegram.handlers.common import reply_macro
from bot.telegram.handlers.guards import admin_only
from bot.telegram.handlers.verbs import Verb, sender_id, verb_and_rest

MESSAGES = "actors_messages.html"
MAX_NAME_ECHO = 60  # how much of an unknown name is quoted back
MAX_LISTED = 150  # actor names in one list message


async def _reply(update: Update, context: SitrepContext, macro: str, **data: Any) -> None:
    await reply_macro(update, context, MESSAGES, macro, **data)


async def _list(update: Update, context: SitrepContext, rest: str) -> None:
    registry = context.services.actors.registry
    actors = list(registry)
    groups: dict[str, list[str]] = defaultdict(list)
    for actor in actors[:MAX_LISTED]:
        groups[actor.kind].append(actor.name)
    shown = min(len(actors), MAX_LISTED)
    await _reply(
        update,
        context,
        "actors_list",
        groups=sorted(groups.items()),
        total=len(actors),
        shown=shown,
    )


async def _find(update: Update, context: SitrepContext, rest: str) -> None:
    registry = context.services.actors.registry
    actor = registry.lookup(rest)
    if actor is None:
        hints = registry.suggest(rest)
        await _reply(update, context, "no_actor", name=rest[:MAX_NAME_ECHO], hints=hints)
        return
    await _reply(update, context, "actor_card", actor=actor)


async def _add(update: Update, context: SitrepContext, rest: str) -> None:
    name, aliases = read_new_actor(rest)
    actor = await context.services.actors.add(name, aliases, by=sender_id(update))
    await _reply(update, context, "actor_added", actor=actor)


async def _alias(update: Update, context: SitrepContext, rest: str) -> None:
    name, alias = read_alias(rest)
    actor = await context.services.actors.alias(name, alias, by=sender_id(update))
    await _reply(update, context, "actor_alias_added", alias=alias, name=actor.name)


async def _remove(update: Update, context: SitrepContext, rest: str) -> None:
    done = await context.services.actors.remove(rest, by=sender_id(update))
    await _reply(update, context, "actor_removed", name=rest[:MAX_NAME_ECHO], done=done)


ACTOR_VERBS: dict[str, Verb] = {
    "": Verb(_list, lambda rest: True),
    "list": Verb(_list, lambda rest: True),
    "find": Verb(_find),
    "add": Verb(_add),
    "alias": Verb(_alias, lambda rest: "|" in rest),
    "remove": Verb(_remove),
}


@admin_only
async def actors_command(update: Update, context: SitrepContext) -> None:
    """/actors [list] | find NAME | add NAME | ALIASES | alias NAME | ALIAS | remove NAME."""
    verb, rest = verb_and_rest(update)
    handler = ACTOR_VERBS.get(verb)
    if handler is None or not handler.accepts(rest):
        await _reply(update, context, "actors_usage")
        return
    try:
        await handler.run(update, context, rest)
    except ActorError as exc:
        await _reply(update, context, "actor_error", message=str(exc))


def handlers() -> list[Any]:
    """The /actors handler."""
    return [CommandHandler("actors", actors_command)]
