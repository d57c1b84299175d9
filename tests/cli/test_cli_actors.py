"""`sitrep actors`, run as a real subprocess: find, add, alias, list, learn after an import."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.cli import run_sitrep as sitrep

pytestmark = [pytest.mark.slow, pytest.mark.subprocess]

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def test_actor_verbs(tmp_path: Path) -> None:
    db = f"sqlite+aiosqlite:///{tmp_path / 'actors.db'}"
    found = sitrep("actors", "find", "rsf", "--db", db)
    assert found.returncode == 0, found.stderr
    assert found.stdout.startswith("Rapid Support Forces\tarmed group\tSD TD\tshipped")
    added = sitrep("actors", "add", "Zed Brigade", "--alias", "ZB", "--kind", "militia", "--db", db)
    assert added.returncode == 0 and "added Zed Brigade" in added.stdout, added.stderr
    alias = sitrep("actors", "alias", "ZB", "Zeds", "--db", db)
    assert alias.returncode == 0 and "now means Zed Brigade" in alias.stdout
    taken = sitrep("actors", "alias", "Zed Brigade", "Hamas", "--db", db)
    assert taken.returncode == 1 and "already names Hamas" in taken.stderr
    missing = sitrep("actors", "find", "Hezbolah", "--db", db)
    assert missing.returncode == 1 and "did you mean Hezbollah" in missing.stderr
    militias = sitrep("actors", "list", "--kind", "militia", "--db", db)
    assert "Zed Brigade\tmilitia\tadmin" in militias.stdout
    imported = sitrep("import", str(FIXTURES / "acled_sample.csv"), "--db", db)
    assert imported.returncode == 0, imported.stderr
    learned = sitrep("actors", "list", "--kind", "unknown", "--db", db)
    assert "Government of Afghanistan (2004-2021)\tunknown\timport" in learned.stdout
    assert "Taliban\tunknown" not in learned.stdout
