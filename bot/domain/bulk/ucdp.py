"""UCDP GED CSV rows: parse one into an event draft, and write an event back as one.

The UCDP Georeferenced Event Dataset names its places with their kind word ("Homs governorate",
"Hafizano village"); the word is dropped for the place text and the gazetteer lookups. Sitrep
keeps the fields an event has: the UCDP id as the key `ucdp:<id>`, the dates (range and
precision), side_a and side_b as actors (side_a as actor 1, side_b as actor 2), `best` as the
fatalities, type_of_violence as the event type, the sources (office, date, headline as title)
and the place. The summary is composed from the fields ("Government of Syria vs IS: 2 killed
at Al Qaryatayn, Homs governorate").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from bot.domain.bulk.acled import coordinates
from bot.domain.bulk.types import KnownPlace, ParsedRow, PlaceHint, RowError
from bot.domain.events.model import EventDraft, LocationPrecision, Origin, SourceInfo
from bot.domain.places.model import PlaceKind
from bot.domain.questions.timetypes import FuzzyDate, Precision

# The columns of the GED CSV as UCDP publishes it (and as `sitrep export --format ucdp` writes).
COLUMNS = tuple(
    """
    id relid year active_year code_status type_of_violence conflict_dset_id conflict_new_id
    conflict_name dyad_dset_id dyad_new_id dyad_name side_a_dset_id side_a_new_id side_a
    side_b_dset_id side_b_new_id side_b number_of_sources source_article source_office
    source_date source_headline source_original where_prec where_coordinates
    where_description adm_1 adm_2 latitude longitude geom_wkt priogrid_gid country country_id
    region event_clarity date_prec date_start date_end deaths_a deaths_b deaths_civilians
    deaths_unknown best high low gwnoa gwnob
    """.split()
)
REQUIRED_COLUMNS = ("id", "date_start", "side_a", "side_b", "where_coordinates", "country", "best")
# Header words that mark a UCDP GED file (ACLED's are event_date, location, notes...).
MARKERS = frozenset(
    {"date_start", "date_end", "date_prec", "where_coordinates", "where_prec", "side_a", "side_b"}
    | {"type_of_violence", "dyad_name", "conflict_name", "adm_1", "adm_2", "best"}
)
KEY_PREFIX = "ucdp:"
MAX_KEY = 128

# date_prec: 1 exact day, 2 within 2-6 days, 3 a week, 4 a month, 5 more than a month
DATE_PRECISION = {
    "1": Precision.DAY,
    "2": Precision.WEEK,
    "3": Precision.WEEK,
    "4": Precision.MONTH,
    "5": Precision.YEAR,
}
# where_prec: 1 exact, 2 within ~25 km, 3 district, 4 province, 5 linear feature or ambiguous,
# 6 country, 7 international waters or airspace
WHERE_PRECISION = {
    "1": LocationPrecision.EXACT,
    "2": LocationPrecision.NEAR,
    "3": LocationPrecision.NEAR,
    "4": LocationPrecision.REGION,
    "5": LocationPrecision.REGION,
    "6": LocationPrecision.REGION,
    "7": LocationPrecision.REGION,
}
# where_prec codes whose place is the row's admin area or country itself
WHERE_LEVEL = {"3": PlaceKind.DISTRICT, "4": PlaceKind.PROVINCE, "6": PlaceKind.COUNTRY}
POINT_CODES = frozenset({"1", "2"})  # the coordinates are the place's own (a town may be added)
VIOLENCE = {
    "1": ("Battles", "State-based conflict"),
    "2": ("Battles", "Non-state conflict"),
    "3": ("Violence against civilians", "One-sided violence"),
}

# Trailing words UCDP writes after a name, in lower case, to say what kind of place it is.
KIND_WORDS = frozenset(
    """village town city hamlet settlement neighbourhood neighborhood quarter suburb area
    district sub-district subdistrict province governorate state oblast raion rayon krai kray
    region county municipality prefecture department division township locality zone territory
    sector chiefdom commune hromada""".split()
)
# UCDP country names the gazetteer may spell otherwise, with their ISO2 codes.
COUNTRY_CODES = {
    "dr congo": "CD",
    "dr congo (zaire)": "CD",
    "congo": "CG",
    "myanmar (burma)": "MM",
    "russia (soviet union)": "RU",
    "yemen (north yemen)": "YE",
    "cambodia (kampuchea)": "KH",
    "madagascar (malagasy)": "MG",
    "zimbabwe (rhodesia)": "ZW",
    "serbia (yugoslavia)": "RS",
    "bosnia-herzegovina": "BA",
    "ivory coast": "CI",
    "kingdom of eswatini (swaziland)": "SZ",
    "macedonia, fyr": "MK",
    "vietnam (north vietnam)": "VN",
    "turkey": "TR",
    "syria": "SY",
    "laos": "LA",
    "iran": "IR",
    "north korea": "KP",
    "south korea": "KR",
    "south sudan": "SS",
    "central african republic": "CF",
}

_COUNT = re.compile(r"\d{1,7}")
_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_PARENS = re.compile(r"^(.*?)\s*\((.*)\)$")


def strip_kind(text: str) -> tuple[str, str]:
    """A place name without its trailing kind word, and the word: ("Hafizano", "village")."""
    words = text.split()
    if len(words) > 1 and words[-1] in KIND_WORDS:
        return " ".join(words[:-1]), words[-1]
    return " ".join(words), ""


def country_candidates(name: str) -> tuple[str, ...]:
    """The names (and ISO2 code) to look a UCDP country up by, best first."""
    text = " ".join(name.split())
    if not text:
        return ()
    out = [COUNTRY_CODES[text.casefold()]] if text.casefold() in COUNTRY_CODES else []
    out.append(text)
    if m := _PARENS.match(text):
        out += [m[1], m[2]]
    return tuple(dict.fromkeys(c for c in out if c))


def parse_day(value: str, column: str) -> date:
    """A UCDP date: `2013-01-03 00:00:00.000` or `2013-01-03`."""
    text = value.strip()
    if not text:
        raise RowError(f"{column} is empty")
    m = _DATE.fullmatch(text)
    try:
        if m is None:
            raise ValueError
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        raise RowError(f"unparseable {column} {text!r}") from None


def _clean(row: Mapping[str, str], column: str) -> str:
    return " ".join((row.get(column) or "").split())


def _code(row: Mapping[str, str], column: str, table: Mapping[str, object]) -> str:
    text = _clean(row, column) or "1"
    if text not in table:
        raise RowError(f"{column} {text!r} is not one of {', '.join(table)}")
    return text


def _best(row: Mapping[str, str]) -> int | None:
    text = _clean(row, "best")
    if not text:
        return None
    if not _COUNT.fullmatch(text):
        raise RowError(f"best {text!r} is not a whole number ≥ 0")
    return int(text)


def row_key(row: Mapping[str, str]) -> str:
    """`ucdp:<id>`: UCDP's own id for the event, stable across releases."""
    event_id = _clean(row, "id")
    if not event_id:
        raise RowError("id is empty")
    key = KEY_PREFIX + event_id
    if len(key) > MAX_KEY:
        raise RowError(f"id is longer than {MAX_KEY - len(KEY_PREFIX)} characters")
    return key


def who(actors: tuple[str, ...]) -> str:
    """The sides of an event as a summary names them: `Government of Syria vs IS`."""
    return " vs ".join(actors[:2])


def where_phrase(place_text: str, written: str, adm_1: str) -> str:
    """Where a summary says the event was: `Al Qaryatayn, Homs governorate`, or just the
    province when the row's place is the province (`Homs governorate`)."""
    if not adm_1:
        return place_text
    if adm_1.casefold() in {written.casefold(), place_text.casefold()}:
        return adm_1
    return f"{place_text}, {adm_1}"


def summary_head(actors: tuple[str, ...], fatalities: int | None) -> str:
    """The summary up to the place: `Government of Syria vs IS: 2 killed at `."""
    killed = "" if fatalities is None else f": {fatalities} killed"
    return f"{who(actors)}{killed} at "


def compose_summary(
    actors: tuple[str, ...], fatalities: int | None, place_text: str, written: str, adm_1: str
) -> str:
    """`Government of Syria vs IS: 2 killed at Al Qaryatayn, Homs governorate`."""
    return summary_head(actors, fatalities) + where_phrase(place_text, written, adm_1)


def _split(text: str) -> list[str]:
    return [" ".join(part.split()) for part in text.split(";")]


class UcdpParser:
    """Parses the rows of one UCDP GED file; values that repeat across rows are worked out once."""

    MEMO_LIMIT = 100_000  # entries per memo before it starts afresh (bounded memory)
    PLACE_COLUMN = "where_coordinates"  # the column naming a row's place

    @staticmethod
    def place_name(value: str) -> str:
        """The name a row's place is looked up by, from its PLACE_COLUMN."""
        return strip_kind(" ".join(value.split()))[0]

    def __init__(self, today: date, known_place: KnownPlace | None = None) -> None:
        self._today = today
        self._known_place = known_place
        self._dates: dict[tuple[str, str, str], FuzzyDate] = {}
        self._sources: dict[tuple[str, str, str], tuple[SourceInfo, ...]] = {}
        self._hints: dict[tuple[str, ...], PlaceHint] = {}

    @classmethod
    def _remember(cls, memo: dict[Any, Any], key: Any, value: Any) -> None:
        if len(memo) >= cls.MEMO_LIMIT:
            memo.clear()
        memo[key] = value

    def _when(self, row: Mapping[str, str]) -> FuzzyDate:
        key = (row.get("date_start") or "", row.get("date_end") or "", row.get("date_prec") or "")
        found = self._dates.get(key)
        if found is None:
            start = parse_day(key[0], "date_start")
            end = parse_day(key[1], "date_end") if key[1].strip() else start
            if end < start:
                raise RowError(f"date_end {end.isoformat()} is before date_start")
            precision = DATE_PRECISION[_code(row, "date_prec", DATE_PRECISION)]
            found = FuzzyDate(start, precision, end if end > start else None)
            if found.first_day() > self._today:
                raise RowError(f"date_start {start.isoformat()} is in the future")
            self._remember(self._dates, key, found)
        return found

    def _sources_of(self, row: Mapping[str, str]) -> tuple[SourceInfo, ...]:
        key = (
            row.get("source_office") or "",
            row.get("source_date") or "",
            row.get("source_headline") or "",
        )
        found = self._sources.get(key)
        if found is None:
            offices, days, titles = _split(key[0]), _split(key[1]), _split(key[2])
            if len(offices) == 1:
                titles = [" ".join(key[2].split())]  # one source: a `;` is the headline's own
            sources: dict[str, SourceInfo] = {}
            for i, office in enumerate(offices):
                if not office or office in sources:
                    continue
                day = days[i] if len(days) == len(offices) else days[0] if len(days) == 1 else ""
                title = titles[i] if len(titles) == len(offices) else ""
                sources[office] = SourceInfo(office, title=title, published_on=_maybe_day(day))
            found = tuple(sources.values())
            self._remember(self._sources, key, found)
        return found

    def _hint(self, row: Mapping[str, str], place_text: str, adm_1: str, adm_2: str) -> PlaceHint:
        key = (
            place_text,
            adm_1,
            adm_2,
            row.get("country") or "",
            row.get("latitude") or "",
            row.get("longitude") or "",
            row.get("where_prec") or "",
        )
        found = self._hints.get(key)
        if found is None:
            code = _code(row, "where_prec", WHERE_PRECISION)
            lat, lon = coordinates(row)
            point = code in POINT_CODES
            found = PlaceHint(
                as_written=place_text,
                admins=(strip_kind(adm_1)[0], strip_kind(adm_2)[0], ""),
                lat=lat if point else None,
                lon=lon if point else None,
                precision=WHERE_PRECISION[code],
                country=_clean(row, "country"),
                level=WHERE_LEVEL.get(code),
            )
            self._remember(self._hints, key, found)
        return found

    def parse(self, row: Mapping[str, str], line: int) -> ParsedRow:
        """Turn one UCDP GED CSV row (columns lowercased) into a draft; RowError says why not."""
        key = row_key(row)
        adm_1, adm_2, country = _clean(row, "adm_1"), _clean(row, "adm_2"), _clean(row, "country")
        written = _clean(row, "where_coordinates")
        place_text = strip_kind(written)[0]
        place_text = place_text or strip_kind(adm_2)[0] or strip_kind(adm_1)[0] or country
        if not place_text:
            raise RowError("where_coordinates is empty (and so are adm_2, adm_1 and country)")
        sides = (_clean(row, "side_a"), _clean(row, "side_b"))
        actors = tuple(dict.fromkeys(a for a in sides if a))
        if not actors:
            raise RowError("side_a and side_b are empty")
        violence = _clean(row, "type_of_violence")
        if violence and violence not in VIOLENCE:
            raise RowError(f"type_of_violence {violence!r} is not 1, 2 or 3")
        event_type, sub_event_type = VIOLENCE.get(violence, ("", ""))
        fatalities = _best(row)
        when = self._when(row)
        hint = self._hint(row, place_text, adm_1, adm_2)
        known = self._known_place(hint) if self._known_place is not None else None
        place_key, precision = known if known is not None else (None, hint.precision)
        draft = EventDraft(
            summary=compose_summary(actors, fatalities, place_text, written, adm_1),
            when=when,
            place_key=place_key,
            place_text=place_text,
            location_precision=precision,
            actors=actors,
            actor1=sides[:1] if sides[0] else (),
            actor2=sides[1:] if sides[1] else (),
            event_type=event_type,
            sub_event_type=sub_event_type,
            fatalities=fatalities,
            sources=self._sources_of(row),
            external_key=key,
            origin=Origin.IMPORT,
        )
        return ParsedRow(line=line, draft=draft, place=hint, placed=known is not None)


def _maybe_day(text: str) -> date | None:
    try:
        return parse_day(text, "source_date") if text else None
    except RowError:
        return None  # a source's date is a detail: the event stands without it


def parse_ucdp_row(row: Mapping[str, str], line: int, today: date) -> ParsedRow:
    """Turn one UCDP GED CSV row (columns lowercased) into a draft; RowError says why not."""
    return UcdpParser(today).parse(row, line)
