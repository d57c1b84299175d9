"""`sitrep places`: find places, add places and aliases (the gazetteer's admin verbs)."""

from typing import Annotated

import typer

from bot.cli.common import DbOption, fail, migrate_or_exit, settings_or_exit

places_app = typer.Typer(help="The gazetteer: find, add places, add aliases.", no_args_is_help=True)


def _run(db: str | None, action: str, **kw: object) -> None:
    from bot.bootstrap import open_services
    from bot.domain.places.errors import PlaceError
    from bot.domain.places.model import PlaceKind

    settings = settings_or_exit(db)
    migrate_or_exit(settings)

    async def go() -> None:
        async with open_services(settings) as domain:
            gaz = domain.gazetteer
            try:
                if action == "find":
                    place = gaz.resolve(str(kw["name"]))
                    if place is None:
                        hints = ", ".join(p.name for p in gaz.suggest(str(kw["name"])))
                        raise fail(
                            f"no place {kw['name']!r}"
                            + (f"; did you mean {hints}?" if hints else ""),
                            1,
                        )
                    typer.echo(f"{place.name}\t{place.key}\t{gaz.context_label(place.key)}")
                    if place.aliases:
                        typer.echo("also: " + ", ".join(place.aliases))
                elif action == "add":
                    parent = gaz.resolve(str(kw["parent"]))
                    if parent is None:
                        raise fail(f"--parent: unknown place {kw['parent']!r}")
                    place = await domain.places.add_place(
                        str(kw["name"]),
                        kind=PlaceKind(str(kw["kind"])),
                        parent_key=parent.key,
                        lat=kw["lat"],  # type: ignore[arg-type]
                        lon=kw["lon"],  # type: ignore[arg-type]
                        aliases=list(kw["aliases"] or []),  # type: ignore[call-overload]
                    )
                    typer.echo(f"added {place.name}\t{place.key}\t{gaz.context_label(place.key)}")
                else:
                    place = gaz.resolve(str(kw["name"]))
                    if place is None:
                        raise fail(f"unknown place {kw['name']!r}")
                    await domain.places.add_alias(place.key, str(kw["alias"]))
                    typer.echo(f"{kw['alias']!r} now means {place.name} ({place.key})")
            except PlaceError as exc:
                raise fail(str(exc), 1) from None

    import asyncio

    asyncio.run(go())


@places_app.command("find")
def find(
    name: Annotated[str, typer.Argument(help="A place name, alias or spelling.")],
    db: DbOption = None,
) -> None:
    """Show the place a name resolves to, with its key and context."""
    _run(db, "find", name=name)


@places_app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="The place's name.")],
    parent: Annotated[str, typer.Option("--parent", help="The district or province it is in.")],
    kind: Annotated[
        str, typer.Option("--kind", help="town, district, crossing or other.")
    ] = "town",
    lat: Annotated[float | None, typer.Option("--lat")] = None,
    lon: Annotated[float | None, typer.Option("--lon")] = None,
    alias: Annotated[
        list[str] | None, typer.Option("--alias", help="Another name (repeatable).")
    ] = None,
    db: DbOption = None,
) -> None:
    """Add a place the gazetteer lacks."""
    if kind not in ("town", "district", "crossing", "other"):
        raise fail("--kind: town, district, crossing or other")
    _run(db, "add", name=name, parent=parent, kind=kind, lat=lat, lon=lon, aliases=alias)


@places_app.command("alias")
def add_alias(
    name: Annotated[str, typer.Argument(help="A place the gazetteer knows.")],
    alias: Annotated[str, typer.Argument(help="The other name.")],
    db: DbOption = None,
) -> None:
    """Teach the gazetteer another name for a place."""
    _run(db, "alias", name=name, alias=alias)


def register(app: typer.Typer) -> None:
    """Add the `places` verbs."""
    app.add_typer(places_app, name="places")
