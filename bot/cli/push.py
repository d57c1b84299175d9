"""`sitrep push`: the operator's twin of /push — preview, then queue for the running bot."""

import sys
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
from bot.render.plain import html_to_text


def register(app: typer.Typer) -> None:
    """Add the `push` verb."""

    @app.command()
    def push(
        source: Annotated[str, typer.Argument(help="today | since | events | text")],
        value: Annotated[
            str | None, typer.Argument(help="DATE for since, IDS for events (3,5,8), TEXT for text")
        ] = None,
        to: Annotated[str, typer.Option("--to", help="all | a place name | chat:CHAT_ID")] = "all",
        yes: Annotated[bool, typer.Option("--yes", help="Send without asking.")] = False,
        now: NowOption = None,
        tz: TzOption = None,
        db: DbOption = None,
    ) -> None:
        """Preview a manual briefing and queue it; the running bot's sender delivers it."""
        from bot.bootstrap import open_services
        from bot.domain.editions.pushes import PushError

        settings = settings_or_exit(db)
        clock, zone = clock_or_exit(now, tz, settings)
        kwargs: dict[str, object] = {}
        if source == "since":
            try:
                kwargs["since"] = date.fromisoformat(value or "")
            except ValueError:
                raise fail("push since: expected a date YYYY-MM-DD") from None
        elif source == "events":
            ids = [p for p in (value or "").replace(" ", "").split(",") if p]
            if not ids or not all(i.isdigit() for i in ids):
                raise fail("push events: expected event numbers like 3,5,8")
            kwargs["event_ids"] = [int(i) for i in ids]
        elif source == "text":
            kwargs["text"] = value or ""
        elif source != "today":
            raise fail("push: the source is today, since, events or text")
        operator = min(settings.admin_ids) if settings.admin_ids else 0
        migrate_or_exit(settings)

        async def go() -> int:
            async with open_services(settings, clock) as domain:
                pushes = domain.pushes
                try:
                    view = await pushes.compose(
                        source,  # type: ignore[arg-type]
                        by=operator,
                        admin_chat_id=None,
                        tz=zone,
                        **kwargs,  # type: ignore[arg-type]
                    )
                    if to != "all":
                        if to.startswith("chat:"):
                            audience = to
                        else:
                            place = domain.gazetteer.resolve(to)
                            if place is None:
                                raise fail(f"--to: unknown place {to!r}")
                            audience = f"place:{place.key}"
                        view = await pushes.set_audience(view.id, audience, by=operator)
                except PushError as exc:
                    raise fail(str(exc), 1) from None
                typer.echo("\n\n".join(html_to_text(p) for p in view.parts))
                typer.echo(f"\n— to {view.recipients} chat(s) ({view.audience})", err=True)
                if not yes:
                    if not sys.stdin.isatty():
                        await pushes.cancel(view.id, by=operator)
                        raise fail("not sent: add --yes to send without a prompt", 1)
                    if not typer.confirm("Send it?"):
                        await pushes.cancel(view.id, by=operator)
                        typer.echo("Cancelled; nothing was sent.", err=True)
                        return 0
                progress = await pushes.confirm(view.id, by=operator)
                typer.echo(
                    f"queued {progress.total} message(s) as push #{view.id}; "
                    "the running bot delivers them",
                    err=True,
                )
                return progress.total

        import asyncio

        asyncio.run(go())
