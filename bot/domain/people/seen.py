"""What an update tells about its chat and its sender, as plain data."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SeenChat:
    """What an update tells about its chat."""

    id: int
    type: str
    title: str | None = None
    username: str | None = None
    is_forum: bool = False


@dataclass(frozen=True, slots=True)
class SeenUser:
    """What an update tells about its sender."""

    id: int
    first_name: str = ""
    username: str | None = None
    language_code: str | None = None
