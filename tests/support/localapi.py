"""The local Bot API tests' chats, clock and keyboards."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

CHAT = 1001
GROUP = -1001234567890
T0 = 1625830000.0  # 2021-07-09, the seed article's publication day


class FakeClock:
    """A settable monotonic clock so rate-limit tests never sleep."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def keyboard(*rows: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(text, callback_data=data) for text, data in row] for row in rows]
    )
