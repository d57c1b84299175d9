"""`sitrep bench`: performance at size, on synthetic data in scratch stores of its own."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    """Add the `bench` verb to the `sitrep` command line."""
    app.command(name="bench")(bench)


def bench(
    part: Annotated[
        str | None,
        typer.Argument(
            help="Only one part: `extract` (extraction quality on the wire gold set, speed, "
            "model load and memory).",
            show_default=False,
        ),
    ] = None,
    quick: Annotated[
        bool,
        typer.Option("--quick", help="100k events and 10k subscribers (under a minute)."),
    ] = False,
    json_file: Annotated[
        Path | None, typer.Option("--json", help="Also write the numbers to this JSON file.")
    ] = None,
    tiny: Annotated[bool, typer.Option("--tiny", hidden=True)] = False,
    workdir: Annotated[
        Path | None,
        typer.Option("--workdir", help="Where the scratch databases go (default: system temp)."),
    ] = None,
    pg: Annotated[
        str | None,
        typer.Option(
            "--pg",
            envvar="SITREP_BENCH_PG_URL",
            metavar="URL",
            help="Also measure PostgreSQL: a server URL (any database the role may connect to);"
            " the bench creates and drops scratch databases there.",
            show_default=False,
        ),
    ] = None,
    large: Annotated[
        bool,
        typer.Option("--large", help="Add 10M events to the ask sizes (up to an hour, ~20 GB)."),
    ] = False,
) -> None:
    """Measure ask vs a plain full-text baseline, edition composing, broadcast throughput, ACLED
    import and memory.

    Everything runs on synthetic data in temporary databases; the configured database is not
    touched. Without --quick: 100k and 1M events, 100k subscribers (several minutes); --large
    adds 10M events. With --pg URL, ask is measured on PostgreSQL too, in scratch databases
    created and dropped on that server.
    """
    from bot.domain.clock import Clock
    from bot.sim.bench import PLANS, format_report, run_bench
    from bot.sim.bench.plans import with_large

    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("bot").setLevel(logging.WARNING)
    if part is not None and part != "extract":
        raise typer.BadParameter(f"unknown part {part!r} (known: extract)")
    if part == "extract":
        from bot.sim.bench.extract import extract_part, format_extract
        from bot.sim.bench.scratch import isolated

        numbers = isolated(extract_part)
        typer.echo(format_extract(numbers))
        if json_file is not None:
            json_file.write_text(json.dumps(numbers, indent=2, ensure_ascii=False) + "\n", "utf-8")
        return
    plan = PLANS["tiny" if tiny else "quick" if quick else "full"]
    if large:
        plan = with_large(plan)

    def progress(message: str) -> None:
        typer.echo(f"… {message}", err=True)

    result = run_bench(
        plan, measured_at=Clock().now(), progress=progress, workdir=workdir, pg_url=pg
    )
    from bot.sim.bench.extract import extract_part, format_extract
    from bot.sim.bench.scratch import isolated

    progress("extract: the wire gold set, in a fresh process")
    result.update(
        isolated(extract_part, 0.2, ("heldout",)) if tiny else isolated(extract_part, 3.0)
    )
    typer.echo(format_report(result))
    typer.echo(format_extract(result))
    if json_file is not None:
        json_file.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", "utf-8")
        typer.echo(f"wrote {json_file}", err=True)
