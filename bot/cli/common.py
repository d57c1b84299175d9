"""What every `sitrep` verb shares: the Typer apps, common options, and the exits with one line."""

from __future__ import annotations

from datetime import tzinfo
from enum import StrEnum
from importlib import import_module
from typing import TYPE_CHECKING, Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import typer
import typer.main
from typer.core import TyperGroup

if TYPE_CHECKING:
    from typer import _click

    from bot.config import Settings
    from bot.domain.clock import Clock

# Verbs whose module is imported only when they run (or `--help` lists them): verb -> module,
# filled by bot.cli.main; each module has `register(app)`.
LAZY_VERBS: dict[str, str] = {}


class VerbGroup(TyperGroup):
    """The `sitrep` group: a verb of LAZY_VERBS is built from its module on first use, so running
    one verb never imports (nor builds the options of) the others."""

    def list_commands(self, ctx: _click.Context) -> list[str]:
        """Every verb: those registered here, then the lazy ones."""
        names = super().list_commands(ctx)
        return [*names, *(n for n in LAZY_VERBS if n not in names)]

    def get_command(self, ctx: _click.Context, cmd_name: str) -> _click.Command | None:
        """The verb, its module imported and registered now if it is a lazy one."""
        if cmd_name not in self.commands and cmd_name in LAZY_VERBS:
            verbs = typer.Typer()
            import_module(LAZY_VERBS[cmd_name]).register(verbs)
            for name, command in typer.main.get_group(verbs).commands.items():
                self.commands.setdefault(name, command)
        return super().get_command(ctx, cmd_name)


app = typer.Typer(
    cls=VerbGroup,
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
    from bot.config import ConfigError, load_settings

    try:
        return load_settings(**({"database_url": db} if db else {}))
    except ConfigError as exc:
        raise fail(str(exc)) from None


def clock_or_exit(now: str | None, tz: str | None, settings: Settings) -> tuple[Clock, tzinfo]:
    """Resolve --now/--tz into the run's clock and the reader's zone."""
    from bot.domain.clock import Clock, parse_now

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
    """Apply pending migrations, or exit with one line if the database cannot be reached.

    A database already at the shipped head costs one query: Alembic runs only when it differs.
    """
    import asyncio

    from bot.store.migrate import upgrade_if_behind

    try:
        asyncio.run(upgrade_if_behind(settings.database_url))
    except Exception as exc:
        raise fail(f"cannot migrate the database ({settings.database_url}): {exc}", 1) from None
