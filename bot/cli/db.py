"""`sitrep db copy`: move a whole store between databases (SQLite ⇄ PostgreSQL)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from bot.store.copy import TableCopy


def _normalise(url: str, option: str) -> str:
    """The URL as Sitrep stores it (async driver), or exit 2 naming the option."""
    from bot.cli.common import fail
    from bot.config import Settings

    try:
        return Settings._check_database_url(url)
    except ValueError as exc:
        raise fail(f"{option}: {exc}") from None


class _Progress:
    """Per-table lines on stderr; on a terminal, the running count is rewritten in place."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()

    def __call__(self, step: TableCopy) -> None:
        line = f"  {step.name:<16} {step.rows:>10,} / {step.total:,} rows"
        if step.done:
            done = f"  {step.name:<16} {step.rows:>10,} rows  {step.seconds:6.1f} s"
            typer.echo(f"\r{done}        " if self.tty else done, err=True)
        elif self.tty:
            typer.echo(f"\r{line}", err=True, nl=False)


def _notice(line: str) -> None:
    typer.echo(f"  {line}…", err=True)


def db_copy(
    source: Annotated[
        str,
        typer.Option(
            "--from",
            help="Database to copy from (only read), e.g. sqlite+aiosqlite:///var/sitrep.db",
        ),
    ],
    dest: Annotated[
        str | None,
        typer.Option(
            "--to",
            help="Database to copy into (default: DATABASE_URL); migrated first, must be empty.",
        ),
    ] = None,
    replace: Annotated[
        bool,
        typer.Option("--replace", help="Delete every row of the destination first (careful)."),
    ] = False,
) -> None:
    """Copy every table from one database into another, e.g. SQLite into PostgreSQL."""
    from bot.cli.common import fail, settings_or_exit
    from bot.cli.logsetup import configure_logging
    from bot.store.copy import CopyRefused, copy_store, safe_url

    settings = settings_or_exit(_normalise(dest, "--to") if dest else None)
    configure_logging("WARNING" if settings.log_level == "INFO" else settings.log_level)
    src = _normalise(source, "--from")
    dst = settings.database_url
    typer.echo(f"copying {safe_url(src)} → {safe_url(dst)}", err=True)
    try:
        import asyncio

        report = asyncio.run(
            copy_store(src, dst, replace=replace, progress=_Progress(), notice=_notice)
        )
    except CopyRefused as exc:
        raise fail(str(exc), 2) from None
    except Exception as exc:
        raise fail(f"copy failed, nothing was copied: {type(exc).__name__}: {exc}", 1) from None
    for name in report.unknown_tables:
        typer.echo(
            f"sitrep: warning: table {name} of the source has no model; not copied", err=True
        )
    rate = report.rows / report.seconds if report.seconds > 0 else 0.0
    typer.echo(
        f"copied {len(report.tables)} tables, {report.rows} rows in {report.seconds:.1f} s "
        f"({rate:,.0f} rows/s); destination at revision {report.revision}"
    )


def register(db_app: typer.Typer) -> None:
    """Add the copy verb to `sitrep db`."""
    db_app.command("copy")(db_copy)
