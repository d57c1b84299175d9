"""`sitrep brief`: the first edition a new subscriber with given settings would get."""

from datetime import date
from typing import Annotated

import typer

from bot.cli.common import (
    DbOption,
    NowOption,
    TzOption,
    clock_or_exit,
    fail,
    migrate_or_exit,
    settings_or_exit,
)
from bot.domain.editions.schedule import zone_name
from bot.render.plain import html_to_text


def register(app: typer.Typer) -> None:
    """Add the `brief` verb."""

    @app.command()
    def brief(
        day: Annotated[
            str | None, typer.Option("--date", help="Local date YYYY-MM-DD (default: today).")
        ] = None,
        places: Annotated[
            str | None, typer.Option("--places", help="Comma-separated places, e.g. Herat,Kunduz.")
        ] = None,
        now: NowOption = None,
        tz: TzOption = None,
        db: DbOption = None,
    ) -> None:
        """Print the first briefing a new subscriber would get on DATE at the default time."""
        from bot.bootstrap import open_services

        settings = settings_or_exit(db)
        clock, zone = clock_or_exit(now, tz, settings)
        zone_label = zone_name(zone)
        if day is not None:
            try:
                local_day = date.fromisoformat(day)
            except ValueError:
                raise fail(f"--date: expected YYYY-MM-DD, got {day!r}") from None
        else:
            local_day = clock.now().astimezone(zone).date()
        migrate_or_exit(settings)

        async def go() -> list[str]:
            async with open_services(settings, clock) as domain:
                keys: list[str] = []
                for name in (p.strip() for p in (places or "").split(",") if p.strip()):
                    place = domain.gazetteer.resolve(name)
                    if place is None:
                        hints = ", ".join(p.name for p in domain.gazetteer.suggest(name))
                        raise fail(
                            f"--places: unknown place {name!r}"
                            + (f" (did you mean {hints}?)" if hints else "")
                        )
                    keys.append(place.key)
                t = settings.default_briefing_time
                audience = domain.briefings.first_edition_audience(
                    day=local_day, timezone=zone_label, minute=t.hour * 60 + t.minute, places=keys
                )
                return await domain.briefings.preview(audience)

        import asyncio

        parts = asyncio.run(go())
        typer.echo("\n\n".join(html_to_text(p) for p in parts))
