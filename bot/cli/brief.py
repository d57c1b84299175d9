"""`sitrep brief`: the first edition a new subscriber with given settings would get, as text,
Markdown, an HTML page or a PDF (the HTML page and the PDF with the chart and the map)."""

import sys
from datetime import date
from pathlib import Path
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
from bot.render.exports import FORMATS, html_document, html_to_markdown, pdf_document
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
        weekly: Annotated[
            bool, typer.Option("--weekly", help="The weekly edition (the seven days before).")
        ] = False,
        fmt: Annotated[
            str, typer.Option("--format", help="text, md, html or pdf (default: text).")
        ] = "text",
        out: Annotated[
            Path | None, typer.Option("--out", help="Write to this file instead of stdout.")
        ] = None,
        now: NowOption = None,
        tz: TzOption = None,
        db: DbOption = None,
    ) -> None:
        """Print the first briefing a new subscriber would get on DATE at the default time."""
        if fmt not in FORMATS:
            raise fail(f"--format: expected one of {', '.join(FORMATS)}, got {fmt!r}")
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

        async def go() -> tuple[list[str], list[bytes], str]:
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
                    day=local_day,
                    timezone=zone_label,
                    minute=t.hour * 60 + t.minute,
                    places=keys,
                    weekly=weekly,
                )
                data = await domain.briefings.collect(audience)
                parts = domain.briefings.render(data, empty_note=True)
                pictures: list[bytes] = []
                if fmt in ("html", "pdf") and data.body.news:
                    from bot.render.pictures import picture_labels, render_chart, render_map

                    drawn = domain.briefings.pictures(audience, data)
                    labels = picture_labels(domain.renderer, drawn)
                    pictures = [render_chart(drawn, labels), render_map(drawn, labels)]
                return parts, pictures, data.title

        import asyncio

        parts, pictures, title = asyncio.run(go())
        if fmt == "pdf":
            blob = pdf_document(parts, title, pictures)
            if out is None:
                sys.stdout.buffer.write(blob)
            else:
                out.write_bytes(blob)
            return
        if fmt == "md":
            text = "\n\n".join(html_to_markdown(p) for p in parts)
        elif fmt == "html":
            text = html_document(parts, title, pictures)
        else:
            text = "\n\n".join(html_to_text(p) for p in parts)
        if out is None:
            typer.echo(text)
        else:
            out.write_text(text + "\n", encoding="utf-8")
