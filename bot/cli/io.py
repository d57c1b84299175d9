"""The `sitrep import` and `sitrep export` verbs: bulk events in ACLED CSV, UCDP GED CSV or
Sitrep JSONL."""

from __future__ import annotations

import gc
import io
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO

import typer

if TYPE_CHECKING:
    from bot.domain.bulk.lines import Progress
    from bot.domain.bulk.types import ImportReport

MAX_BAD_LINES = 50


class FileFormat(StrEnum):
    """The --format choices: the values of bot.domain.bulk.reading.Format, spelled here so that
    registering the verbs does not import the bulk readers."""

    ACLED = "acled"
    JSONL = "jsonl"
    UCDP = "ucdp"


DbOption = Annotated[
    str | None,
    typer.Option(
        "--db", help="Database URL (overrides DATABASE_URL), e.g. sqlite+aiosqlite:///x.db"
    ),
]


@contextmanager
def _progress(label: str, unit_bytes: bool) -> Iterator[Progress | None]:
    """A progress bar on stderr when it is a terminal; nothing otherwise."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        MofNCompleteColumn,
        TextColumn,
        TimeRemainingColumn,
    )
    from rich.progress import Progress as Bar

    count = DownloadColumn() if unit_bytes else MofNCompleteColumn()
    columns = (TextColumn(label), BarColumn(), count, TimeRemainingColumn())
    with Bar(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def _bad_rows_file(source: Path, report: ImportReport) -> Path | None:
    """Write every bad row to a file beside the source (else in the temp dir); None if neither."""
    lines = "".join(f"{bad}\n" for bad in report.bad_rows)
    candidates = [source.with_name(source.name + ".bad-rows.txt")]
    candidates.append(Path(tempfile.gettempdir()) / candidates[0].name)
    for path in candidates:
        try:
            path.write_text(lines, encoding="utf-8")
        except OSError:
            continue
        return path
    return None


def _print_report(source: Path, report: ImportReport, merges: str = "") -> None:
    for bad in report.bad_rows[:MAX_BAD_LINES]:
        typer.echo(str(bad), err=True)
    more = len(report.bad_rows) - MAX_BAD_LINES
    if more > 0:
        where = _bad_rows_file(source, report)
        listed = f"; all {len(report.bad_rows)} are listed in {where}" if where else ""
        typer.echo(f"… and {more} more bad rows{listed}", err=True)
    if report.strict_failed:
        typer.echo(report.summary(), err=True)
        return
    n = report.places_added
    extra = f", {n} place{'s' if n != 1 else ''} added" if n else ""
    typer.echo(report.summary() + extra + (f"; {merges}" if merges else ""))


def import_events(
    file: Annotated[
        Path, typer.Argument(help="ACLED CSV, UCDP GED CSV or Sitrep JSONL file to import.")
    ],
    fmt: Annotated[
        FileFormat | None,
        typer.Option(
            "--format", help="File format (default: from the extension, content or CSV header)."
        ),
    ] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="All or nothing: store nothing if any row is bad.")
    ] = False,
    db: DbOption = None,
    no_merge: Annotated[
        bool,
        typer.Option(
            "--no-merge",
            help="Do not merge the imported rows with other sources' accounts of the same "
            "happening (articles, another dataset) over their days.",
        ),
    ] = False,
) -> None:
    """Import events from an ACLED or UCDP GED CSV or a Sitrep JSONL file (re-importing is safe)."""
    from bot.bootstrap import open_services
    from bot.cli.common import fail, migrate_or_exit, settings_or_exit
    from bot.cli.logsetup import configure_logging
    from bot.domain.bulk.reading import Format
    from bot.domain.bulk.reimport import ImportRun, import_and_merge
    from bot.domain.bulk.types import BulkError
    from bot.store.event_keys import EventKeys

    settings = settings_or_exit(db)
    configure_logging("WARNING" if settings.log_level == "INFO" else settings.log_level)
    migrate_or_exit(settings)

    fmt_ = Format(fmt.value) if fmt is not None else None

    async def go(progress: Progress | None) -> ImportRun:
        async with open_services(settings) as domain:
            # What start-up loaded (the gazetteer above all) lives until the end: out of the
            # collector's full passes, which would walk it again and again (~20% of an import).
            gc.collect()
            gc.freeze()
            started = domain.clock.now()
            # an export finds the events it came from; then the merge pass over the rows' days
            run = await import_and_merge(
                domain,
                EventKeys(domain.sessions),
                domain.merges,
                file,
                fmt=fmt_,
                strict=strict,
                merge=not no_merge,
                actors=domain.actors.registry,
                progress=progress,
            )
            # Actor names the import brought (ACLED actor1/2 and associates, UCDP sides) that no
            # known actor goes by become actors of their own, found in articles and questions.
            await domain.actors.learn_from_events(since=started)
            return run

    try:
        with _progress("importing", unit_bytes=True) as progress:
            import asyncio

            run = asyncio.run(go(progress))
    except BulkError as exc:
        raise fail(f"{exc}; nothing imported", 1) from None
    report = run.report
    _print_report(file, report, run.merge_note())
    if report.strict_failed or (report.bad_rows and report.imported == 0):
        raise typer.Exit(1)


@contextmanager
def _output(path: Path | None) -> Iterator[TextIO]:
    if path is None:
        out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="", write_through=True)
        try:
            yield out
        finally:
            out.flush()
            out.detach()
        return
    with path.open("w", encoding="utf-8", newline="") as f:
        yield f


def export_events(
    fmt: Annotated[
        FileFormat,
        typer.Option(
            "--format",
            help="jsonl: every event, Sitrep's schema; acled: CSV; ucdp: GED CSV of the events "
            "imported from UCDP.",
        ),
    ] = FileFormat.JSONL,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")
    ] = None,
    db: DbOption = None,
) -> None:
    """Export events (JSONL: all, with status; ACLED/UCDP CSV: published only), sorted by date."""
    from bot.bootstrap import open_services
    from bot.cli.common import fail, migrate_or_exit, settings_or_exit
    from bot.cli.logsetup import configure_logging
    from bot.domain.bulk.exporting import export_events as export
    from bot.domain.bulk.reading import Format

    settings = settings_or_exit(db)
    configure_logging("WARNING" if settings.log_level == "INFO" else settings.log_level)
    migrate_or_exit(settings)

    async def go(out: TextIO, progress: Progress | None) -> int:
        async with open_services(settings) as domain:
            return await export(domain, out, fmt=Format(fmt.value), progress=progress)

    try:
        with _output(output) as out, _progress("exporting", unit_bytes=False) as progress:
            import asyncio

            count = asyncio.run(go(out, progress))
    except OSError as exc:
        raise fail(f"cannot write {output or 'stdout'}: {exc.strerror or exc}", 1) from None
    where = f" to {output}" if output else ""
    typer.echo(f"exported {count} event{'s' if count != 1 else ''}{where}", err=True)


def register(app: typer.Typer) -> None:
    """Add the `import` and `export` verbs to the sitrep app."""
    app.command("import")(import_events)
    app.command("export")(export_events)
