"""Time words in questions in the crises' languages: the window asked about, and the rest of the
question left for the place lookup (the time phrase and its preposition removed)."""

# ruff: noqa: E501  (one question a row reads better than wrapped rows)

from __future__ import annotations

import importlib
from datetime import datetime

import pytest

from bot.domain.questions.timegloss import LANGUAGES, Gloss, fold, gloss
from bot.domain.questions.timewords import find_window
from tests.support.timewords import NOW_BERLIN_NY, NOW_KABUL, b, k

Win = tuple[datetime, datetime, str]

K = NOW_KABUL  # Saturday 10 July 2021, 09:00 in Kabul
NY = NOW_BERLIN_NY  # Monday 3 January 2022, 08:00 in Berlin
YESTERDAY: Win = (k(7, 9), k(7, 10), "yesterday")
TODAY: Win = (k(7, 10), k(7, 11), "today")
THIS_WEEK: Win = (k(7, 5), k(7, 11), "this week")
LAST_WEEK: Win = (k(6, 28), k(7, 5), "last week")
IN_JULY: Win = (k(7, 1), k(7, 11), "July 2021")
SINCE_MONDAY: Win = (k(7, 5), NOW_KABUL, "since Mon 5 Jul")
LAST_3_DAYS: Win = (k(7, 7, 9), NOW_KABUL, "the last 3 days")
ON_8_JULY: Win = (k(7, 8), k(7, 9), "8 Jul 2021")
THREE_DAYS_AGO: Win = (k(7, 7), k(7, 8), "7 Jul 2021")
THIS_MONTH: Win = (k(7, 1), k(7, 11), "this month")
LAST_MONTH: Win = (k(6, 1), k(7, 1), "last month")
TUESDAY: Win = (k(7, 6), k(7, 7), "Tue 6 Jul")
LAST_24_HOURS: Win = (k(7, 9, 9), NOW_KABUL, "the last 24 hours")
EARLY_JULY: Win = (k(7, 1), k(7, 11), "1 – 10 Jul 2021")
RECENTLY: Win = (k(7, 3, 9), NOW_KABUL, "the last 7 days")
IN_2020: Win = (k(1, 1, y=2020), k(1, 1), "2020")
SINCE_JUNE: Win = (k(6, 1), NOW_KABUL, "since June 2021")
NY_DECEMBER: Win = (b(2021, 12, 1), b(2022, 1, 1), "December 2021")
NY_LAST_YEAR: Win = (b(2021, 1, 1), b(2022, 1, 1), "last year")

QUESTIONS: list[tuple[str, str, datetime, Win, str]] = [
    # -- French --
    ("fr", "Quoi de neuf à Bunia hier ?", K, YESTERDAY, "Quoi de neuf à Bunia?"),
    ("fr", "Que se passe-t-il à Goma aujourd'hui ?", K, TODAY, "Que se passe-t-il à Goma?"),
    ("fr", "Combats à Beni cette semaine ?", K, THIS_WEEK, "Combats à Beni?"),
    ("fr", "Goma la semaine dernière", K, LAST_WEEK, "Goma"),
    ("fr", "Attaques en juillet à Bunia", K, IN_JULY, "Attaques à Bunia"),
    ("fr", "Que s'est-il passé à Goma depuis lundi ?", K, SINCE_MONDAY, "Que s'est-il passé à Goma?"),
    ("fr", "Bunia : les 3 derniers jours", K, LAST_3_DAYS, "Bunia"),
    ("fr", "Et à Uvira ces trois derniers jours ?", K, LAST_3_DAYS, "Et à Uvira?"),
    ("fr", "Que s'est-il passé à Bukavu le 8 juillet ?", K, ON_8_JULY, "Que s'est-il passé à Bukavu?"),
    ("fr", "Beni il y a 3 jours", K, THREE_DAYS_AGO, "Beni"),
    ("fr", "Bunia ce mois-ci", K, THIS_MONTH, "Bunia"),
    ("fr", "Goma mardi", K, TUESDAY, "Goma"),
    ("fr", "Goma au cours des dernières 24 heures", K, LAST_24_HOURS, "Goma"),
    ("fr", "Bunia début juillet", K, EARLY_JULY, "Bunia"),
    ("fr", "Quoi de neuf à Kalemie récemment ?", K, RECENTLY, "Quoi de neuf à Kalemie?"),
    ("fr", "Bunia en décembre", NY, NY_DECEMBER, "Bunia"),
    ("fr", "Goma le 8 juil.", K, ON_8_JULY, "Goma"),
    ("fr", "Tirs à Goma cette nuit ?", K, (k(7, 9), k(7, 10), "last night"), "Tirs à Goma?"),
    # -- Spanish --
    ("es", "¿Qué pasó ayer en Gaza?", K, YESTERDAY, "¿Qué pasó en Gaza?"),
    ("es", "¿Qué pasa hoy en Rafah?", K, TODAY, "¿Qué pasa en Rafah?"),
    ("es", "¿qué pasó en Gaza esta semana?", K, THIS_WEEK, "¿qué pasó en Gaza?"),
    ("es", "¿Qué pasó en Rafah la semana pasada?", K, LAST_WEEK, "¿Qué pasó en Rafah?"),
    ("es", "Ataques en Jan Yunis en julio", K, IN_JULY, "Ataques en Jan Yunis"),
    ("es", "¿Qué pasó en Gaza desde el lunes?", K, SINCE_MONDAY, "¿Qué pasó en Gaza?"),
    ("es", "Gaza en los últimos 3 días", K, LAST_3_DAYS, "Gaza"),
    ("es", "Rafah, los últimos tres días", K, LAST_3_DAYS, "Rafah"),
    ("es", "¿Qué pasó en Jartum el 8 de julio?", K, ON_8_JULY, "¿Qué pasó en Jartum?"),
    ("es", "Gaza hace 3 días", K, THREE_DAYS_AGO, "Gaza"),
    ("es", "¿Qué pasó en Gaza este mes?", K, THIS_MONTH, "¿Qué pasó en Gaza?"),
    ("es", "Jartum el martes", K, TUESDAY, "Jartum"),
    ("es", "¿Qué pasó en Gaza en las últimas 24 horas?", K, LAST_24_HOURS, "¿Qué pasó en Gaza?"),
    ("es", "Jartum a principios de julio", K, EARLY_JULY, "Jartum"),
    ("es", "Gaza desde junio", K, SINCE_JUNE, "Gaza"),
    ("es", "¿Qué pasó en Gaza el año pasado?", NY, NY_LAST_YEAR, "¿Qué pasó en Gaza?"),
    ("es", "Gaza el 8 de jul. de 2021", K, ON_8_JULY, "Gaza"),
    # -- Russian --
    ("ru", "что произошло в Харькове вчера?", K, YESTERDAY, "что произошло в Харькове?"),
    ("ru", "Что сегодня в Харькове?", K, TODAY, "Что в Харькове?"),
    ("ru", "Что было в Донецке на этой неделе?", K, THIS_WEEK, "Что было в Донецке?"),
    ("ru", "Что было в Донецке на прошлой неделе?", K, LAST_WEEK, "Что было в Донецке?"),
    ("ru", "Обстрелы Херсона в июле", K, IN_JULY, "Обстрелы Херсона"),
    ("ru", "что было в Харькове с понедельника", K, SINCE_MONDAY, "что было в Харькове"),
    ("ru", "что было в Херсоне за последние 3 дня?", K, LAST_3_DAYS, "что было в Херсоне?"),
    ("ru", "Сумы за последние три дня", K, LAST_3_DAYS, "Сумы"),
    ("ru", "что было в Одессе 8 июля?", K, ON_8_JULY, "что было в Одессе?"),
    ("ru", "Харьков 3 дня назад", K, THREE_DAYS_AGO, "Харьков"),
    ("ru", "Что было в Сумах в этом месяце?", K, THIS_MONTH, "Что было в Сумах?"),
    ("ru", "Что было в Харькове во вторник?", K, TUESDAY, "Что было в Харькове?"),
    ("ru", "Харьков за последние сутки", K, LAST_24_HOURS, "Харьков"),
    ("ru", "Херсон в начале июля", K, EARLY_JULY, "Херсон"),
    ("ru", "Что было в Сумах в прошлом месяце?", K, LAST_MONTH, "Что было в Сумах?"),
    ("ru", "Что было в Изюме в 2020 году?", K, IN_2020, "Что было в Изюме?"),
    ("ru", "Изюм, 8 июл.", K, ON_8_JULY, "Изюм"),
    # -- Ukrainian --
    ("uk", "що сталося в Бахмуті вчора?", K, YESTERDAY, "що сталося в Бахмуті?"),
    ("uk", "що сталося сьогодні в Києві?", K, TODAY, "що сталося в Києві?"),
    ("uk", "що сталося в Бахмуті цього тижня?", K, THIS_WEEK, "що сталося в Бахмуті?"),
    ("uk", "що сталося в Бахмуті минулого тижня?", K, LAST_WEEK, "що сталося в Бахмуті?"),
    ("uk", "Обстріли Херсона у липні", K, IN_JULY, "Обстріли Херсона"),
    ("uk", "що сталося в Бахмуті з понеділка?", K, SINCE_MONDAY, "що сталося в Бахмуті?"),
    ("uk", "що сталося в Бахмуті за останні 3 дні?", K, LAST_3_DAYS, "що сталося в Бахмуті?"),
    ("uk", "Суми за останні три дні", K, LAST_3_DAYS, "Суми"),
    ("uk", "що сталося в Одесі 8 липня?", K, ON_8_JULY, "що сталося в Одесі?"),
    ("uk", "Бахмут 3 дні тому", K, THREE_DAYS_AGO, "Бахмут"),
    ("uk", "що сталося в Сумах цього місяця?", K, THIS_MONTH, "що сталося в Сумах?"),
    ("uk", "що сталося в Києві у вівторок?", K, TUESDAY, "що сталося в Києві?"),
    ("uk", "Київ за останню добу", K, LAST_24_HOURS, "Київ"),
    ("uk", "Херсон на початку липня", K, EARLY_JULY, "Херсон"),
    ("uk", "Що було в Ізюмі торік?", NY, NY_LAST_YEAR, "Що було в Ізюмі?"),
    ("uk", "Що відбувається в Сумах останнім часом?", K, RECENTLY, "Що відбувається в Сумах?"),
    ("uk", "Суми 8 лип. 2021", K, ON_8_JULY, "Суми"),
    # -- Arabic --
    ("ar", "ماذا حدث في الفاشر أمس؟", K, YESTERDAY, "ماذا حدث في الفاشر؟"),
    ("ar", "ماذا يحدث في حلب اليوم؟", K, TODAY, "ماذا يحدث في حلب؟"),
    ("ar", "ماذا حدث في غزة هذا الأسبوع؟", K, THIS_WEEK, "ماذا حدث في غزة؟"),
    ("ar", "ماذا حدث في غزة الأسبوع الماضي؟", K, LAST_WEEK, "ماذا حدث في غزة؟"),
    ("ar", "هجمات في الخرطوم في يوليو", K, IN_JULY, "هجمات في الخرطوم"),
    ("ar", "ماذا حدث في حلب منذ يوم الاثنين؟", K, SINCE_MONDAY, "ماذا حدث في حلب؟"),
    ("ar", "ماذا حدث في حلب خلال الأيام الثلاثة الماضية؟", K, LAST_3_DAYS, "ماذا حدث في حلب؟"),
    ("ar", "الفاشر في آخر ٣ أيام", K, LAST_3_DAYS, "الفاشر"),
    ("ar", "ماذا حدث في إدلب في ٨ يوليو؟", K, ON_8_JULY, "ماذا حدث في إدلب؟"),
    ("ar", "ماذا حدث في إدلب في 8 تموز؟", K, ON_8_JULY, "ماذا حدث في إدلب؟"),
    ("ar", "الفاشر قبل ٣ أيام", K, THREE_DAYS_AGO, "الفاشر"),
    ("ar", "ماذا حدث في غزة هذا الشهر؟", K, THIS_MONTH, "ماذا حدث في غزة؟"),
    ("ar", "ماذا حدث في غزة يوم الثلاثاء؟", K, TUESDAY, "ماذا حدث في غزة؟"),
    ("ar", "ماذا حدث في حمص خلال آخر 24 ساعة؟", K, LAST_24_HOURS, "ماذا حدث في حمص؟"),
    ("ar", "ماذا حدث في حمص في أوائل يوليو/تموز؟", K, EARLY_JULY, "ماذا حدث في حمص؟"),
    ("ar", "ماذا حدث في حمص مؤخراً؟", K, RECENTLY, "ماذا حدث في حمص؟"),
    ("ar", "ماذا حدث في درعا في عام ٢٠٢٠؟", K, IN_2020, "ماذا حدث في درعا؟"),
    # -- Persian / Dari --
    ("fa", "دیروز در هرات چه شد؟", K, YESTERDAY, "در هرات چه شد؟"),
    ("fa", "امروز در کابل چه خبر است؟", K, TODAY, "در کابل چه خبر است؟"),
    ("fa", "این هفته در قندهار چه اتفاقی افتاد؟", K, THIS_WEEK, "در قندهار چه اتفاقی افتاد؟"),
    ("fa", "هفته‌ی گذشته در هرات چه شد؟", K, LAST_WEEK, "در هرات چه شد؟"),
    ("fa", "حملات در ماه جولای در کندز", K, IN_JULY, "حملات در کندز"),
    ("fa", "از دوشنبه تاکنون در هرات چه شد؟", K, SINCE_MONDAY, "در هرات چه شد؟"),
    ("fa", "در ۳ روز گذشته در کابل چه شد؟", K, LAST_3_DAYS, "در کابل چه شد؟"),
    ("fa", "بلخ در سه روز اخیر", K, LAST_3_DAYS, "بلخ"),
    ("fa", "در ۸ جولای در هرات چه شد؟", K, ON_8_JULY, "در هرات چه شد؟"),
    ("fa", "۸ ژوئیه در مشهد", K, ON_8_JULY, "در مشهد"),
    ("fa", "سه روز پیش در هرات", K, THREE_DAYS_AGO, "در هرات"),
    ("fa", "این ماه در هرات چه شد؟", K, THIS_MONTH, "در هرات چه شد؟"),
    ("fa", "سه‌شنبه در هرات چه شد؟", K, TUESDAY, "در هرات چه شد؟"),
    ("fa", "در ۲۴ ساعت گذشته در کابل چه شد؟", K, LAST_24_HOURS, "در کابل چه شد؟"),
    ("fa", "اخیراً در کندز چه شد؟", K, RECENTLY, "در کندز چه شد؟"),
    ("fa", "ماه گذشته در بلخ چه شد؟", K, LAST_MONTH, "در بلخ چه شد؟"),
    # -- Pashto --
    ("ps", "پرون په هرات کې څه وشول؟", K, YESTERDAY, "په هرات کې څه وشول؟"),
    ("ps", "نن په کابل کې څه وشول؟", K, TODAY, "په کابل کې څه وشول؟"),
    ("ps", "په دې اونۍ کې په کندهار کې څه وشول؟", K, THIS_WEEK, "په کندهار کې څه وشول؟"),
    ("ps", "په تېره اونۍ کې په کندهار کې څه پېښ شول؟", K, LAST_WEEK, "په کندهار کې څه پېښ شول؟"),
    ("ps", "په جولای کې په کندز کې بریدونه", K, IN_JULY, "په کندز کې بریدونه"),
    ("ps", "له دوشنبې راهیسې په هلمند کې څه وشول؟", K, SINCE_MONDAY, "په هلمند کې څه وشول؟"),
    ("ps", "په تېرو ۳ ورځو کې په هلمند کې څه وشول؟", K, LAST_3_DAYS, "په هلمند کې څه وشول؟"),
    ("ps", "په وروستیو درې ورځو کې په خوست کې", K, LAST_3_DAYS, "په خوست کې"),
    ("ps", "د جولای په ۸مه په هرات کې څه وشول؟", K, ON_8_JULY, "په هرات کې څه وشول؟"),
    ("ps", "درې ورځې وړاندې په هرات کې", K, THREE_DAYS_AGO, "په هرات کې"),
    ("ps", "په دې میاشت کې په هرات کې څه وشول؟", K, THIS_MONTH, "په هرات کې څه وشول؟"),
    ("ps", "د سه شنبې په ورځ په هرات کې څه وشول؟", K, TUESDAY, "په هرات کې څه وشول؟"),
    ("ps", "په تېرو ۲۴ ساعتونو کې په کابل کې څه وشول؟", K, LAST_24_HOURS, "په کابل کې څه وشول؟"),
    ("ps", "په تېره میاشت کې په کندز کې", K, LAST_MONTH, "په کندز کې"),
    ("ps", "پدې وروستیو کې په کندز کې څه وشول؟", K, RECENTLY, "په کندز کې څه وشول؟"),
    # -- English is read as before --
    ("en", "what happened in Herat yesterday?", K, YESTERDAY, "what happened in Herat?"),
    ("en", "news from Herat this week?", K, THIS_WEEK, "news from Herat?"),
    ("en", "since Monday in Kunduz", K, SINCE_MONDAY, "in Kunduz"),
    ("en", "Herat on 8 July", K, ON_8_JULY, "Herat"),
]  # fmt: skip


@pytest.mark.parametrize(("lang", "question", "now", "window", "rest"), QUESTIONS)
def test_find_window_in_languages(
    lang: str, question: str, now: datetime, window: Win, rest: str
) -> None:
    found, remaining = find_window(question, now)
    assert found is not None, (lang, question)
    assert (found.start, found.end, found.label) == window
    assert found.start.utcoffset() == window[0].utcoffset()
    assert remaining == rest


@pytest.mark.parametrize(
    "question",
    [
        "Que se passe-t-il à Goma ?",
        "¿Qué pasa en Rafah?",
        "Что происходит в Харькове?",
        "Загрязнение окружающей среды в Донбассе",  # "среды" is also Wednesday
        "Що відбувається в Києві?",
        "ماذا يحدث في حلب؟",
        "در هرات چه خبر است؟",
        "باران می آید در مشهد",  # "می" is May only next to a day or a year
        "په هرات کې څه خبره ده؟",
        "The Mardi Gras parade in New Orleans",
    ],
)
def test_no_window_in_languages(question: str) -> None:
    assert find_window(question, NOW_KABUL) == (None, question)


def test_eastern_digits_fold_to_ascii_and_keep_length() -> None:
    text = "٣ أيام و۳ روز و 3"
    assert fold(text) == "3 ایام و3 روز و 3"
    assert len(fold(text)) == len(text)


def test_gloss_maps_spans_back_to_the_original() -> None:
    g = gloss("Харьков за последние 3 дня, Сумы")
    assert g.text == "Харьков the last 3 days, Сумы"
    start = g.text.index("the last")
    assert g.original(start, start + len("the last 3 days")) == (8, 26)
    comma = g.text.index(",")
    assert g.original(comma, comma + 1) == (26, 27)
    assert g.original(0, 7) == (0, 7)


def test_gloss_leaves_english_alone() -> None:
    text = "What happened in Herat on 8 July?"
    assert gloss(text) == Gloss(text)


# Full month and weekday names dateparser knows in each language that the tables leave out on
# purpose: abbreviations (short, or prefixes of a full name) are too ambiguous in running text;
# dateparser's data has a few forms that mean something else.
_NOT_OURS = {
    ("fa", "saturday", "دو شنبه"),  # Monday in fact
    ("fa", "saturday", "روز شنبه"),  # "the day Saturday": read by the phrase rules
    ("ps", "saturday", "اونۍ"),  # also the word for "week"
}
_MONTHS = "january february march april may june july august september october november december"
_WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday"


@pytest.mark.parametrize("code", LANGUAGES)
def test_tables_know_dateparsers_month_and_weekday_names(code: str) -> None:
    """dateparser's vocabulary, as a check on ours: each full name means the same in our tables."""
    from bot.domain.questions.timegloss import _table

    info = importlib.import_module(f"dateparser.data.date_translation_data.{code}").info
    table = _table(code)
    wrong = []
    for base, keys in (("mon", _MONTHS.split()), ("wd", _WEEKDAYS.split())):
        for key in keys:
            names = info.get(key, [])
            for name in names:
                if (
                    len(name) < 4
                    or "." in name
                    or any(o.startswith(name) for o in names if o != name)
                ):
                    continue  # an abbreviation
                if (code, key, name) in _NOT_OURS:
                    continue
                word = fold(name).strip()
                got = [en for rx, en in table.words[base] if rx.fullmatch(word)]
                if got != [key.capitalize()]:
                    wrong.append((key, name, got))
    assert wrong == []
