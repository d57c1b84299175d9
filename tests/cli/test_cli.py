"""The `sitrep` command line, run as a real subprocess."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.cli import run_sitrep

pytestmark = [pytest.mark.slow, pytest.mark.subprocess]


def test_chat_transcript_from_a_pipe(tmp_path: Path) -> None:
    db = f"sqlite+aiosqlite:///{tmp_path / 'chat.db'}"
    proc = run_sitrep("chat", "--db", db, stdin="/start\n/help\n")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "> /start" in out and "> /help" in out
    assert "Sitrep" in out and "Islam Qala" in out
    assert "/help — List the commands" in out
    assert out.index("> /start") < out.index("> /help")
    assert "Traceback" not in proc.stderr


def test_run_without_token_points_to_chat_and_runs_it(tmp_path: Path) -> None:
    db = f"sqlite+aiosqlite:///{tmp_path / 'run.db'}"
    proc = run_sitrep("run", "--db", db, stdin="/start\n", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "No TELEGRAM_BOT_TOKEN" in proc.stderr and "sitrep chat" in proc.stderr
    assert len([ln for ln in proc.stderr.splitlines() if "TELEGRAM_BOT_TOKEN" in ln]) == 1
    assert "Sitrep" in proc.stdout


@pytest.mark.parametrize(
    ("env", "names"),
    [
        ({"DATABASE_URL": "mysql://root@localhost/x"}, "DATABASE_URL"),
        ({"ADMIN_IDS": "777,abc"}, "ADMIN_IDS"),
        ({"ADMIN_IDS": "777;888"}, "ADMIN_IDS"),
        ({"DEFAULT_TIMEZONE": "Mars/Olympus"}, "DEFAULT_TIMEZONE"),
        ({"DEFAULT_BRIEFING_TIME": "7pm"}, "DEFAULT_BRIEFING_TIME"),
        ({"WEBHOOK_URL": "https://example.org/hook"}, "WEBHOOK_SECRET"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL"),
        ({"WEBHOOK_LISTEN": "nowhere"}, "WEBHOOK_LISTEN"),
    ],
)
def test_bad_setting_gives_one_line_and_exit_2(
    env: dict[str, str], names: str, tmp_path: Path
) -> None:
    proc = run_sitrep("db", "current", env=env, cwd=tmp_path)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert names in lines[0]
    assert "Traceback" not in proc.stderr


def test_db_verbs(tmp_path: Path) -> None:
    db = f"sqlite+aiosqlite:///{tmp_path / 'verbs.db'}"
    assert "current: empty" in run_sitrep("db", "current", "--db", db).stdout
    assert run_sitrep("db", "upgrade", "--db", db).returncode == 0
    assert "up to date" in run_sitrep("db", "current", "--db", db).stdout
    assert run_sitrep("db", "downgrade", "base", "--db", db).returncode == 0
    assert "current: empty" in run_sitrep("db", "current", "--db", db).stdout


def test_every_verb_has_help() -> None:
    for verb in (["run"], ["chat"], ["db", "upgrade"], ["db", "downgrade"], ["db", "current"]):
        proc = run_sitrep(*verb, "--help")
        assert proc.returncode == 0, verb
        assert "Usage" in proc.stdout


def test_bad_now_is_one_line(tmp_path: Path) -> None:
    db = f"sqlite+aiosqlite:///{tmp_path / 'now.db'}"
    proc = run_sitrep("chat", "--db", db, "--now", "yesterday-ish", stdin="/start\n")
    assert proc.returncode == 2
    assert "--now" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_places_verbs(tmp_path: Path) -> None:
    db = f"sqlite+aiosqlite:///{tmp_path / 'places.db'}"
    found = run_sitrep("places", "find", "Eslam Qaleh", "--db", db)
    assert found.returncode == 0 and "islam-qala" in found.stdout
    added = run_sitrep(
        "places",
        "add",
        "Kohsan Bazaar",
        "--parent",
        "Herat",
        "--lat",
        "34.6",
        "--lon",
        "61.2",
        "--alias",
        "Kuhsan Bazar",
        "--db",
        db,
    )
    assert added.returncode == 0 and "Herat province" in added.stdout
    again = run_sitrep("places", "find", "Kuhsan Bazar", "--db", db)
    assert "kohsan-bazaar" in again.stdout  # stored, so a new process knows it
    bad = run_sitrep("places", "add", "X", "--parent", "Zorgastan", "--db", db)
    assert bad.returncode == 2 and "unknown place" in bad.stderr
