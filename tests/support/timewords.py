"""Time-word test data: the seed article's sentences and publication day, the askers' zones
and clocks, and short date builders."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.domain.questions.timetypes import Precision

D, W, M, Y = Precision.DAY, Precision.WEEK, Precision.MONTH, Precision.YEAR
PUB = date(2021, 7, 9)  # the seed article: Friday 9 July 2021
NEW_YEAR_PUB = date(2022, 1, 3)  # a Monday just after a year boundary

# Seed-style sentences, published Friday 2021-07-09: taken from the invented seed article
# (tests/fixtures/afghanistan-border-2021-07.txt) or written in the same manner, each with the
# date phrase (or the lack of one) a test relies on.
SEED_THURSDAY = (
    "Taliban fighters seized the Islam Qala border crossing with Iran on Thursday, according to "
    "an official in Herat province, while the Afghan soldiers who had been guarding it fled into "
    "Iran."
)
SEED_PAST_WEEK = (
    "The crossing is the third that the Taliban have captured on Afghanistan's borders in the "
    "past week, after posts on the frontiers with Tajikistan and Uzbekistan."
)
SEED_SUNDAY_TROOPS = (
    "On Sunday, government soldiers withdrew across the frontier into Tajikistan while the "
    "insurgents overran the district."
)
SEED_PHOTO_TUESDAY = (
    "Pro-government militiamen keep watch from a hilltop outpost in the Farkhar area near "
    "Taloqan, the capital of Takhar province, on Tuesday."
)
SEED_PAST_MONTHS = (
    "The insurgents have gained ground quickly as American and NATO forces sped up their "
    "departure over the past few months."
)
SEED_CENTCOM = (
    "On Tuesday, U.S. Central Command said it had withdrawn about 90 percent of the troops and "
    "equipment due to leave Afghanistan."
)
SEED_BY_AUGUST = "Washington says its last soldiers will have left by August."
SEED_SUNDAY_DISTRICTS = (
    "On Sunday, Taliban fighters seized a string of districts in the northeast from retreating "
    "government troops, hundreds of whom crossed the border into Tajikistan."
)
SEED_MID_APRIL = (
    "Since mid-April, when Joe Biden, the U.S. president, promised to end America's \"forever "
    'war" in Afghanistan, the insurgents have pushed forward on every front.'
)
SEED_2001 = (
    "Their biggest advances have come in the north, long the home ground of the U.S.-backed "
    "commanders who drove the Taliban from power in 2001."
)
SEED_FEBRUARY = (
    "Islam Qala was in the news in February, when a fuel tanker blew up in a parking area and "
    "set off a huge fire."
)
SEED_FILE_PHOTO = (
    "In a Feb. 20, 2019 file photo, families coming home from Iran wait to be processed at the "
    "Islam Qala crossing in Herat Province."
)
SEED_NO_DATE = (
    "Afghan and Iranian firefighters needed three days to put the blaze out.",
    "At least 20 people were hurt as the flames spread through rows of lorries loaded with gas "
    "and fuel that were queuing at the crossing.",
    "By most counts the insurgents have also seized about a third of Afghanistan's 421 districts.",
    "Islam Qala sits on the main highway about 120 kilometers (75 miles) west of Herat city, the "
    "provincial capital.",
)


def d(y: int, m: int, dd: int) -> date:
    return date(y, m, dd)


KABUL = ZoneInfo("Asia/Kabul")  # +04:30
BERLIN = ZoneInfo("Europe/Berlin")
NOW_KABUL = datetime(2021, 7, 10, 9, 0, tzinfo=KABUL)  # Saturday
NOW_BERLIN_DST = datetime(2021, 3, 28, 12, 0, tzinfo=BERLIN)  # Sunday; clocks went forward at 2:00
NOW_BERLIN_NY = datetime(2022, 1, 3, 8, 0, tzinfo=BERLIN)  # Monday after New Year


def k(m: int, dd: int, h: int = 0, y: int = 2021) -> datetime:
    return datetime(y, m, dd, h, 0, tzinfo=KABUL)


def b(y: int, m: int, dd: int, h: int = 0) -> datetime:
    return datetime(y, m, dd, h, 0, tzinfo=BERLIN)
