"""`sitrep ask "QUESTION"`: the bot's own answer, printed as plain text.

The question goes through the real Application and the in-process Bot API (as in `sitrep chat`),
so what is printed IS what the bot would send in a private chat.
"""

from __future__ import annotations

from datetime import tzinfo
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.domain.clock import Clock

MAX_CLI_QUESTION = 4096  # Telegram's own message limit


async def ask_once(settings: Settings, question: str, *, clock: Clock, tz: tzinfo) -> list[str]:
    """Send one question to the real bot in a private chat; return its replies as text."""
    from bot.sim.localchat import LocalChat
    from bot.telegram.app import lifespan

    chat = LocalChat(settings, clock=clock, tz=tz)
    async with lifespan(chat.app):
        text = question if question.strip() else "/ask"
        return await chat.say(text[:MAX_CLI_QUESTION])


def register(app: typer.Typer) -> None:
    """Add the `ask` verb to the `sitrep` command line."""

    @app.command()
    def ask(
        question: Annotated[str, typer.Argument(help="The question, in your own words.")],
        now: Annotated[
            str | None,
            typer.Option(
                "--now",
                help="Pretend it is this ISO date-time (e.g. 2021-07-10T09:00+04:30); its offset "
                "is the zone unless --tz is given.",
            ),
        ] = None,
        tz: Annotated[
            str | None, typer.Option("--tz", help="IANA time zone of the reader, e.g. Asia/Kabul.")
        ] = None,
        db: Annotated[
            str | None,
            typer.Option("--db", help="Database URL (overrides DATABASE_URL)."),
        ] = None,
    ) -> None:
        """Answer one question from the stored events, exactly as the bot would."""
        from bot.cli.common import clock_or_exit, migrate_or_exit, settings_or_exit
        from bot.cli.logsetup import configure_logging

        settings = settings_or_exit(db)
        clock, zone = clock_or_exit(now, tz, settings)
        configure_logging("WARNING" if settings.log_level == "INFO" else settings.log_level)
        migrate_or_exit(settings)
        import asyncio

        replies = asyncio.run(ask_once(settings, question, clock=clock, tz=zone))
        typer.echo("\n\n".join(replies))
