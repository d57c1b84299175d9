"""Lazy start-up, checked by what is loaded (never by a clock): `sitrep ask` answers without
python-telegram-bot, Alembic or any model; verbs' modules load when they run; services are built
on first use; the migration check reads a current SQLite file without an engine."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.bootstrap import open_services
from bot.config import Settings
from bot.domain.clock import FixedClock
from bot.store.migrate import shipped_head, sqlite_file_revisions, upgrade_if_behind
from tests.support import dbtools
from tests.support.question_events import NOW, store_events

# Nothing `sitrep ask` needs: the Telegram stack, migrations machinery, language models, feeds,
# documents and pictures, the sender, editions, and PostgreSQL's dialect on a SQLite store.
NOT_FOR_ASK = (
    "telegram",
    "apscheduler",
    "httpx",
    "alembic",
    "spacy",
    "thinc",
    "fpdf",
    "feedparser",
    "trafilatura",
    "PIL",
    "matplotlib",
    "numpy",
    "bot.telegram",
    "bot.delivery",
    "bot.feeds",
    "bot.domain.ingest.service",
    "bot.domain.editions.compose",
    "bot.render.pictures",
    "sqlalchemy.dialects.postgresql",
)
VERB_MODULES = ("bot.cli.ask", "bot.cli.io", "bot.cli.bench", "bot.cli.brief", "bot.cli.sources")

RUN_AND_LIST = (
    "import json, runpy, sys\n"
    "sys.argv = ['sitrep', *sys.argv[1:]]\n"
    "try:\n"
    "    runpy.run_module('bot.cli.main', run_name='__main__')\n"
    "except SystemExit as exc:\n"
    "    assert not exc.code, exc.code\n"
    "print('LOADED:' + json.dumps(sorted(sys.modules)))\n"
)


def run_sitrep(*args: str, cwd: Path) -> tuple[str, set[str]]:
    """Run `sitrep ARGS` in a fresh interpreter; return its output and every module it loaded."""
    done = subprocess.run(
        [sys.executable, "-c", RUN_AND_LIST, *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
        cwd=cwd,
    )
    out, _, loaded = done.stdout.rpartition("LOADED:")
    return out, set(json.loads(loaded))


def loaded_of(modules: set[str], names: tuple[str, ...]) -> list[str]:
    """The names (packages or modules) of which something is loaded."""
    return [n for n in names if any(m == n or m.startswith(n + ".") for m in modules)]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated SQLite file holding the question fixtures' events."""
    url = dbtools.sqlite_url(tmp_path_factory.mktemp("lazy") / "store.db")

    async def fill() -> None:
        await dbtools.prepare(url)
        settings = Settings(_env_file=None, database_url=url)  # type: ignore[call-arg]
        async with open_services(settings, FixedClock(NOW)) as services:
            await store_events(services.events)

    import asyncio

    asyncio.run(fill())
    return url


@pytest.mark.subprocess
@pytest.mark.slow
def test_ask_answers_without_the_telegram_stack_alembic_or_models(
    store: str, tmp_path: Path
) -> None:
    question = "what happened at Islam Qala?"
    out, loaded = run_sitrep(
        "ask", question, "--now", "2021-07-15T09:00+04:30", "--db", store, cwd=tmp_path
    )
    assert "The Taliban seized the Islam Qala border crossing" in out
    assert "[1] Subscribe to Islam Qala" in out  # the answer's buttons, as the bot labels them
    assert loaded_of(loaded, NOT_FOR_ASK) == []
    # only the verb that ran was imported
    assert loaded_of(loaded, VERB_MODULES) == ["bot.cli.ask"]


@pytest.mark.subprocess
def test_help_of_one_verb_imports_only_that_verb(tmp_path: Path) -> None:
    out, loaded = run_sitrep("ask", "--help", cwd=tmp_path)
    assert "Usage: sitrep ask" in out
    assert loaded_of(loaded, VERB_MODULES) == ["bot.cli.ask"]
    assert loaded_of(loaded, ("sqlalchemy", "bot.bootstrap", "bot.config", *NOT_FOR_ASK)) == []


@pytest.mark.subprocess
def test_the_verb_list_names_every_verb(tmp_path: Path) -> None:
    out, _ = run_sitrep("--help", cwd=tmp_path)
    for verb in ("run", "chat", "db", "ask", "import", "export", "bench", "places", "sources"):
        assert f" {verb} " in out


async def test_services_are_built_on_first_use_and_kept(sqlite_db_url: str) -> None:
    settings = Settings(_env_file=None, database_url=sqlite_db_url)  # type: ignore[call-arg]
    async with open_services(settings, FixedClock(NOW), check=False) as services:
        assert "briefings" not in vars(services) and "fetcher" not in vars(services)
        briefings = services.briefings
        assert services.briefings is briefings
        # what a service is built with is the container's own, shared with the other services
        assert services.pushes._briefings is briefings
        assert services.review._outbox is services.outbox is services.pushes._outbox
        assert "fetcher" not in vars(services)  # closing never opens what was not used


async def test_a_current_sqlite_file_is_checked_without_alembic(sqlite_db_url: str) -> None:
    assert sqlite_file_revisions(sqlite_db_url) == {shipped_head()}
    assert await upgrade_if_behind(sqlite_db_url) is False


def test_no_stored_revision_without_a_sqlite_file(tmp_path: Path) -> None:
    assert sqlite_file_revisions(dbtools.sqlite_url(tmp_path / "absent.db")) is None
    assert not (tmp_path / "absent.db").exists()  # reading never creates the file
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    assert sqlite_file_revisions(dbtools.sqlite_url(empty)) is None  # no alembic_version table
    assert sqlite_file_revisions("postgresql+asyncpg://u@localhost/x") is None
