"""The one clock Sitrep reads: real time, or a fixed/fake time for `--now` and tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo


class Clock:
    """Real wall-clock time in UTC; subclasses fix or advance it."""

    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC."""
        return datetime.now(UTC)

    def local_now(self, tz: tzinfo) -> datetime:
        """The current instant in the given zone."""
        return self.now().astimezone(tz)


@dataclass
class FixedClock(Clock):
    """A clock that starts at a given instant and only moves when told (tests, `--now`)."""

    at: datetime
    _offset: timedelta = field(default_factory=timedelta)

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware datetime")

    def now(self) -> datetime:
        """The fixed instant plus however far it was advanced, in UTC."""
        return (self.at + self._offset).astimezone(UTC)

    def advance(self, delta: timedelta) -> None:
        """Move the clock forward."""
        self._offset += delta


def parse_now(value: str, tz_name: str | None) -> tuple[FixedClock, ZoneInfo | tzinfo]:
    """Parse `--now ISO_DATETIME` (+ optional `--tz`) into a fixed clock and the zone to read it in.

    The offset in the ISO value is the zone unless `--tz` is given; a naive value is read in `--tz`
    (or UTC).
    """
    try:
        at = datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise ValueError(
            f"--now: expected an ISO date-time such as 2021-07-10T09:00+04:30, got {value!r}"
        ) from exc
    zone: ZoneInfo | tzinfo
    if tz_name:
        zone = ZoneInfo(tz_name)
        if at.tzinfo is None:
            at = at.replace(tzinfo=zone)
    elif at.tzinfo is not None:
        zone = at.tzinfo
    else:
        zone = UTC
        at = at.replace(tzinfo=UTC)
    return FixedClock(at), zone
