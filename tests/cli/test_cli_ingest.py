"""`sitrep ingest` as a real subprocess (registered the way bot/cli/main.py does)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.subprocess]

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
# Works before and after bot/cli/main.py calls register(app) itself (register is idempotent).
ENTRY = "from bot.cli.main import app; from bot.cli.ingest import register; register(app); app()"


def run_ingest(*args: str) -> subprocess.CompletedProcess[str]:
    """Run `sitrep ingest ARGS` with a clean environment; return the finished process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_"))}
    env.pop("ADMIN_IDS", None)
    return subprocess.run(
        [sys.executable, "-c", ENTRY, "ingest", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_ingest_seed_then_again_then_bad_inputs(tmp_path: Path) -> None:
    db = f"sqlite+aiosqlite:///{tmp_path / 'ingest.db'}"
    seed = str(FIXTURES / "afghanistan-border-2021-07.txt")
    proc = run_ingest(seed, "--published", "2021-07-09", "--source", "AP via Newsweek", "--db", db)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert "new events" in lines[0]
    events = [ln for ln in lines if ln.startswith("  #")]
    assert len(events) >= 8
    assert any("8 Jul 2021  Islam Qala  Taliban fighters seized" in ln for ln in events)
    assert any("Feb 2021  Islam Qala" in ln for ln in events)

    again = run_ingest(seed, "--published", "2021-07-09", "--db", db)
    assert again.returncode == 0, again.stderr
    assert "already ingested" in again.stdout and "nothing changed" in again.stdout

    rewrite = str(FIXTURES / "ingest_islam_qala_rewrite_2021-07-09.txt")
    merged = run_ingest(rewrite, "--published", "2021-07-09", "--source", "Reuters", "--db", db)
    assert merged.returncode == 0, merged.stderr
    assert merged.stdout.count("merged into #") == 4

    bad_date = run_ingest(seed, "--published", "9 July", "--db", db)
    assert bad_date.returncode == 2
    assert bad_date.stderr.strip().splitlines() == [
        "sitrep: --published: expected a date like 2021-07-09, got '9 July'"
    ]

    binary = tmp_path / "photo.jpg"
    binary.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00")
    bad_file = run_ingest(str(binary), "--published", "2021-07-09", "--db", db)
    assert bad_file.returncode == 1
    assert len(bad_file.stderr.strip().splitlines()) == 1
    assert "photo.jpg" in bad_file.stderr and "binary" in bad_file.stderr
    assert "Traceback" not in bad_file.stderr + bad_date.stderr
