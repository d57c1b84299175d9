"""The world gazetteer's reader: places and names from the shipped SQLite file (stdlib sqlite3).

The package ships ``bot/data/atlas.sqlite.gz``; the first open unpacks it once into a cache
directory (``SITREP_CACHE_DIR``, else ``$XDG_CACHE_HOME/sitrep``, else ``~/.cache/sitrep``, else
the temporary directory) under a name holding its digest, so every later start opens it at
once. Queries read a few pages each; the file is never loaded whole. Implements
``bot.domain.places.ports.PlaceAtlas``.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import logging
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Collection, Iterable
from importlib import resources
from pathlib import Path
from typing import Any

from bot.domain.places.gazetteer import Gazetteer
from bot.domain.places.keys import derived_key, slug, split_derived
from bot.domain.places.model import Place, PlaceKind
from bot.store.atlas_file import COORDINATE_SCALE, KINDS

log = logging.getLogger(__name__)

PACKAGED = ("data", "atlas.sqlite.gz")
CHUNK = 400  # names per IN (...) query
MAX_WORDS = 20_000  # word frequencies remembered (then forgotten)
MAX_TYPO_BUCKETS = 4096  # typo ranges remembered by first letter (any script: then forgotten)
MAX_NAMES = 50_000  # keys, names and ids looked up, remembered (then forgotten)
_COLUMNS = "id, key, name, kind, kind_name, parent, country, lat, lon, pop, tz, borders, source"


class SqliteAtlas:
    """Read-only access to an atlas file; safe across forks (reopens in a new process)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._pid = -1
        self._db: sqlite3.Connection | None = None
        self._places: dict[int, Place] = {}
        self._kind_names: dict[int, str] = {}
        self._zones: dict[int, str] = {}
        self._count = 0
        self._typos: dict[str, list[str]] = {}
        self._words: dict[str, float] = {}
        self._desc: dict[str, frozenset[str]] = {}
        # The file is immutable: what a key or name found once, it finds again.  An article
        # asks for the same keys and names hundreds of times (one query each, before).
        self._ids: dict[str, int | None] = {}
        self._found: dict[tuple[str, str], tuple[int, ...]] = {}
        self._key_by_id: dict[int, str] = {}
        self._connect()

    @classmethod
    def open_default(cls) -> SqliteAtlas:
        """The shipped atlas, unpacked on first use."""
        return _default_atlas()

    def _connect(self) -> sqlite3.Connection:
        if self._db is None or self._pid != os.getpid():
            uri = f"file:{self.path}?mode=ro&immutable=1"
            self._db = sqlite3.connect(uri, uri=True, check_same_thread=False)
            self._pid = os.getpid()
            self._kind_names = dict(self._db.execute("SELECT id, name FROM kind_name").fetchall())
            self._zones = dict(self._db.execute("SELECT id, name FROM zone").fetchall())
            meta = dict(self._db.execute("SELECT k, v FROM meta").fetchall())
            self._count = int(meta.get("places", "0"))
        return self._db

    def _rows(self, sql: str, params: Collection[object] = ()) -> list[tuple[object, ...]]:
        return self._connect().execute(sql, tuple(params)).fetchall()

    def __len__(self) -> int:
        """How many places the file holds."""
        return self._count

    # ----------------------------------------------------------------- places
    def get(self, key: str) -> Place | None:
        """The place with this key, or None."""
        derived = split_derived(key)
        if derived is not None:
            place = self._by_id(derived[1])
            return place if place is not None and place.key == key else None
        if key in self._ids:
            pid = self._ids[key]
        else:
            rows = self._rows("SELECT id FROM place WHERE key = ?", (key,))
            pid = int(str(rows[0][0])) if rows else None
            _remember(self._ids, key, pid)
        return self._by_id(pid) if pid is not None else None

    def _by_id(self, place_id: int) -> Place | None:
        place = self._places.get(place_id)
        if place is None:
            rows = self._rows(f"SELECT {_COLUMNS} FROM place WHERE id = ?", (place_id,))
            if not rows:
                return None
            place = self._place(rows[0])
            if len(self._places) > 50_000:
                self._places.clear()
            self._places[place_id] = place
        return place

    def _key_of(self, place_id: int | None) -> str | None:
        if place_id is None:
            return None
        place = self._by_id(place_id)
        return place.key if place is not None else None

    def _place(self, row: tuple[object, ...]) -> Place:
        pid, key, name, kind, kind_name, parent, country, lat, lon, pop, tz, borders, src = row
        aliases: tuple[str, ...] = ()
        local: tuple[str, ...] = ()
        if key is not None:
            labels = self._rows("SELECT text, local FROM label WHERE place = ?", (pid,))
            aliases = tuple(str(t) for t, loc in labels if not loc)
            local = tuple(str(t) for t, loc in labels if loc)
        return Place(
            key=str(key) if key is not None else derived_key(str(name), int(str(pid))),
            name=str(name),
            kind=PlaceKind(KINDS[int(str(kind))]),
            parent=self._key_of(int(str(parent))) if parent is not None else None,
            country=str(country),
            lat=None if lat is None else int(str(lat)) / COORDINATE_SCALE,
            lon=None if lon is None else int(str(lon)) / COORDINATE_SCALE,
            aliases=aliases,
            names_local=local,
            borders=str(borders) if borders else None,
            population=int(str(pop)) if pop is not None else None,
            source=str(src) if src else "geonames",
            kind_name=self._kind_names.get(int(str(kind_name))) if kind_name else None,
            tz=self._zones.get(int(str(tz))) if tz else None,
        )

    def _keys(self, ids: Collection[int]) -> dict[int, str]:
        out: dict[int, str] = {}
        todo: list[int] = []
        for i in ids:
            known = self._key_by_id.get(i)
            if known is None:
                todo.append(i)
            else:
                out[i] = known
        for start in range(0, len(todo), CHUNK):
            part = todo[start : start + CHUNK]
            marks = ",".join("?" * len(part))
            for pid, key, name in self._rows(
                f"SELECT id, key, name FROM place WHERE id IN ({marks})", part
            ):
                i = int(str(pid))
                out[i] = str(key) if key is not None else derived_key(str(name), i)
                _remember(self._key_by_id, i, out[i])
        return out

    # ----------------------------------------------------------------- names
    def _lookup(self, table: str, column: str, values: Collection[str]) -> dict[str, list[int]]:
        wanted = sorted(set(values))
        known = {v: self._found.get((table, v)) for v in wanted}
        todo = [v for v, ids in known.items() if ids is None]
        fresh: dict[str, list[int]] = {}
        for start in range(0, len(todo), CHUNK):
            part = todo[start : start + CHUNK]
            marks = ",".join("?" * len(part))
            sql = f"SELECT {column}, place FROM {table} WHERE {column} IN ({marks})"
            for value, pid in self._rows(sql, part):
                fresh.setdefault(str(value), []).append(int(str(pid)))
        for value in todo:
            _remember(self._found, (table, value), tuple(fresh.get(value, ())))
        found: dict[str, list[int]] = {}
        for value in wanted:  # in the order of the names, as the query returns them
            ids = known[value] or fresh.get(value)
            if ids:
                found[value] = list(ids)
        return found

    def _as_keys(self, found: dict[str, list[int]]) -> dict[str, list[str]]:
        keys = self._keys({i for ids in found.values() for i in ids})
        return {name: [keys[i] for i in ids if i in keys] for name, ids in found.items()}

    def keys_by_norm(self, norms: Collection[str]) -> dict[str, list[str]]:
        """Place keys for each normalized name found (names not found are left out)."""
        return self._as_keys(self._lookup("name", "norm", norms))

    def keys_by_fold(self, folds: Collection[str]) -> dict[str, list[str]]:
        """Place keys for each folded name found, exact names included."""
        found = self._lookup("fold", "fold", folds)
        for name, ids in self._lookup("name", "norm", folds).items():
            found.setdefault(name, []).extend(i for i in ids if i not in found.get(name, ()))
        return self._as_keys(found)

    def keys_by_demonym(self, norms: Collection[str]) -> dict[str, list[str]]:
        """Country keys for each normalized demonym found ("afghan", "sudanese")."""
        return self._as_keys(self._lookup("demonym", "norm", norms))

    def word_frequency(self, norm: str) -> float:
        """How common a normalized word is (Zipf, 0 for rare words and names)."""
        hit = self._words.get(norm)
        if hit is None:
            rows = self._rows("SELECT zipf FROM word WHERE norm = ?", (norm,))
            hit = int(str(rows[0][0])) / 10 if rows else 0.0
            if len(self._words) > MAX_WORDS:  # keyed by what users write: bounded
                self._words.clear()
            self._words[norm] = hit
        return hit

    def typo_names(self, first: str) -> list[str]:
        """Folded names starting with `first` that a typo may reach (areas, curated places,
        larger towns), sorted; one range of the typo table's key, remembered."""
        hit = self._typos.get(first)
        if hit is None:
            sql = "SELECT fold FROM typo WHERE fold >= ? AND fold < ?"
            hit = [str(r[0]) for r in self._rows(sql, (first, chr(ord(first) + 1)))]
            if len(self._typos) > MAX_TYPO_BUCKETS:  # keyed by what users write: bounded
                self._typos.clear()
            self._typos[first] = hit
        return hit

    # ----------------------------------------------------------------- hierarchy and kinds
    def descendants(self, key: str) -> frozenset[str]:
        """The keys of everything inside a place (the place itself included)."""
        hit = self._desc.get(key)
        if hit is not None:
            return hit
        place = self.get(key)
        if place is None:
            return frozenset()
        root = self._id_of(key)
        sql = (
            "WITH RECURSIVE d(id) AS (SELECT ? UNION ALL "
            "SELECT p.id FROM place p JOIN d ON p.parent = d.id) "
            "SELECT p.id, p.key, p.name FROM place p JOIN d ON p.id = d.id"
        )
        out = frozenset(
            str(k) if k is not None else derived_key(str(n), int(str(i)))
            for i, k, n in self._rows(sql, (root,))
        )
        if len(self._desc) > 256:
            self._desc.clear()
        self._desc[key] = out
        return out

    def _id_of(self, key: str) -> int:
        derived = split_derived(key)
        if derived is not None:
            return derived[1]
        return int(str(self._rows("SELECT id FROM place WHERE key = ?", (key,))[0][0]))

    def places_of_kind(self, kind: PlaceKind, country: str | None = None) -> list[Place]:
        """Places of one kind (in one country), sorted by key."""
        sql = f"SELECT {_COLUMNS} FROM place WHERE kind = ?"
        params: list[object] = [KINDS.index(str(kind))]
        if country is not None:
            sql += " AND country = ?"
            params.append(country.upper())
        places = [self._place(r) for r in self._rows(sql, params)]
        return sorted(places, key=lambda p: p.key)

    @functools.lru_cache(maxsize=64)  # noqa: B019 - one atlas per process
    def crossings_to(self, iso2: str) -> list[Place]:
        """Border crossings leading to a country, sorted by name."""
        sql = f"SELECT {_COLUMNS} FROM place WHERE kind = ? AND borders = ?"
        rows = self._rows(sql, (KINDS.index(str(PlaceKind.CROSSING)), iso2.upper()))
        return sorted((self._place(r) for r in rows), key=lambda p: (p.name, p.key))

    @functools.lru_cache(maxsize=64)  # noqa: B019 - one atlas per process
    def zones(self, iso2: str) -> list[str]:
        """The time zones of a country, most populous first."""
        sql = (
            "SELECT tz, SUM(COALESCE(pop, 0)) AS people FROM place WHERE country = ? "
            "AND tz IS NOT NULL GROUP BY tz ORDER BY people DESC, tz"
        )
        return [self._zones[int(str(t))] for t, _ in self._rows(sql, (iso2.upper(),))]

    def slug_of(self, key: str) -> str:
        """The readable part of a key (for logs)."""
        derived = split_derived(key)
        return derived[0] if derived else slug(key)


def _remember(memo: dict[Any, Any], key: Any, value: Any) -> None:
    """Keep one lookup (keyed by what users write: bounded, then forgotten)."""
    if len(memo) > MAX_NAMES:
        memo.clear()
    memo[key] = value


def cache_dir() -> Path:
    """Where the unpacked atlas is kept."""
    explicit = os.environ.get("SITREP_CACHE_DIR")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "sitrep"


def _digest(packed: Path, into: Path) -> str:
    """The SHA-256 of `packed`, read once per version of the file: kept in `into` under a name
    from its path, size and modification time, so a start does not hash 20 MB again."""
    stat = packed.stat()
    mark = f"{packed.resolve()}|{stat.st_size}|{stat.st_mtime_ns}".encode()
    stamp = into / f"atlas-{hashlib.sha256(mark).hexdigest()[:16]}.digest"
    try:
        known = stamp.read_text("ascii").strip()
    except (OSError, UnicodeDecodeError):
        known = ""
    if len(known) == 64 and all(c in "0123456789abcdef" for c in known):
        return known
    digest = hashlib.sha256()
    with packed.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    found = digest.hexdigest()
    try:
        into.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=into, suffix=".part")
    except OSError as exc:
        log.info("cannot keep the gazetteer's digest in %s: %s", into, exc)
        return found
    try:
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(found)
        os.replace(tmp, stamp)  # atomic: a concurrent start writes the same digest
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        log.info("cannot keep the gazetteer's digest in %s: %s", into, exc)
    return found


def unpack(packed: Path, into: Path) -> Path:
    """The unpacked atlas for `packed` in `into` (unpacked now unless already there)."""
    target = into / f"atlas-{_digest(packed, into)[:16]}.sqlite"
    if target.exists():
        return target
    into.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=into, suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out, gzip.open(packed, "rb") as src:
            shutil.copyfileobj(src, out, 1 << 20)
        os.replace(tmp, target)  # atomic: a concurrent unpacker writes the same bytes
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    log.info("gazetteer unpacked to %s", target)
    return target


@functools.cache
def _default_atlas() -> SqliteAtlas:
    packed = Path(str(resources.files("bot").joinpath(*PACKAGED)))
    for directory in (cache_dir(), Path(tempfile.gettempdir()) / "sitrep"):
        try:
            return SqliteAtlas(unpack(packed, directory))
        except OSError as exc:
            log.warning("cannot unpack the gazetteer into %s: %s", directory, exc)
    raise RuntimeError("the world gazetteer cannot be unpacked anywhere")


def world_gazetteer(focus: Iterable[str] = ()) -> Gazetteer:
    """A gazetteer over the shipped atlas with an empty overlay of its own."""
    return Gazetteer((), SqliteAtlas.open_default(), focus)
