"""Key figures admins maintain for briefings, each with an "as of" date and a source."""

from __future__ import annotations

from datetime import date

from bot.domain.clock import Clock
from bot.domain.editions.model import FigureView
from bot.domain.editions.ports import FigureRepository
from bot.domain.questions.datevalue import parse_date_value

MAX_TEXT = 300


class FigureError(ValueError):
    """A key figure that cannot be stored as given (the message says why)."""


class FigureService:
    """Adds, lists and retires key figures."""

    def __init__(self, figures: FigureRepository, clock: Clock) -> None:
        self._figures = figures
        self._clock = clock

    async def add(self, line: str, *, today: date, by: int | None = None) -> FigureView:
        """Store `TEXT | AS_OF | SOURCE` (the source may be empty)."""
        parts = [p.strip() for p in line.split("|")]
        if len(parts) not in (2, 3) or not parts[0] or not parts[1]:
            raise FigureError(
                "Use: TEXT | AS OF DATE | SOURCE, e.g. Taliban hold about a third "
                "of 421 districts | 2021-07-09 | AP"
            )
        text = " ".join(parts[0].split())
        if len(text) > MAX_TEXT:
            raise FigureError(f"Keep a figure to {MAX_TEXT} characters.")
        when = parse_date_value(parts[1])
        if when is None:
            raise FigureError(f"I could not read the date {parts[1][:40]!r}.")
        if when.first_day() > today:
            raise FigureError("That date is in the future.")
        source = parts[2][:255] if len(parts) == 3 else ""
        return await self._figures.add(
            text=text,
            as_of=when.last_day(),
            source=source,
            created_at=self._clock.now(),
            created_by=by,
        )

    async def active(self) -> list[FigureView]:
        """Figures briefings show, newest first."""
        return await self._figures.active()

    async def retire(self, figure_id: int) -> bool:
        """Stop showing a figure; False when there is no such active figure."""
        return await self._figures.retire(figure_id)
