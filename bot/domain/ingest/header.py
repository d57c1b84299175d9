"""The /ingest header: `[YYYY-MM-DD] [OUTLET] [URL]` before an article, and when it is one."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

PASTED_OUTLET = "pasted article"  # the outlet of an article given without one

HEADER_LIKE = re.compile(r"^\s*\d{4}-\d{1,2}-\d{1,2}\b")
HEADER = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})(?:\s+(.{1,80}?))?(?:\s+(https?://\S{3,500}))?\s*$")


@dataclass(frozen=True)
class IngestHeader:
    """When and where an article was published (outlet and URL may be empty)."""

    published: date
    outlet: str = ""
    url: str = ""

    @property
    def source_outlet(self) -> str:
        """The outlet stored with the article."""
        return self.outlet or PASTED_OUTLET

    def to_form(self) -> dict[str, str]:
        """The header as kept with an open /ingest form."""
        return {"published": self.published.isoformat(), "outlet": self.outlet, "url": self.url}

    @classmethod
    def from_form(cls, form: Mapping[str, Any], today: date) -> IngestHeader:
        """The header kept with a form (published today, when the date does not read)."""
        try:
            published = date.fromisoformat(str(form["published"]))
        except (KeyError, ValueError):
            published = today
        return cls(published, str(form.get("outlet") or ""), str(form.get("url") or ""))


class HeaderFault(StrEnum):
    """Why a header does not read."""

    USAGE = "usage"
    NOT_A_DATE = "not_a_date"
    FUTURE = "future"


@dataclass(frozen=True)
class HeaderProblem:
    """A header that does not read, with the text at fault (the date, for NOT_A_DATE)."""

    fault: HeaderFault
    value: str = ""


def parse_header(args: str, today: date) -> IngestHeader | HeaderProblem:
    """`[YYYY-MM-DD] [OUTLET] [URL]`; nothing at all means published today."""
    if not args.strip():
        return IngestHeader(today)
    m = HEADER.match(args)
    if m is None:
        return HeaderProblem(HeaderFault.USAGE)
    try:
        published = date.fromisoformat(m.group(1))
    except ValueError:
        return HeaderProblem(HeaderFault.NOT_A_DATE, m.group(1))
    if published > today:
        return HeaderProblem(HeaderFault.FUTURE)
    return IngestHeader(published, (m.group(2) or "").strip(), m.group(3) or "")


def read_command(text: str, today: date) -> tuple[IngestHeader, str] | HeaderProblem:
    """The header and the article text (maybe empty) of an /ingest message.

    A first line that is not a header is the article itself, unless it looks like a date or is
    short with nothing after it: then it was meant as a header and the problem is reported.
    """
    first_line, _, rest = text.partition("\n")
    args = first_line.partition(" ")[2]
    header = parse_header(args, today)
    if isinstance(header, IngestHeader):
        return header, rest
    if HEADER_LIKE.match(args) or (len(args) < 100 and not rest.strip()):
        return header
    return IngestHeader(today), f"{args}\n{rest}"
