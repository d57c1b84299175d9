"""`sitrep sources`: add, list, remove, pause and poll the feeds and channels Sitrep follows."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Annotated

import typer

from bot.cli.common import DbOption, fail, migrate_or_exit, settings_or_exit

if TYPE_CHECKING:
    from bot.bootstrap import Services

sources_app = typer.Typer(
    help="Feeds and channels that feed Sitrep by themselves.", no_args_is_help=True
)
POLL_PAUSE = 5.0  # seconds between rounds of `sitrep sources poll` (without --once)


def register(app: typer.Typer) -> None:
    """Add the `sources` verb group to the sitrep command line (once)."""
    if not any(g.name == "sources" for g in app.registered_groups):
        app.add_typer(sources_app, name="sources")


def _run(db: str | None, work: Callable[[Services], Awaitable[None]]) -> None:
    """Load the settings, migrate, then run `work` with the services open."""
    from bot.bootstrap import open_services

    settings = settings_or_exit(db)
    migrate_or_exit(settings)

    async def go() -> None:
        async with open_services(settings) as services:
            await work(services)

    asyncio.run(go())


@sources_app.command("add")
def add(
    url: Annotated[str, typer.Argument(help="Feed address (http/https), or tg:<chat id>.")],
    name: Annotated[str, typer.Option("--name", help="The outlet's name on events.")] = "",
    every: Annotated[str, typer.Option("--every", help="Poll interval: 15m, 2h, 1d.")] = "15m",
    trust: Annotated[
        str, typer.Option("--trust", help="review: drafts for review; publish: at once.")
    ] = "review",
    full_text: Annotated[
        bool, typer.Option("--full-text", help="Fetch each item's linked article.")
    ] = False,
    since: Annotated[
        str, typer.Option("--since", help="Skip items published before YYYY-MM-DD.")
    ] = "",
    focus: Annotated[str, typer.Option("--focus", help="Country or crisis it covers.")] = "",
    db: DbOption = None,
) -> None:
    """Follow a feed (or a channel the bot is in); its first poll takes every item it carries."""
    from bot.domain.sources.commands import SourceInputError, new_source
    from bot.domain.sources.ports import DuplicateSource

    try:
        new = new_source(
            url, name=name, every=every, trust=trust, full_text=full_text, since=since, focus=focus
        )
    except SourceInputError as exc:
        raise fail(str(exc)) from None

    async def go(services: Services) -> None:
        try:
            source = await services.sources.add(new)
        except DuplicateSource:
            raise fail(f"{new.url} is already a source", 1) from None
        typer.echo(
            f"#{source.id} {source.name} <{source.url}> "
            f"every {source.interval // 60} min, {source.trust}"
        )

    _run(db, go)


@sources_app.command("list")
def list_sources(db: DbOption = None) -> None:
    """Every source with its health: last success, last error, items seen, next poll."""

    async def go(services: Services) -> None:
        for s in await services.sources.repo.all():
            state = "paused" if s.paused else ("ok" if s.healthy else f"failing x{s.failures}")
            ok = s.last_success_at.isoformat(timespec="minutes") if s.last_success_at else "-"
            nxt = s.next_poll_at.isoformat(timespec="minutes") if s.next_poll_at else "-"
            line = (
                f"#{s.id}\t{s.name}\t{s.url}\t{s.trust}\tevery {s.interval // 60}m\t{state}"
                f"\titems {s.items_seen}\tlast ok {ok}\tnext {nxt}"
            )
            if s.last_error:
                line += f"\terror: {s.last_error}"
            typer.echo(line)

    _run(db, go)


def _number(text: str) -> int:
    digits = text.strip().lstrip("#")
    if not digits.isdigit() or len(digits) > 9:
        raise fail(f"expected a source number like 3, got {text!r}")
    return int(digits)


@sources_app.command("remove")
def remove(
    number: Annotated[str, typer.Argument(help="The source's number (sitrep sources list).")],
    db: DbOption = None,
) -> None:
    """Stop following a source (the events it brought stay)."""
    source_id = _number(number)

    async def go(services: Services) -> None:
        if not await services.sources.repo.remove(source_id):
            raise fail(f"no source #{source_id}", 1)
        typer.echo(f"source #{source_id} removed")

    _run(db, go)


@sources_app.command("pause")
def pause(
    number: Annotated[str, typer.Argument(help="The source's number.")],
    resume: Annotated[bool, typer.Option("--resume", help="Resume instead.")] = False,
    db: DbOption = None,
) -> None:
    """Pause (or --resume) polling a source."""
    source_id = _number(number)

    async def go(services: Services) -> None:
        if not await services.sources.repo.set_paused(source_id, not resume):
            raise fail(f"no source #{source_id}", 1)
        typer.echo(f"source #{source_id} {'resumed' if resume else 'paused'}")

    _run(db, go)


@sources_app.command("poll")
def poll(
    once: Annotated[bool, typer.Option("--once", help="One round, then exit.")] = False,
    db: DbOption = None,
) -> None:
    """Poll the due sources and extract their new items; each failure is one line, exit 0."""

    async def go(services: Services) -> None:
        while True:
            reports = await services.sources.poll_due()
            for r in reports:
                if not r.ok:
                    typer.echo(f"#{r.source.id} {r.source.name}: {r.error}")
            extracted = await services.sources.extract_all()
            new = sum(r.new_items for r in reports)
            typer.echo(
                f"polled {len(reports)} sources ({sum(not r.ok for r in reports)} failed), "
                f"{new} new items, {extracted.items} extracted "
                f"({extracted.with_events} with events, {extracted.echoed} already carried)"
            )
            if once:
                return
            await asyncio.sleep(POLL_PAUSE)

    _run(db, go)
