"""When a source is polled next: its interval after a success; after failures, exponential
backoff from the interval up to four hours; never sooner than the server's Retry-After."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.domain.sources.model import MAX_INTERVAL, MIN_INTERVAL, Source
from bot.domain.sources.ports import PollResult

BACKOFF_CAP = 4 * 3600


def next_poll_at(source: Source, result: PollResult, now: datetime) -> datetime:
    """The instant the source is due again after this poll."""
    interval = min(max(source.interval, MIN_INTERVAL), MAX_INTERVAL)
    if result.ok:
        delay = float(interval)
    else:
        failures = source.failures + 1
        delay = float(min(interval * 2 ** min(failures - 1, 20), max(BACKOFF_CAP, interval)))
    if result.retry_after is not None:
        delay = max(delay, result.retry_after)
    return now + timedelta(seconds=delay)


def parse_interval(text: str) -> int:
    """ "30m", "2h", "90s", "1d" or a number of minutes into seconds (ValueError when bad)."""
    text = text.strip().lower()
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    unit = 60
    if text and text[-1] in units:
        unit, text = units[text[-1]], text[:-1]
    if not text.isdigit():
        raise ValueError("an interval is a number with s, m, h or d, like 30m or 2h")
    seconds = int(text) * unit
    if not MIN_INTERVAL <= seconds <= MAX_INTERVAL:
        raise ValueError("an interval must be between 1 minute and 7 days")
    return seconds
