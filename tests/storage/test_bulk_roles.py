"""Actor 1 and actor 2, the dataset's notes as summary and excerpt: ACLED, UCDP and JSONL imports
fill them, exports write them back, and re-importing an export changes nothing."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from bot.domain.bulk.importer import import_file
from bot.domain.bulk.notes import SUMMARY_CHARS, summary_of
from bot.domain.bulk.reading import Format
from bot.domain.events.model import EventStatus, EventView
from tests.support.bulk import domain_at, export_text
from tests.support.ucdp import ged_rows, write_ged

pytestmark = pytest.mark.slow

HEADER = [
    "event_id_cnty", "event_date", "time_precision", "event_type", "sub_event_type", "actor1",
    "assoc_actor_1", "actor2", "assoc_actor_2", "country", "admin1", "location", "source",
    "notes", "fatalities",
]  # fmt: skip

# Invented notes over the summary limit: the cut must fall after "…the convoy." and nowhere in
# an abbreviation ("U.N.", "Gen.", "approx.").
LONG_NOTES = (
    "On 2 May 2021, a militia ambushed a U.N. convoy on the road north of Bunia; Gen. Tata said "
    "approx. 12 vehicles were hit. "
    + "Residents described heavy gunfire near the market for most of the afternoon. " * 8
    + "Aid agencies suspended movements on the road and asked both sides to let the convoy pass."
)


def acled_rows() -> list[list[str]]:
    """Three invented ACLED-style rows: associates on both sides, no actor 2, long notes."""
    return [
        ["ROLE1", "2021-05-01", "1", "Battles", "Armed clash", "Militia A",
         "Militia B; Youth Group C", "Military Forces of Testland", "Police Forces of Testland",
         "Sudan", "Khartoum", "Omdurman", "Radio Dabanga",
         "On 1 May 2021, Militia A and Militia B clashed with the army in Omdurman.\n"
         "Two soldiers were killed.", "2"],
        ["ROLE2", "2021-05-02", "1", "Protests", "Peaceful protest", "Protesters (Testland)", "",
         "", "", "Sudan", "Khartoum", "Khartoum", "Sudan Tribune",
         "On 2 May 2021, protesters marched in Khartoum.", "0"],
        ["ROLE3", "2021-05-02", "1", "Battles", "Armed clash", "Militia A", "",
         "Civilians (Testland)", "", "Sudan", "Khartoum", "Bahri", "Radio Dabanga", LONG_NOTES,
         "0"],
    ]  # fmt: skip


def write_acled(path: Path) -> Path:
    """The invented ACLED rows as a CSV file."""
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(HEADER)
        out.writerows(acled_rows())
    return path


async def events(domain_url: str) -> dict[str, EventView]:
    """Every stored event by key."""
    async with domain_at(domain_url) as domain:
        views = await domain.events.list_events(statuses=tuple(EventStatus), limit=1000)
    return {v.external_key or "": v for v in views}


def test_notes_are_cut_only_at_a_sentence_end() -> None:
    assert summary_of("  Short  notes.\nKept whole. ") == "Short notes. Kept whole."
    summary = summary_of(LONG_NOTES)
    assert len(summary) <= SUMMARY_CHARS
    assert LONG_NOTES.startswith(summary)
    assert summary.endswith("afternoon.")
    assert "U.N. convoy" in summary and "approx. 12" in summary
    one_long_sentence = "word " * 200 + "end."
    assert summary_of(one_long_sentence) == " ".join(one_long_sentence.split())


async def test_acled_sides_notes_and_round_trip(db_url: str, tmp_path: Path) -> None:
    source = write_acled(tmp_path / "roles.csv")
    async with domain_at(db_url) as domain:
        report = await import_file(domain, source)
    assert (report.created, report.bad_rows) == (3, [])
    stored = await events(db_url)
    first = stored["acled:ROLE1"]
    assert first.actor1 == ("Militia A", "Militia B", "Youth Group C")
    assert first.actor2 == ("Military Forces of Testland", "Police Forces of Testland")
    assert set(first.actors) == set(first.actor1) | set(first.actor2)
    assert first.summary == (
        "On 1 May 2021, Militia A and Militia B clashed with the army in Omdurman. "
        "Two soldiers were killed."
    )
    assert first.excerpt == acled_rows()[0][13]
    assert (stored["acled:ROLE2"].actor1, stored["acled:ROLE2"].actor2) == (
        ("Protesters (Testland)",),
        (),
    )
    long = stored["acled:ROLE3"]
    assert long.excerpt == LONG_NOTES
    assert long.summary == summary_of(LONG_NOTES) != LONG_NOTES

    async with domain_at(db_url) as domain:
        exported = await export_text(domain, Format.ACLED)
    rows = {r["event_id_cnty"]: r for r in csv.DictReader(io.StringIO(exported))}
    assert (rows["ROLE1"]["actor1"], rows["ROLE1"]["assoc_actor_1"]) == (
        "Militia A",
        "Militia B; Youth Group C",
    )
    assert (rows["ROLE1"]["actor2"], rows["ROLE1"]["assoc_actor_2"]) == (
        "Military Forces of Testland",
        "Police Forces of Testland",
    )
    assert rows["ROLE3"]["notes"] == LONG_NOTES
    again = tmp_path / "again.csv"
    again.write_text(exported, encoding="utf-8")
    async with domain_at(db_url) as domain:
        report = await import_file(domain, again)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)


async def test_ucdp_sides_are_actor_1_and_actor_2(db_url: str, tmp_path: Path) -> None:
    rows = ged_rows()[:4]
    async with domain_at(db_url) as domain:
        report = await import_file(domain, write_ged(tmp_path / "ged.csv", rows))
        assert report.bad_rows == []
        exported = await export_text(domain, Format.UCDP)
    stored = await events(db_url)
    for row in rows:
        view = stored[f"ucdp:{row['id']}"]
        assert view.actor1 == (row["side_a"],)
        assert view.actor2 == (row["side_b"],)
    back = {r["id"]: r for r in csv.DictReader(io.StringIO(exported))}
    assert {(r["side_a"], r["side_b"]) for r in back.values()} == {
        (r["side_a"], r["side_b"]) for r in rows
    }


async def test_jsonl_round_trip_keeps_sides_injuries_and_excerpt(
    db_url: str, tmp_path: Path
) -> None:
    async with domain_at(db_url) as domain:
        await import_file(domain, write_acled(tmp_path / "roles.csv"))
        first = await export_text(domain)
    assert '"actor1":["Militia A","Militia B","Youth Group C"]' in first
    edited = first.replace('"injuries":null', '"injuries":4', 1)
    path = tmp_path / "edited.jsonl"
    path.write_text(edited, encoding="utf-8")
    async with domain_at(db_url) as domain:
        report = await import_file(domain, path)
        assert (report.updated, report.unchanged) == (1, 2)
        assert await export_text(domain) == edited
