"""Records kept by the fake Bot API: uploaded files, calls, and copies of JSON-shaped data."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

_ATOMS = (str, int, float, bool, type(None))


def clone(value: Any) -> Any:
    """A deep copy of JSON-shaped data (dicts, lists, scalars), several times faster than
    ``copy.deepcopy``: the fake copies every message it stores and returns, and at benchmark
    rates that copying competed with the sender it measures. Anything else is deep-copied."""
    if isinstance(value, dict):
        return {k: v if isinstance(v, _ATOMS) else clone(v) for k, v in value.items()}
    if isinstance(value, list):
        return [v if isinstance(v, _ATOMS) else clone(v) for v in value]
    if isinstance(value, _ATOMS):
        return value
    return copy.deepcopy(value)


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request (or a file the API already stores)."""

    filename: str
    content: bytes
    mime_type: str = "application/octet-stream"


@dataclass(slots=True)
class ApiCall:
    """One recorded Bot API call; uploaded files appear in ``params`` by their file names."""

    method: str
    params: dict[str, Any]
    ok: bool
    status: int
    response: dict[str, Any]
    at: float

    @property
    def result(self) -> Any:
        """The ``result`` of a successful call (None for errors)."""
        return self.response.get("result")

    @property
    def description(self) -> str | None:
        """Telegram's error description for a failed call."""
        return self.response.get("description")
