"""`sitrep stats`: the /stats figures printed as plain text (aggregates only)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.domain.clock import Clock

STATS_MAX_PLACES = 50


async def stats_text(settings: Settings, clock: Clock) -> str:
    """Collect the figures and render stats.html as plain text."""
    from bot.bootstrap import open_services
    from bot.render.plain import html_to_text
    from bot.store.stats import StatsStore

    async with open_services(settings, clock) as domain:
        gazetteer = domain.gazetteer

        def name_of(key: str) -> str | None:
            place = gazetteer.get(key)
            return place.name if place is not None else None

        service = StatsStore(
            domain.sessions, settings.tz, name_of, timezone_name=settings.default_timezone
        )
        stats = await service.collect(clock.now())
        html = domain.renderer.render("stats.html", s=stats, max_places=STATS_MAX_PLACES)
    return html_to_text(html)


def register(app: typer.Typer) -> None:
    """Add the `stats` verb to the `sitrep` command line."""

    @app.command()
    def stats(
        db: Annotated[
            str | None,
            typer.Option("--db", help="Database URL (overrides DATABASE_URL)."),
        ] = None,
        now: Annotated[
            str | None,
            typer.Option("--now", help="Pretend it is this ISO date-time, e.g. 2021-07-10T09:00Z."),
        ] = None,
    ) -> None:
        """Subscribers, deliveries, queue and questions of the last 7 days."""
        from bot.cli.common import clock_or_exit, migrate_or_exit, settings_or_exit
        from bot.cli.logsetup import configure_logging

        settings = settings_or_exit(db)
        clock, _zone = clock_or_exit(now, None, settings)
        configure_logging("WARNING" if settings.log_level == "INFO" else settings.log_level)
        migrate_or_exit(settings)
        import asyncio

        typer.echo(asyncio.run(stats_text(settings, clock)))
