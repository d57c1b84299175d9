"""UCDP GED test files: the invented sample (six countries, the real column layout), its rows
as dicts, and writing edited rows back out."""

from __future__ import annotations

import csv
from pathlib import Path

from bot.domain.bulk.ucdp import COLUMNS

UCDP_FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ucdp"
GED_SAMPLE = UCDP_FIXTURES / "ged_sample.csv"
GED_BAD_ROWS = UCDP_FIXTURES / "ged_bad_rows.csv"

# ids of the sample's rows by country
AFGHAN_IDS = ("990001", "990002", "990003", "990004", "990005")
WORLD_IDS = ("990101", "990102", "990103", "990201", "990301", "990302", "990401", "990501")


def ged_rows(path: Path = GED_SAMPLE) -> list[dict[str, str]]:
    """The rows of a GED CSV as dicts, in file order."""
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def ged_row(event_id: str) -> dict[str, str]:
    """One row of the sample by its UCDP id."""
    return next(r for r in ged_rows() if r["id"] == event_id)


def write_ged(path: Path, rows: list[dict[str, str]], columns: tuple[str, ...] = COLUMNS) -> Path:
    """Write rows as a GED CSV (columns missing from a row are empty)."""
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path
