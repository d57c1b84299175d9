"""Solar Hijri (Afghan and Iranian) days as Gregorian days, in questions and in articles."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from bot.domain.questions.timesolar import nowruz, recent_solar, solar_to_gregorian
from bot.domain.questions.timewords import event_date_phrase, find_window
from tests.support.timewords import NOW_KABUL, PUB, k


@pytest.mark.parametrize(
    ("year", "first_day"),
    [
        (1300, date(1921, 3, 21)),
        (1358, date(1979, 3, 21)),
        (1399, date(2020, 3, 20)),
        (1400, date(2021, 3, 21)),
        (1403, date(2024, 3, 20)),
        (1404, date(2025, 3, 21)),
    ],
)
def test_nowruz(year: int, first_day: date) -> None:
    assert nowruz(year) == first_day


@pytest.mark.parametrize(
    ("solar", "gregorian"),
    [
        ((1400, 4, 18), date(2021, 7, 9)),  # 18 Saratan / Tir
        ((1357, 11, 22), date(1979, 2, 11)),  # 22 Bahman
        ((1399, 12, 30), date(2021, 3, 20)),  # the leap day of 1399
        ((1400, 7, 1), date(2021, 9, 23)),  # Mizan / Mehr starts the 30-day months
    ],
)
def test_solar_to_gregorian(solar: tuple[int, int, int], gregorian: date) -> None:
    assert solar_to_gregorian(*solar) == gregorian


@pytest.mark.parametrize("solar", [(1400, 12, 30), (1400, 7, 31), (1400, 13, 1), (1400, 1, 0)])
def test_no_such_solar_day(solar: tuple[int, int, int]) -> None:
    with pytest.raises(ValueError):
        solar_to_gregorian(*solar)


def test_recent_solar_is_the_latest_not_after_the_day() -> None:
    assert recent_solar(4, 18, date(2021, 7, 10)) == date(2021, 7, 9)
    assert recent_solar(4, 19, date(2021, 7, 9)) == date(2020, 7, 9)  # 1399 began on 20 March


@pytest.mark.parametrize(
    ("question", "start", "end", "rest"),
    [
        ("۱۸ سرطان در هرات چه شد؟", k(7, 9), k(7, 10), "در هرات چه شد؟"),
        ("در ۱۷ سرطان ۱۴۰۰ در هرات چه شد؟", k(7, 8), k(7, 9), "در هرات چه شد؟"),
        ("۱۸ تیر ۱۴۰۰ در تهران", k(7, 9), k(7, 10), "در تهران"),
        ("از ۱۵ سرطان تاکنون در کندز چه شد؟", k(7, 6), NOW_KABUL, "در کندز چه شد؟"),
        ("د چنګاښ په ۱۸مه په هرات کې څه وشول؟", k(7, 9), k(7, 10), "په هرات کې څه وشول؟"),
        ("له ۱۵ چنګاښ راهیسې په کندز کې", k(7, 6), NOW_KABUL, "په کندز کې"),
    ],
)
def test_solar_days_in_questions(question: str, start: datetime, end: datetime, rest: str) -> None:
    window, remaining = find_window(question, NOW_KABUL)
    assert window is not None
    assert (window.start, window.end) == (start, end)
    assert remaining == rest


@pytest.mark.parametrize(
    ("text", "day", "phrase"),
    [
        ("در ۱۷ سرطان طالبان ولسوالی را گرفتند.", date(2021, 7, 8), "در ۱۷ سرطان"),
        (
            "د ۱۴۰۰ کال د چنګاښ په ۱۷مه طالبانو ولسوالي ونیوله.",
            date(2021, 7, 8),
            "د ۱۴۰۰ کال د چنګاښ په ۱۷مه",
        ),
    ],
)
def test_solar_days_in_articles(text: str, day: date, phrase: str) -> None:
    found = event_date_phrase(text, PUB)
    assert found is not None
    assert (found[0].start, found[1]) == (day, phrase)


@pytest.mark.parametrize(
    "text",
    [
        "مړي ۲۰ دي.",  # Pashto "are 20", not the month Dey
        "۳ تیر شلیک شد.",  # three shots, not the month Tir
        "۳ تله کشف شد.",  # three traps
    ],
)
def test_ambiguous_solar_month_words_need_a_year(text: str) -> None:
    assert event_date_phrase(text, PUB) is None
