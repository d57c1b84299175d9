"""Invented ACLED-style CSV files with damaged rows (a quote never closed, a NUL, bytes that are
not UTF-8) for the import tests."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

HEADER = ["event_id_cnty", "event_date", "event_type", "admin1", "location", "notes", "fatalities"]
PLACES = [("Herat", "Herat"), ("Kandahar", "Spin Boldak"), ("Kabul", "Kabul"), ("Balkh", "Mazar")]


def row_bytes(i: int) -> bytes:
    """One invented ACLED-style row (its notes hold a comma, so they are quoted)."""
    admin1, location = PLACES[i % len(PLACES)]
    day = date(2021, 1, 1).toordinal() + i % 200
    values = [
        f"TEST{i:05d}",
        date.fromordinal(day).isoformat(),
        "Battles",
        admin1,
        location,
        f"Invented test event {i}, a made-up clash near {location}.",
        str(i % 3),
    ]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(values)
    return out.getvalue().encode("utf-8")


def damaged_csv(path: Path, rows: int, damage: dict[int, bytes]) -> None:
    """`rows` invented rows; data row i sits on line i + 2 and is replaced by `damage[i]`."""
    lines = [",".join(HEADER).encode() + b"\n"]
    lines += [damage.get(i, row_bytes(i)) for i in range(rows)]
    path.write_bytes(b"".join(lines))


UNTERMINATED = b'TEST00499,2021-05-15,Battles,Herat,Herat,"A note whose quote never ends,0\n'
WITH_NUL = row_bytes(999).replace(b"made-up", b"made\0up")
NOT_UTF8 = row_bytes(1499).replace(b"clash", b"cl\xffa\xc3sh")
DAMAGE = {499: UNTERMINATED, 999: WITH_NUL, 1499: NOT_UTF8}
