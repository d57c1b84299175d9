"""`sitrep bench`: a tiny run's JSON has every key with sane values; generators and goal checks."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from bot.cli.bench import register
from bot.domain.bulk.reading import Format, read_rows
from bot.domain.bulk.types import BadRow
from bot.sim.bench import PLANS, filter_sets, goal_checks, write_acled_csv
from bot.store.atlas import world_gazetteer

pytestmark = [pytest.mark.subprocess, pytest.mark.slow]

REQUIRED_KEYS = (
    "ask_p95_ms",
    "ask_p50_ms_sqlite_1k",
    "ask_p95_ms_sqlite_1k",
    "baseline_p95_ms_sqlite_1k",
    "compose_s",
    "broadcast_ratio_30",
    "broadcast_ratio_1000",
    "import_rows_per_s",
    "import_rows_per_s_sqlite",
    "cli_ask_s",
    "first_reply_s",
    "idle_rss_mb",
    "peak_rss_mb",
    "gazetteer_load_s",
    "gazetteer_rss_mb",
    "events",
    "subscribers",
    "machine",
    "measured_at",
)


def cli() -> typer.Typer:
    """A command line with only `bench` registered (as bot.cli.main does)."""
    app = typer.Typer()
    register(app)

    @app.callback()
    def root() -> None:
        """Keep `bench` a subcommand."""

    return app


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], str, Path]:
    """One `sitrep bench --tiny --json FILE` run, shared by the checks below."""
    tmp = tmp_path_factory.mktemp("bench")
    configured = tmp / "configured" / "sitrep.db"
    out = tmp / "bench.json"
    result = CliRunner().invoke(
        cli(),
        ["bench", "--tiny", "--json", str(out), "--workdir", str(tmp)],
        env={"DATABASE_URL": f"sqlite+aiosqlite:///{configured}"},
    )
    assert result.exit_code == 0, result.output
    return json.loads(out.read_text("utf-8")), result.output, tmp


def test_tiny_run_writes_every_key(tiny_run: tuple[dict[str, Any], str, Path]) -> None:
    data, _, _ = tiny_run
    missing = [k for k in REQUIRED_KEYS if k not in data]
    assert missing == []
    assert data["events"] == max(PLANS["tiny"].ask_sizes)
    assert data["subscribers"] == PLANS["tiny"].subscribers


@pytest.mark.parametrize(
    ("key", "low", "high"),
    [
        ("ask_p95_ms", 0.0, 60_000.0),
        ("ask_p50_ms_sqlite_1k", 0.0, 60_000.0),
        ("baseline_p95_ms_sqlite_1k", 0.0, 60_000.0),
        ("compose_s", 0.0, 600.0),
        ("broadcast_ratio_30", 0.0, 1.05),
        ("broadcast_ratio_1000", 0.0, 1.05),
        ("import_rows_per_s", 0.0, 10_000_000.0),
        ("peak_rss_mb", 10.0, 100_000.0),
        ("gazetteer_load_s", 0.0, 60.0),
        ("gazetteer_rss_mb", -50.0, 10_000.0),
        ("import_rows_per_s_sqlite", 0.0, 10_000_000.0),
        ("cli_ask_s", 0.0, 600.0),
        ("first_reply_s", 0.0, 600.0),
        ("idle_rss_mb", 10.0, 100_000.0),
    ],
)
def test_tiny_run_values_are_sane(
    tiny_run: tuple[dict[str, Any], str, Path], key: str, low: float, high: float
) -> None:
    data, _, _ = tiny_run
    assert isinstance(data[key], int | float)
    assert low < data[key] <= high


def test_tiny_run_did_the_work_it_reports(tiny_run: tuple[dict[str, Any], str, Path]) -> None:
    data, _, _ = tiny_run
    plan = PLANS["tiny"]
    compose = data["compose"]
    assert compose["due"] == plan.subscribers
    assert compose["enqueued"] >= plan.subscribers  # one row per part, empty notes included
    assert 1 < compose["editions_rendered"] <= plan.filter_sets
    for cap, messages in plan.broadcasts:
        run = data["broadcast"][str(cap)]
        assert run["sent"] == messages
        assert run["throttled_429"] == 0  # the sender keeps under the Bot API's cap
    assert data["import"]["created"] == plan.import_rows
    assert data["import"]["bad_rows"] == 0
    startup = data["startup"]
    assert startup["cli_ask_answered"] is True  # `sitrep ask` printed an answer
    assert startup["events"] == plan.import_rows  # on the store the import filled


def test_each_part_ran_in_a_process_of_its_own(
    tiny_run: tuple[dict[str, Any], str, Path],
) -> None:
    data, _, _ = tiny_run
    parts = [
        *data["ask"]["sqlite"].values(),
        data["compose"],
        *data["broadcast"].values(),
        data["import"],
    ]
    pids = [part["pid"] for part in parts]
    assert len(set(pids)) == len(parts) and os.getpid() not in pids
    assert data["peak_rss_mb"] == max(part["rss_after_mb"] for part in parts)


def test_tiny_run_leaves_the_configured_database_and_scratch_alone(
    tiny_run: tuple[dict[str, Any], str, Path],
) -> None:
    _, output, tmp = tiny_run
    assert not (tmp / "configured").exists()
    assert [p.name for p in tmp.iterdir() if p.name.startswith("sitrep-bench-")] == []
    assert "Goals:" in output and "× plain baseline p95 (sqlite, 1k events)" in output


def test_synthetic_acled_csv_parses_without_bad_rows(tmp_path: Path) -> None:
    path = tmp_path / "acled.csv"
    write_acled_csv(path, 200, world_gazetteer())
    rows = list(read_rows(path, Format.ACLED, date(2021, 8, 20)))
    assert len(rows) == 200
    assert [r for r in rows if isinstance(r, BadRow)] == []


@pytest.mark.parametrize("count", [1, 10, 50])
def test_filter_sets_are_distinct(count: int) -> None:
    sets = filter_sets(world_gazetteer(), count)
    assert len(sets) == count == len(set(sets))
    assert sets[0] == ((), ())


def _result(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "events": 1_000_000,
        "subscribers": 100_000,
        "ask": {
            "sqlite": {
                "1000000": {"ask_p50_ms": 4.0, "ask_p95_ms": 20.0, "ask_vs_baseline_p95_ratio": 0.3}
            },
            "postgresql": {
                "10000000": {
                    "ask_p50_ms": 9.0,
                    "ask_p95_ms": 45.0,
                    "ask_vs_baseline_p95_ratio": 0.6,
                }
            },
        },
        "compose_s": 8.0,
        "broadcast_ratio_30": 0.98,
        "broadcast_ratio_1000": 0.99,
        "import_rows_per_s": 45_000,
        "import_rows_per_s_sqlite": 45_000,
        "import_rows_per_s_postgresql": 55_000,
        "peak_rss_mb": 150.0,
        "gazetteer_load_s": 0.1,
        "gazetteer_rss_mb": 20.0,
    }
    return base | overrides


@pytest.mark.parametrize(
    ("overrides", "label_part", "met"),
    [
        ({}, "ask p95 ≤ 25.0 ms (sqlite, 1m events)", True),
        ({}, "ask p50 ≤ 5.0 ms (sqlite, 1m events)", True),
        ({}, "plain baseline p95 (sqlite, 1m events)", True),
        ({}, "ask p95 ≤ 50.0 ms (postgresql, 10m events)", True),
        ({}, "plain baseline p95 (postgresql, 10m events)", False),
        (
            {"ask": {"sqlite": {"1000": {"ask_p95_ms": 90.0, "ask_p50_ms": 1.0}}}},
            "ask p95 ≤ ? ms (sqlite, 1k events)",
            None,
        ),
        ({"compose_s": 12.0}, "≤ 10 s", False),
        ({"subscribers": 10_000}, "≤ 10 s", None),
        ({"broadcast_ratio_30": 0.96}, "30 msg/s", False),
        ({"broadcast_ratio_1000": 0.97}, "1,000 msg/s", True),
        ({}, "SQLite ≥ 40k rows/s", True),
        ({"import_rows_per_s_sqlite": 39_999}, "SQLite ≥ 40k rows/s", False),
        ({"import_rows_per_s_postgresql": 49_999}, "PostgreSQL ≥ 50k rows/s", False),
        ({"import_rows_per_s_postgresql": None}, "PostgreSQL ≥ 50k rows/s", None),
        ({"peak_rss_mb": 201.0}, "200 MB", False),
        ({"events": 100_000}, "200 MB", None),
        ({}, "gazetteer ready", True),
        ({"gazetteer_load_s": 0.5}, "gazetteer ready", False),
        ({"gazetteer_rss_mb": 90.0}, "80 MB resident", False),
    ],
)
def test_goal_checks(overrides: dict[str, Any], label_part: str, met: bool | None) -> None:
    [check] = [c for c in goal_checks(_result(**overrides)) if label_part in c[0]]
    assert check[2] is met
