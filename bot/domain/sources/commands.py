"""Reading what an admin asks for: a new source from the words of `/sources add …` or the
options of `sitrep sources add`, checked before anything is stored."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlsplit

from bot.domain.sources.model import (
    DEFAULT_INTERVAL,
    MAX_NAME,
    NewSource,
    SourceKind,
    Trust,
)
from bot.domain.sources.schedule import parse_interval

_CHANNEL = re.compile(r"^tg:(-?\d{1,20})$")
MAX_URL = 2048


class SourceInputError(ValueError):
    """The request cannot become a source; the message says why, politely, in one line."""


def _default_name(url: str) -> str:
    host = (urlsplit(url).hostname or url).lower()
    return host.removeprefix("www.")[:MAX_NAME]


def new_source(
    target: str,
    *,
    name: str = "",
    every: str = "",
    trust: str = "review",
    full_text: bool = False,
    since: str = "",
    focus: str = "",
) -> NewSource:
    """A feed (an http(s) URL) or a channel ("tg:<chat id>"), or SourceInputError."""
    target = target.strip()
    if not target:
        raise SourceInputError("Give the feed's address, e.g. https://example.org/rss.xml.")
    channel = _CHANNEL.match(target)
    if channel is None:
        parts = urlsplit(target)
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            raise SourceInputError(
                "A source is an http:// or https:// feed address, or tg:<chat id> for a channel."
            )
        if len(target) > MAX_URL:
            raise SourceInputError("That address is too long.")
    try:
        interval = parse_interval(every) if every.strip() else DEFAULT_INTERVAL
    except ValueError as exc:
        raise SourceInputError(f"Interval: {exc}.") from None
    try:
        level = Trust(trust.strip().lower() or "review")
    except ValueError:
        raise SourceInputError("Trust is either review or publish.") from None
    day = None
    if since.strip():
        try:
            day = date.fromisoformat(since.strip())
        except ValueError:
            raise SourceInputError("Since: expected a date like 2024-03-01.") from None
    label = " ".join(name.split())[:MAX_NAME] or (
        f"channel {channel.group(1)}" if channel else _default_name(target)
    )
    return NewSource(
        kind=SourceKind.CHANNEL if channel else SourceKind.FEED,
        url=target,
        name=label,
        interval=interval,
        trust=level,
        full_text=full_text,
        focus=" ".join(focus.split())[:255],
        since=day,
        chat_id=int(channel.group(1)) if channel else None,
    )


def read_add_words(words: list[str]) -> NewSource:
    """`URL [every 30m] [publish|review] [full] [since YYYY-MM-DD] [name …]` into a source."""
    if not words:
        raise SourceInputError("Give the feed's address, e.g. https://example.org/rss.xml.")
    target, rest = words[0], words[1:]
    options: dict[str, str] = {}
    full = False
    name: list[str] = []
    i = 0
    while i < len(rest):
        word = rest[i].lower()
        if word in ("every", "since") and i + 1 < len(rest):
            options[word] = rest[i + 1]
            i += 2
            continue
        if word in ("publish", "review"):
            options["trust"] = word
        elif word in ("full", "fulltext", "full-text"):
            full = True
        elif word == "name":
            name = rest[i + 1 :]
            break
        else:
            raise SourceInputError(f"I don't understand “{rest[i][:40]}”.")
        i += 1
    return new_source(
        target,
        name=" ".join(name),
        every=options.get("every", ""),
        trust=options.get("trust", "review"),
        full_text=full,
        since=options.get("since", ""),
    )
