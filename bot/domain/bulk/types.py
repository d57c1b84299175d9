"""Value types shared by the bulk import and export modules."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from bot.domain.events.model import EventDraft, LocationPrecision
from bot.domain.places.model import PlaceKind


class BulkError(ValueError):
    """A whole file cannot be imported (empty, binary, not UTF-8, missing columns…)."""


class RowError(ValueError):
    """One row cannot be imported; the message says why."""


@dataclass(frozen=True, slots=True)
class NewPlace:
    """A place an imported row brings along (an admin-added place in a JSONL export)."""

    name: str
    kind: str
    parent: str | None
    lat: float | None
    lon: float | None


@dataclass(frozen=True, slots=True)
class PlaceHint:
    """Where a row says its event happened, before the gazetteer is asked."""

    as_written: str
    key: str | None = None
    admins: tuple[str, str, str] = ("", "", "")  # ACLED admin1-3; UCDP adm_1, adm_2, ""
    lat: float | None = None
    lon: float | None = None
    precision: LocationPrecision = LocationPrecision.EXACT
    new_place: NewPlace | None = None
    exact: bool = False  # the key is authoritative (Sitrep JSONL): never resolve by name
    # UCDP: the row's country; its place is looked for inside that country only (None: ACLED)
    country: str | None = None
    level: PlaceKind | None = None  # UCDP: the place is the row's district/province/country
    # ACLED: the row's country as written; its admin areas are looked for inside it when the
    # gazetteer knows it ("Sumy" in Ukraine is no province of another country)
    in_country: str = ""


# The place of a hint when it is already known: (place key, location precision), else None.
KnownPlace = Callable[["PlaceHint"], "tuple[str | None, LocationPrecision] | None"]


@dataclass(frozen=True, slots=True)
class ParsedRow:
    """A good row of an import file: an event draft whose place is still to be resolved.

    `placed` says the draft already carries the resolved place (the parser knew it).
    """

    line: int
    draft: EventDraft
    place: PlaceHint
    retract_reason: str | None = None
    placed: bool = False


@dataclass(frozen=True, slots=True)
class BadRow:
    """A row that was skipped, with its line number and the reason."""

    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass
class ImportReport:
    """What an import did."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    places_added: int = 0
    bad_rows: list[BadRow] = field(default_factory=list)
    strict_failed: bool = False

    @property
    def imported(self) -> int:
        """Rows stored or confirmed (new, updated or unchanged)."""
        return self.created + self.updated + self.unchanged

    def summary(self) -> str:
        """`imported 123 events (120 new, 3 updated, 0 unchanged), 2 rows skipped`."""
        if self.strict_failed:
            return (
                f"nothing imported: {len(self.bad_rows)} bad "
                f"row{'s' if len(self.bad_rows) != 1 else ''} (--strict)"
            )
        skipped = len(self.bad_rows)
        return (
            f"imported {self.imported} event{'s' if self.imported != 1 else ''} "
            f"({self.created} new, {self.updated} updated, {self.unchanged} unchanged), "
            f"{skipped} row{'s' if skipped != 1 else ''} skipped"
        )
