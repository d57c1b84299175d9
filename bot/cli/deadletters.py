"""`sitrep deadletters`: the updates set aside (could not be parsed, stored or handled), newest
first, and one's raw body with `--show ID` (escaped: safe on any terminal)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.store.deadletters import DeadLetter

REASON_CHARS = 70


def escaped(text: str) -> str:
    """`text` with every character a terminal would act on written as a Python escape
    (newlines and tabs kept)."""
    return "".join(
        c if c.isprintable() or c in "\n\t" else c.encode("unicode_escape").decode("ascii")
        for c in text
    )


def size_text(size: int) -> str:
    """A byte count, short."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def listing(letters: list[DeadLetter]) -> str:
    """One line per dead letter: id, time, source, size, update id, reason."""
    if not letters:
        return "No dead letters."
    lines = [f"{'id':>6}  {'received (UTC)':19}  {'source':8}  {'size':>8}  {'update':>12}  reason"]
    for d in letters:
        reason = escaped(" ".join(d.reason.split()))
        if len(reason) > REASON_CHARS:
            reason = reason[: REASON_CHARS - 1] + "…"
        update = "-" if d.update_id is None else str(d.update_id)
        when = d.received_at.strftime("%Y-%m-%d %H:%M:%S")
        lines.append(
            f"{d.id:>6}  {when:19}  {escaped(d.source):8}  {size_text(d.size):>8}  "
            f"{update:>12}  {reason}"
        )
    return "\n".join(lines)


def shown(letter: DeadLetter) -> str:
    """One dead letter in full: its fields, then its body (escaped)."""
    update = "-" if letter.update_id is None else str(letter.update_id)
    return "\n".join(
        [
            f"id:       {letter.id}",
            f"received: {letter.received_at.isoformat()}",
            f"source:   {escaped(letter.source)}",
            f"update:   {update}",
            f"size:     {letter.size} bytes (body kept: {len(letter.body)} characters)",
            f"reason:   {escaped(letter.reason)}",
            "",
            escaped(letter.body),
        ]
    )


async def report(settings: Settings, limit: int, show: int | None) -> tuple[str, bool]:
    """The listing (or one letter); False when `show` names none."""
    from bot.domain.clock import Clock
    from bot.store.deadletters import DeadLetters
    from bot.store.session import create_engine, create_sessionmaker

    engine = create_engine(settings.database_url)
    try:
        letters = DeadLetters(create_sessionmaker(engine), Clock())
        if show is None:
            return listing(await letters.recent(limit)), True
        letter = await letters.get(show)
        if letter is None:
            return f"No dead letter with id {show}.", False
        return shown(letter), True
    finally:
        await engine.dispose()


def register(app: typer.Typer) -> None:
    """Add the `deadletters` verb to the `sitrep` command line."""

    @app.command()
    def deadletters(
        db: Annotated[
            str | None,
            typer.Option("--db", help="Database URL (overrides DATABASE_URL)."),
        ] = None,
        limit: Annotated[
            int, typer.Option("--limit", "-n", min=1, max=1000, help="How many, newest first.")
        ] = 20,
        show: Annotated[
            int | None, typer.Option("--show", help="Print this dead letter's raw body.")
        ] = None,
    ) -> None:
        """Updates set aside (could not be parsed, stored or handled), newest first."""
        import asyncio

        from bot.cli.common import migrate_or_exit, settings_or_exit
        from bot.cli.logsetup import configure_logging

        settings = settings_or_exit(db)
        configure_logging("WARNING" if settings.log_level == "INFO" else settings.log_level)
        migrate_or_exit(settings)
        text, found = asyncio.run(report(settings, limit, show))
        typer.echo(text)
        if not found:
            raise typer.Exit(1)
