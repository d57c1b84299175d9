"""`sitrep merge`: merge stored accounts of one happening from different sources into one event."""

from __future__ import annotations

from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    """Add the `merge` verb to the `sitrep` command line."""

    @app.command()
    def merge(
        first: Annotated[str, typer.Option("--from", help="First day (YYYY-MM-DD) to look at.")],
        last: Annotated[
            str | None, typer.Option("--to", help="Last day (YYYY-MM-DD); default: --from.")
        ] = None,
        db: Annotated[
            str | None, typer.Option("--db", help="Database URL (overrides DATABASE_URL).")
        ] = None,
    ) -> None:
        """Merge events that are the same happening told by different sources (an ACLED row, a
        UCDP row, articles): same or nested place, overlapping dates, nothing coded disagreeing.
        Rows of one dataset are never merged together; /event N split undoes a merge."""
        import asyncio
        from datetime import date

        from bot.bootstrap import open_services
        from bot.cli.common import migrate_or_exit, settings_or_exit
        from bot.domain.clock import Clock
        from bot.domain.events.merge_pass import merge_twins

        try:
            start = date.fromisoformat(first)
            end = date.fromisoformat(last) if last else start
        except ValueError:
            typer.echo("Dates are YYYY-MM-DD, e.g. --from 2021-07-01 --to 2021-07-31.", err=True)
            raise typer.Exit(2) from None
        if end < start:
            typer.echo("--to is before --from.", err=True)
            raise typer.Exit(2)
        settings = settings_or_exit(db)
        migrate_or_exit(settings)

        async def run() -> dict[int, list[int]]:
            async with open_services(settings, Clock()) as services:
                return await merge_twins(
                    services.merges, services.gazetteer, start, end, services.actors.registry
                )

        done = asyncio.run(run())
        merged = sum(len(ids) for ids in done.values())
        typer.echo(f"Merged {merged} event{'s' if merged != 1 else ''} into {len(done)}.")
        for head, ids in sorted(done.items()):
            typer.echo(f"  #{head} ← {', '.join(f'#{i}' for i in ids)}")
