"""Quick start-up: the command line imports only what a verb uses, and the migration check at
start runs Alembic only when the database is not at the shipped head."""

from __future__ import annotations

import gzip
import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli.io import FileFormat
from bot.domain.bulk.reading import Format
from bot.render.bytecode import template_cache
from bot.render.environment import check_templates, create_environment
from bot.store.atlas import unpack
from bot.store.migrate import (
    current_revision,
    downgrade,
    head_revision,
    shipped_head,
    upgrade_if_behind,
)

# Heavy modules no verb needs merely to be registered (or to print --help).
HEAVY = (
    "alembic",
    "sqlalchemy",
    "telegram",
    "pydantic",
    "dateparser",
    "bot.config",
    "bot.bootstrap",
    "bot.store.models",
    "bot.domain.bulk.reading",
    "bot.domain.places.gazetteer",
    "bot.sim",
    *("spacy", "thinc", "matplotlib", "feedparser", "numpy"),
)
# Loaded only by what needs them (an article ingested, a chart drawn, a feed polled): never by
# starting the application and answering a question.
MODELS_AND_CHARTS = ("spacy", "thinc", "matplotlib", "feedparser", "numpy", "PIL", "torch")


def test_shipped_head_read_from_the_files_is_alembics_head() -> None:
    assert shipped_head() is not None
    assert shipped_head() == head_revision()


def test_format_choices_mirror_the_bulk_formats() -> None:
    assert [f.value for f in FileFormat] == [f.value for f in Format]


def test_importing_the_command_line_leaves_heavy_modules_out() -> None:
    code = f"import sys, bot.cli.main\nprint(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == ""


async def test_upgrade_if_behind_runs_alembic_only_when_needed(empty_db_url: str) -> None:
    assert await upgrade_if_behind(empty_db_url) is True
    assert await current_revision(empty_db_url) == head_revision()
    assert await upgrade_if_behind(empty_db_url) is False
    await downgrade(empty_db_url, "-1")
    assert await current_revision(empty_db_url) != head_revision()
    assert await upgrade_if_behind(empty_db_url) is True
    assert await current_revision(empty_db_url) == head_revision()


def test_compiled_templates_are_kept_between_starts(tmp_path: Path) -> None:
    cache = template_cache(tmp_path / "templates")
    assert cache is not None
    first = create_environment()
    first.bytecode_cache = cache
    names = check_templates(first)
    kept = list((tmp_path / "templates").glob("sitrep-*.cache"))
    assert len(kept) == len(names) > 0
    stamps = {p: p.stat().st_mtime_ns for p in kept}
    again = create_environment()
    again.bytecode_cache = template_cache(tmp_path / "templates")
    assert check_templates(again) == names
    assert {p: p.stat().st_mtime_ns for p in kept} == stamps  # read back, not written again


def test_no_template_cache_where_it_cannot_be_written(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory", encoding="utf-8")
    assert template_cache(blocker / "templates") is None


@pytest.mark.subprocess
@pytest.mark.slow
def test_answering_a_question_leaves_models_and_charts_out(tmp_path: Path) -> None:
    code = (
        "import runpy, sys\n"
        "try:\n"
        "    runpy.run_module('bot.cli.main', run_name='__main__')\n"
        "except SystemExit as exc:\n"
        "    assert not exc.code, exc.code\n"
        f"heavy = {MODELS_AND_CHARTS!r}\n"
        "print('LOADED:' + ','.join(sorted({m for m in sys.modules if m.split('.')[0] in heavy})))"
    )
    db = f"sqlite+aiosqlite:///{tmp_path / 'sitrep.db'}"
    done = subprocess.run(
        [sys.executable, "-c", code, "ask", "what happened at Islam Qala?", "--db", db],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
        cwd=tmp_path,
    )
    *answer, loaded = done.stdout.strip().splitlines()
    assert answer  # the app started and answered
    assert loaded == "LOADED:"


def test_the_gazetteer_is_hashed_once_per_version_of_its_file(tmp_path: Path) -> None:
    packed = tmp_path / "atlas.sqlite.gz"
    packed.write_bytes(gzip.compress(b"first version"))
    cache = tmp_path / "cache"
    first = unpack(packed, cache)
    assert first.read_bytes() == b"first version"
    (stamp,) = cache.glob("atlas-*.digest")
    assert stamp.read_text("ascii") == hashlib.sha256(packed.read_bytes()).hexdigest()
    assert unpack(packed, cache) == first  # read from the stamp, same file
    packed.write_bytes(gzip.compress(b"second version, a new release"))
    second = unpack(packed, cache)
    assert second != first and second.read_bytes() == b"second version, a new release"
    assert len(list(cache.glob("atlas-*.digest"))) == 2
