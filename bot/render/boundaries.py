"""Country and first-level boundaries for the event maps, read from the shipped
``bot/data/boundaries.bin.gz`` (Natural Earth 1:10m, simplified; built by
``python -m bot.data.build_boundaries``).

Nothing is read until a map is drawn: the file is unpacked and parsed once per process, and each
country's coordinates are decoded on first use and kept (a weekly map needs a handful).
"""

from __future__ import annotations

import functools
import gzip
import json
import logging
import struct
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

PACKAGED = ("data", "boundaries.bin.gz")
MAGIC = b"SITREP-BOUNDARIES-1\n"  # as bot.data.build_boundaries writes it


@dataclass(frozen=True, slots=True)
class CountryShape:
    """One country: its ISO 3166-1 alpha-2 code, name, bounding box (west, south, east, north),
    outline rings and first-level boundary lines as (n, 2) arrays of longitude, latitude."""

    code: str
    name: str
    bbox: tuple[float, float, float, float]
    rings: tuple[np.ndarray, ...]
    lines: tuple[np.ndarray, ...]

    def overlaps(self, west: float, east: float, south: float, north: float) -> bool:
        """Whether the bounding box meets this view."""
        w, s, e, n = self.bbox
        return w <= east and e >= west and s <= north and n >= south


@dataclass(frozen=True, slots=True)
class _File:
    header: dict[str, Any]
    points: np.ndarray  # (n, 2) int32 deltas, as written by bot.data.build_boundaries


@functools.cache
def _file() -> _File:
    packaged = resources.files("bot").joinpath(*PACKAGED)
    try:
        body = gzip.decompress(packaged.read_bytes())
    except FileNotFoundError:
        log.warning("no boundaries file at %s: maps are drawn without borders", packaged)
        return _File({"scale": 1000, "countries": {}}, np.zeros((0, 2), dtype=np.int32))
    if not body.startswith(MAGIC):
        raise ValueError(f"{packaged} is not a boundaries file")
    (length,) = struct.unpack_from("<I", body, len(MAGIC))
    start = len(MAGIC) + 4
    header: dict[str, Any] = json.loads(body[start : start + length])
    points = np.frombuffer(body, dtype="<i4", offset=start + length).reshape(-1, 2)
    log.info("boundaries loaded: %d countries", len(header["countries"]))
    return _File(header, points)


@functools.cache
def country(code: str) -> CountryShape | None:
    """The country with this ISO alpha-2 code, decoded once; None if the file has no such one."""
    data = _file()
    entry = data.header["countries"].get(code)
    if entry is None:
        return None
    scale = float(data.header["scale"])
    parts: list[np.ndarray] = []
    at = int(entry["start"])
    for count in (*entry["rings"], *entry["lines"]):
        parts.append(np.cumsum(data.points[at : at + count], axis=0, dtype=np.int64) / scale)
        at += count
    rings = len(entry["rings"])
    w, s, e, n = entry["bbox"]
    return CountryShape(
        code=code,
        name=entry["name"],
        bbox=(float(w), float(s), float(e), float(n)),
        rings=tuple(parts[:rings]),
        lines=tuple(parts[rings:]),
    )


def countries_in_view(west: float, east: float, south: float, north: float) -> list[CountryShape]:
    """Every country whose bounding box meets the view, by code."""
    out = []
    for code, entry in sorted(_file().header["countries"].items()):
        w, s, e, n = entry["bbox"]
        if w <= east and e >= west and s <= north and n >= south:
            shape = country(code)
            if shape is not None:
                out.append(shape)
    return out


def holding(shapes: list[CountryShape], lon: list[float], lat: list[float]) -> set[str]:
    """The codes of the countries (among ``shapes``) that hold at least one of the points."""
    from matplotlib.path import Path

    points = np.column_stack([lon, lat]) if lon else np.zeros((0, 2))
    found: set[str] = set()
    for shape in shapes:
        w, s, e, n = shape.bbox
        inside = points[(points[:, 0] >= w) & (points[:, 0] <= e)
                        & (points[:, 1] >= s) & (points[:, 1] <= n)]  # fmt: skip
        if len(inside) and any(Path(r).contains_points(inside).any() for r in shape.rings):
            found.add(shape.code)
    return found
