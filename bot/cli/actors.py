"""`sitrep actors`: list, find, add actors and aliases, and learn actor names from stored events."""

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Annotated

import typer

from bot.cli.common import DbOption, fail, migrate_or_exit, settings_or_exit

if TYPE_CHECKING:
    from bot.store.actors import ActorStore

actors_app = typer.Typer(
    help="Actors: list, find, add actors and aliases, learn from events.", no_args_is_help=True
)


def _run(db: str | None, action: str, **kw: object) -> None:
    from bot.bootstrap import open_services
    from bot.domain.actors.model import ActorError

    settings = settings_or_exit(db)
    migrate_or_exit(settings)

    async def go() -> None:
        async with open_services(settings) as domain:
            try:
                await _ACTIONS[action](domain.actors, kw)
            except ActorError as exc:
                raise fail(str(exc), 1) from None

    import asyncio

    asyncio.run(go())


async def _list(store: "ActorStore", kw: dict[str, object]) -> None:
    kind = kw.get("kind")
    for actor in store.registry:
        if kind is None or actor.kind == kind:
            typer.echo(f"{actor.name}\t{actor.kind}\t{actor.source}")


async def _find(store: "ActorStore", kw: dict[str, object]) -> None:
    name = str(kw["name"])
    actor = store.registry.lookup(name)
    if actor is None:
        hints = ", ".join(store.registry.suggest(name))
        raise fail(f"no actor {name!r}" + (f"; did you mean {hints}?" if hints else ""), 1)
    countries = " ".join(actor.countries)
    typer.echo(f"{actor.name}\t{actor.kind}\t{countries}\t{actor.source}")
    if actor.aliases:
        typer.echo("also: " + ", ".join(actor.aliases))


async def _add(store: "ActorStore", kw: dict[str, object]) -> None:
    given = kw.get("aliases")
    aliases = [str(a) for a in given] if isinstance(given, list) else []
    added = await store.add(str(kw["name"]), aliases, kind=str(kw["kind"]))
    typer.echo(f"added {added.name}\t{added.kind}")


async def _alias(store: "ActorStore", kw: dict[str, object]) -> None:
    changed = await store.alias(str(kw["name"]), str(kw["alias"]))
    typer.echo(f"{kw['alias']!r} now means {changed.name}")


async def _learn(store: "ActorStore", kw: dict[str, object]) -> None:
    learned = await store.learn_from_events()
    typer.echo(f"learned {len(learned)} new actor names from stored events")


_ACTIONS: dict[str, Callable[["ActorStore", dict[str, object]], Awaitable[None]]] = {
    "list": _list,
    "find": _find,
    "add": _add,
    "alias": _alias,
    "learn": _learn,
}


@actors_app.command("list")
def list_actors(
    kind: Annotated[str | None, typer.Option("--kind", help="Only this kind.")] = None,
    db: DbOption = None,
) -> None:
    """Every known actor: name, kind and source, one a line."""
    _run(db, "list", kind=kind)


@actors_app.command("find")
def find(
    name: Annotated[str, typer.Argument(help="An actor's name, alias or spelling.")],
    db: DbOption = None,
) -> None:
    """Show the actor a name refers to, with its kind, countries and aliases."""
    _run(db, "find", name=name)


@actors_app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="The actor's canonical name.")],
    alias: Annotated[
        list[str] | None, typer.Option("--alias", help="Another name (repeatable).")
    ] = None,
    kind: Annotated[
        str, typer.Option("--kind", help="state forces, armed group, political, militia, gang…")
    ] = "unknown",
    db: DbOption = None,
) -> None:
    """Add an actor the registry lacks."""
    _run(db, "add", name=name, aliases=alias, kind=kind)


@actors_app.command("alias")
def add_alias(
    name: Annotated[str, typer.Argument(help="An actor the registry knows.")],
    alias: Annotated[str, typer.Argument(help="The other name.")],
    db: DbOption = None,
) -> None:
    """Teach the registry another name for an actor."""
    _run(db, "alias", name=name, alias=alias)


@actors_app.command("learn")
def learn(db: DbOption = None) -> None:
    """Add the actor names of stored events that no known actor goes by."""
    _run(db, "learn")


def register(app: typer.Typer) -> None:
    """Add the `actors` verbs."""
    app.add_typer(actors_app, name="actors")
