"""The `sitrep` command line: each verb is a thin call into the application or services."""

from __future__ import annotations

import asyncio
import sys
from datetime import tzinfo
from enum import StrEnum
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import typer

from bot.clock import Clock, parse_now
from bot.config import ConfigError, Settings, load_settings
from bot.logsetup import configure_logging

app = typer.Typer(
    help="Sitrep: situation briefings on Telegram. With no token, try `sitrep chat`.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(
    help="Database migrations (Alembic), and copying a store between databases.",
    no_args_is_help=True,
)
app.add_typer(db_app, name="db")

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db", help="Database URL (overrides DATABASE_URL), e.g. sqlite+aiosqlite:///x.db"
    ),
]
NowOption = Annotated[
    str | None,
    typer.Option(
        "--now",
        help="Pretend it is this ISO date-time (e.g. 2021-07-10T09:00+04:30); its offset is the "
        "zone unless --tz is given.",
    ),
]
TzOption = Annotated[
    str | None, typer.Option("--tz", help="IANA time zone of the reader, e.g. Asia/Kabul.")
]


class ChatType(StrEnum):
    """Kinds of chat the local chat can pretend to be."""

    private = "private"
    group = "group"


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print one line to stderr and return the Exit to raise."""
    typer.echo(f"sitrep: {message}", err=True)
    return typer.Exit(code)


def settings_or_exit(db: str | None = None) -> Settings:
    """Load settings (with --db applied), or exit 2 with one line naming the bad variable."""
    try:
        return load_settings(**({"database_url": db} if db else {}))
    except ConfigError as exc:
        raise fail(str(exc)) from None


def clock_or_exit(now: str | None, tz: str | None, settings: Settings) -> tuple[Clock, tzinfo]:
    """Resolve --now/--tz into the run's clock and the reader's zone."""
    try:
        zone: tzinfo = ZoneInfo(tz) if tz else settings.tz
    except (ZoneInfoNotFoundError, ValueError):
        raise fail(f"--tz: unknown IANA time zone {tz!r} (e.g. Asia/Kabul, UTC)") from None
    if now is None:
        return Clock(), zone
    try:
        clock, now_zone = parse_now(now, tz)
    except ValueError as exc:
        raise fail(str(exc)) from None
    return clock, (zone if tz else now_zone)


def migrate_or_exit(settings: Settings) -> None:
    """Apply pending migrations, or exit with one line if the database cannot be reached."""
    from bot.db.migrate import upgrade

    try:
        asyncio.run(upgrade(settings.database_url))
    except Exception as exc:
        raise fail(f"cannot migrate the database ({settings.database_url}): {exc}", 1) from None


@app.command()
def run(
    migrate: Annotated[
        bool, typer.Option("--migrate/--no-migrate", help="Apply pending migrations first.")
    ] = True,
    send_only: Annotated[
        bool,
        typer.Option("--send-only", help="Only tick and send; another instance receives updates."),
    ] = False,
    db: DbOption = None,
) -> None:
    """Start the bot: long polling, or a webhook when WEBHOOK_URL is set."""
    settings = settings_or_exit(db)
    configure_logging(settings.log_level)
    if settings.telegram_bot_token is None:
        typer.echo(
            "No TELEGRAM_BOT_TOKEN is set, so Sitrep cannot reach Telegram; "
            "starting the local offline chat instead (`sitrep chat`).",
            err=True,
        )
        chat(db=db)
        return
    if migrate:
        migrate_or_exit(settings)
    from bot.runner import run_bot

    run_bot(settings, receive_updates=not send_only)


@app.command()
def chat(
    user_id: Annotated[int, typer.Option("--user-id", help="Your pretend Telegram id.")] = 1001,
    admin: Annotated[bool, typer.Option("--admin", help="Act as an admin.")] = False,
    chat_type: Annotated[
        ChatType, typer.Option("--chat-type", help="Pretend to write in a private chat or a group.")
    ] = ChatType.private,
    now: NowOption = None,
    tz: TzOption = None,
    db: DbOption = None,
) -> None:
    """Talk to Sitrep in the terminal, offline, through the real bot and an in-process Bot API."""
    settings = settings_or_exit(db)
    clock, zone = clock_or_exit(now, tz, settings)
    configure_logging("WARNING" if settings.log_level == "INFO" else settings.log_level)
    if admin:
        settings = settings.model_copy(update={"admin_ids": settings.admin_ids | {user_id}})
    migrate_or_exit(settings)
    from bot.localchat import run_local_chat

    code = asyncio.run(
        run_local_chat(
            settings,
            clock=clock,
            tz=zone,
            user_id=user_id,
            chat_type=chat_type.value,
            lines=sys.stdin,
            out=sys.stdout,
            interactive=sys.stdin.isatty(),
        )
    )
    raise typer.Exit(code)


@db_app.command("upgrade")
def db_upgrade(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
    db: DbOption = None,
) -> None:
    """Apply migrations up to REVISION (default: head)."""
    from bot.db.migrate import upgrade

    settings = settings_or_exit(db)
    asyncio.run(upgrade(settings.database_url, revision))
    typer.echo(f"database at {revision}")


@db_app.command("downgrade")
def db_downgrade(
    revision: Annotated[str, typer.Argument(help="Target revision, e.g. -1 or base.")] = "-1",
    db: DbOption = None,
) -> None:
    """Revert migrations down to REVISION (default: one step)."""
    from bot.db.migrate import downgrade

    settings = settings_or_exit(db)
    asyncio.run(downgrade(settings.database_url, revision))
    typer.echo(f"database downgraded to {revision}")


@db_app.command("current")
def db_current(db: DbOption = None) -> None:
    """Print the database's revision and the newest one shipped."""
    from bot.db.migrate import current_revision, head_revision

    settings = settings_or_exit(db)
    current = asyncio.run(current_revision(settings.database_url))
    head = head_revision()
    state = "up to date" if current == head else "behind: run `sitrep db upgrade`"
    typer.echo(f"current: {current or 'empty'} (head: {head}, {state})")


@db_app.command("revision")
def db_revision(
    message: Annotated[str, typer.Option("-m", "--message", help="What the revision does.")],
    autogenerate: Annotated[bool, typer.Option(help="Compare models with the database.")] = True,
    db: DbOption = None,
) -> None:
    """Create a new migration (developers): autogenerated from the models by default."""
    from alembic import command

    from bot.db.migrate import run_alembic

    settings = settings_or_exit(db)
    asyncio.run(
        run_alembic(
            settings.database_url,
            lambda cfg: command.revision(cfg, message=message, autogenerate=autogenerate),
        )
    )


def _register_db_verbs() -> None:
    """`sitrep db` verbs that live in their own modules."""
    from bot import cli_db

    cli_db.register(db_app)


_register_db_verbs()


def _register_verbs() -> None:
    """Verbs that live in their own modules."""
    from bot import (
        cli_ask,
        cli_bench,
        cli_brief,
        cli_ingest,
        cli_io,
        cli_places,
        cli_push,
        cli_stats,
    )

    cli_io.register(app)
    cli_ingest.register(app)
    cli_brief.register(app)
    cli_ask.register(app)
    cli_push.register(app)
    cli_bench.register(app)
    cli_stats.register(app)
    cli_places.register(app)


_register_verbs()


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
