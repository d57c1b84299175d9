"""The world gazetteer's file: a read-only SQLite database shipped beside the code.

Its schema lives here with the writer the build uses (``bot.data.build_atlas``); the reader is
``bot.store.atlas``. Places are rows; their index names (normalized, and folded where folding
changes them) are two WITHOUT ROWID tables keyed by the name, so a lookup is one B-tree probe
and the file is never loaded whole.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

SCHEMA_VERSION = "1"
KINDS = ("country", "province", "district", "town", "crossing", "other")  # kind column: index
COORDINATE_SCALE = 100_000  # lat/lon stored as integers of 1e-5 degrees

SCHEMA = """
CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE place (
    id INTEGER PRIMARY KEY,
    key TEXT,
    name TEXT NOT NULL,
    kind INTEGER NOT NULL,
    kind_name INTEGER,
    parent INTEGER,
    admin1 INTEGER,
    country TEXT NOT NULL,
    lat INTEGER,
    lon INTEGER,
    pop INTEGER,
    tz INTEGER,
    borders TEXT,
    source TEXT
);
CREATE TABLE zone (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE kind_name (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE label (place INTEGER NOT NULL, text TEXT NOT NULL, local INTEGER NOT NULL);
CREATE TABLE name (norm TEXT NOT NULL, place INTEGER NOT NULL, PRIMARY KEY (norm, place))
    WITHOUT ROWID;
CREATE TABLE fold (fold TEXT NOT NULL, place INTEGER NOT NULL, PRIMARY KEY (fold, place))
    WITHOUT ROWID;
CREATE TABLE typo (fold TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE demonym (norm TEXT NOT NULL, place INTEGER NOT NULL, PRIMARY KEY (norm, place))
    WITHOUT ROWID;
CREATE TABLE word (norm TEXT PRIMARY KEY, zipf INTEGER NOT NULL) WITHOUT ROWID;
"""

INDEXES = """
CREATE UNIQUE INDEX place_key ON place (key) WHERE key IS NOT NULL;
CREATE INDEX place_parent ON place (parent);
CREATE INDEX label_place ON label (place);
"""


@dataclass(slots=True)
class AtlasRow:
    """One place as the file stores it."""

    id: int
    key: str | None
    name: str
    kind: str
    kind_name: str | None
    parent: int | None
    admin1: int | None
    country: str
    lat: float | None
    lon: float | None
    population: int | None
    tz: str | None
    borders: str | None
    source: str | None
    norms: set[str]
    folds: set[str]
    typos: set[str] = field(default_factory=set)
    demonyms: set[str] = field(default_factory=set)  # normalized
    aliases: tuple[str, ...] = ()
    names_local: tuple[str, ...] = ()


def write_atlas(
    path: Path, rows: Iterable[AtlasRow], meta: dict[str, str], words: dict[str, int]
) -> None:
    """Write a fresh atlas file from `rows` and the frequent `words` (Zipf x10), compacted."""
    tmp = path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    db = sqlite3.connect(tmp)
    try:
        db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA page_size=4096;")
        db.executescript(SCHEMA)
        zones: dict[str, int] = {}
        kind_names: dict[str, int] = {}
        names: list[tuple[str, int]] = []
        folds: list[tuple[str, int]] = []
        typos: set[str] = set()
        demonyms: list[tuple[str, int]] = []
        for r in rows:
            tz = None
            if r.tz:
                tz = zones.setdefault(r.tz, len(zones) + 1)
            kind_name = None
            if r.kind_name:
                kind_name = kind_names.setdefault(r.kind_name, len(kind_names) + 1)
            db.execute(
                "INSERT INTO place VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    r.id, r.key, r.name, KINDS.index(r.kind), kind_name, r.parent, r.admin1,
                    r.country, _scaled(r.lat), _scaled(r.lon), r.population, tz, r.borders,
                    r.source,
                ),
            )  # fmt: skip
            names.extend((n, r.id) for n in r.norms)
            folds.extend((f, r.id) for f in r.folds)
            typos |= r.typos
            demonyms.extend((d, r.id) for d in r.demonyms)
            db.executemany(
                "INSERT INTO label VALUES (?,?,?)",
                [(r.id, a, 0) for a in r.aliases] + [(r.id, a, 1) for a in r.names_local],
            )
        db.executemany("INSERT INTO zone VALUES (?,?)", [(i, z) for z, i in zones.items()])
        db.executemany(
            "INSERT INTO kind_name VALUES (?,?)", [(i, k) for k, i in kind_names.items()]
        )
        db.executemany("INSERT OR IGNORE INTO name VALUES (?,?)", sorted(names))
        db.executemany("INSERT OR IGNORE INTO fold VALUES (?,?)", sorted(folds))
        db.executemany("INSERT INTO typo VALUES (?)", [(t,) for t in sorted(typos)])
        db.executemany("INSERT OR IGNORE INTO demonym VALUES (?,?)", sorted(demonyms))
        db.executemany("INSERT INTO word VALUES (?,?)", sorted(words.items()))
        meta = {**meta, "schema": SCHEMA_VERSION}
        db.executemany("INSERT INTO meta VALUES (?,?)", sorted(meta.items()))
        db.executescript(INDEXES)
        db.commit()
        db.execute("VACUUM")
    finally:
        db.close()
    tmp.replace(path)


def _scaled(value: float | None) -> int | None:
    return None if value is None else round(value * COORDINATE_SCALE)
