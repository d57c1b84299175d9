"""Time-word test data: the seed article's sentences and publication day, the askers' zones
and clocks, and short date builders."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.domain.questions.timetypes import Precision

D, W, M, Y = Precision.DAY, Precision.WEEK, Precision.MONTH, Precision.YEAR
PUB = date(2021, 7, 9)  # the seed article: Friday 9 July 2021
NEW_YEAR_PUB = date(2022, 1, 3)  # a Monday just after a year boundary

# Seed article sentences (AP via Newsweek, published Friday 2021-07-09), copied verbatim.
SEED_THURSDAY = (
    "Afghan soldiers retreated into Iran on Thursday as the Taliban took control of a border "
    "crossing connecting the country with Afghanistan, the Associated Press reported."
)
SEED_PAST_WEEK = (
    "The seizure of the Islam Qala crossing is the third border crossing the Taliban has overrun "
    "in the past week alongside crossings connecting Afghanistan with Tajikistan and Uzbekistan."
)
SEED_SUNDAY_TROOPS = (
    "On Sunday, Afghan troops retreated into Tajikistan as the Taliban took control of the "
    "border area."
)
SEED_PHOTO_TUESDAY = (
    "In this photo, Afghan militia forces stand guard at an outpost as they patrol against the "
    "Taliban fighters in the Tange Farkhar area of Taloqan in northern Takhar province on Tuesday."
)
SEED_PAST_MONTHS = (
    "Afghanistan has seen a Taliban surge as the American and NATO pullout stepped up over the "
    "past few months."
)
SEED_CENTCOM = (
    "On Tuesday, the U.S. Central Command said 90 percent of the withdrawal of U.S. troops and "
    "equipment from Afghanistan is complete."
)
SEED_BY_AUGUST = "The U.S. says the last troops will be gone by August."
SEED_SUNDAY_DISTRICTS = (
    "On Sunday, the Taliban seized control of several districts from fleeing Afghan forces, "
    "several hundred of whom fled across the border into Tajikistan."
)
SEED_MID_APRIL = (
    "Since mid-April, when President Joe Biden announced the end to Afghanistan's \"forever "
    'war," the Taliban have made strides throughout the country.'
)
SEED_2001 = (
    "But their most significant gains have been in the north, a traditional stronghold of the "
    "U.S.-allied warlords who helped defeat the Taliban in 2001."
)
SEED_FEBRUARY = (
    "Islam Qala made headlines in February, when a massive fire erupted following an explosion "
    "of a fuel tanker."
)
SEED_FILE_PHOTO = (
    "In this Feb. 20, 2019 file photo, Afghans return to Afghanistan at the Islam Qala border "
    "with Iran, in the western Herat Province."
)
SEED_NO_DATE = (
    "It took firefighters from both countries three days to put out.",
    "At least 20 people were injured and hundreds of trucks lined up at the crossing carrying "
    "natural gas and fuel were engulfed in the blaze.",
    "The insurgent group also has taken control of about a third of the country's districts and "
    "district centers out of 421.",
    "The Islam Qala crossing is around 120 kilometers (75 miles) west of the city of Herat, the "
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
