"""Pure extraction of events from article text: the seed acceptance, fixtures, sentence tables."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.domain.events.model import (
    ClaimStatus,
    EventDraft,
    EventStatus,
    LocationPrecision,
    Origin,
    Severity,
    SourceInfo,
)
from bot.domain.ingest.extract import Extraction, extract_events
from bot.domain.places.gazetteer import Gazetteer
from bot.domain.questions.timetypes import Precision
from bot.store.atlas import world_gazetteer

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SEED_PUBLISHED = date(2021, 7, 9)


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return world_gazetteer()


@pytest.fixture(scope="module")
def seed(gazetteer: Gazetteer) -> Extraction:
    text = (FIXTURES / "afghanistan-border-2021-07.txt").read_text(encoding="utf-8")
    source = SourceInfo(outlet="AP via Newsweek", published_on=SEED_PUBLISHED)
    return extract_events(text, SEED_PUBLISHED, gazetteer, source=source)


def _find(events: list[EventDraft], phrase: str, place_key: str | None = None) -> EventDraft:
    hits = [
        e
        for e in events
        if phrase.lower() in f"{e.summary} {e.excerpt}".lower()
        and (place_key is None or e.place_key == place_key)
    ]
    assert hits, f"no event with {phrase!r} at {place_key}: {[e.summary[:60] for e in events]}"
    return hits[0]


# (phrase in summary, place key, start, precision, end)
SEED_ACCEPTANCE = [
    ("seized the Islam Qala border crossing", "islam-qala", date(2021, 7, 8), Precision.DAY, None),
    ("fled into Iran", "iran", date(2021, 7, 8), Precision.DAY, None),
    (
        "frontiers with Tajikistan and Uzbekistan",
        "afghanistan",
        date(2021, 7, 3),
        Precision.WEEK,
        date(2021, 7, 9),
    ),
    (
        "about a third of Afghanistan's 421 districts",
        "afghanistan",
        SEED_PUBLISHED,
        Precision.DAY,
        None,
    ),
    ("90 percent of the troops", "afghanistan", date(2021, 7, 6), Precision.DAY, None),
    ("closed their consulates", "mazar-e-sharif", SEED_PUBLISHED, Precision.DAY, None),
    ("called up 20,000 reservists", "tajikistan", SEED_PUBLISHED, Precision.DAY, None),
    ("fuel tanker exploded", "islam-qala", date(2021, 2, 1), Precision.MONTH, None),
    # one sentence, two happenings: "districts ... from retreating troops, hundreds of whom crossed"
    ("seized a string of districts", "afghanistan", date(2021, 7, 4), Precision.DAY, None),
    ("crossed the border into Tajikistan", "tajikistan", date(2021, 7, 4), Precision.DAY, None),
    ("district after district fell", "badakhshan", SEED_PUBLISHED, Precision.DAY, None),
]


@pytest.mark.parametrize(("phrase", "place", "start", "precision", "end"), SEED_ACCEPTANCE)
def test_seed_acceptance(
    seed: Extraction,
    phrase: str,
    place: str,
    start: date,
    precision: Precision,
    end: date | None,
) -> None:
    ev = _find(seed.events, phrase, place)
    assert ev.when.start == start
    assert ev.when.precision is precision
    assert ev.when.end == end
    assert ev.origin is Origin.INGEST and ev.reviewed is False
    assert ev.status is EventStatus.PUBLISHED
    assert ev.sources and ev.sources[0].outlet == "AP via Newsweek"


def test_seed_has_at_least_eight_distinct_events(seed: Extraction) -> None:
    assert len(seed.events) >= 8
    assert len({(e.place_key, e.when, e.summary) for e in seed.events}) == len(seed.events)


def test_seed_islam_qala_seizure_merges_its_sentences(seed: Extraction) -> None:
    ev = _find(seed.events, "seized the Islam Qala border crossing", "islam-qala")
    assert "on Thursday" in ev.summary  # the date came from the lede
    assert "Mujahid" in ev.excerpt  # the spokesman's undated confirmation joined it
    assert "Mujahid" not in ev.summary and len(ev.summary) <= 200  # one concise sentence
    assert ev.claim_status is ClaimStatus.CLAIMED
    assert "Taliban spokesman Zabihullah Mujahid" in ev.claim_note
    assert "according to an official in Herat province" in ev.claim_note
    assert ev.actors == ("Taliban",) and ev.actor1 == ("Taliban",)
    assert ev.severity is Severity.FLASH
    assert (ev.event_type, ev.sub_event_type) == ("Battles", "Non-state actor overtakes territory")
    assert ev.location_precision is LocationPrecision.EXACT
    assert ev.summary.startswith("Taliban fighters seized the Islam Qala border crossing")
    seizures = [e for e in seed.events if e.place_key == "islam-qala" and e.when.start.month == 7]
    assert len(seizures) == 1


def test_seed_fire_is_one_event_with_its_details(seed: Extraction) -> None:
    fires = [e for e in seed.events if "fuel tanker exploded" in e.summary]
    assert len(fires) == 1
    ev = fires[0]
    assert "At least 20 people were hurt" in ev.excerpt
    assert "three days to put the blaze out" in ev.excerpt
    assert "no sign" not in ev.excerpt.lower()
    assert ev.injuries == 20 and ev.fatalities is None
    assert ev.event_type == "Strategic developments"  # an accident, not an attack


def test_seed_fled_into_iran_collects_both_reports(seed: Extraction) -> None:
    ev = _find(seed.events, "fled into Iran", "iran")
    assert ev.when.start == date(2021, 7, 8)  # the lede's sentence, dated
    assert "Iranian media reported that dozens of Afghan soldiers had retreated" in ev.excerpt
    assert ev.actor1 == ("Afghan forces",)
    assert "Iranian media reported" in ev.claim_note  # the attribution, not an actor


@pytest.mark.parametrize(
    ("phrase", "note", "actors"),
    [
        ("closed their consulates", "reported by 9 Jul 2021", ("Türkiye", "Russia")),
        ("called up 20,000 reservists", "reported by 9 Jul 2021", ("Tajikistan",)),
        ("about a third", "as of 9 Jul 2021", ("Taliban",)),
        ("90 percent", "", ("U.S. Central Command",)),
    ],
)
def test_seed_undated_events_say_how_they_are_dated(
    seed: Extraction, phrase: str, note: str, actors: tuple[str, ...]
) -> None:
    ev = _find(seed.events, phrase)
    assert (note in ev.claim_note) if note else ("date:" not in ev.claim_note)
    assert ev.actor1 == actors


def test_seed_captions_headlines_and_boilerplate_yield_nothing(seed: Extraction) -> None:
    for ev in seed.events:
        assert "Getty" not in ev.summary and "AP Photo" not in ev.summary
        assert "hilltop outpost" not in ev.summary and "file photo" not in ev.summary
        assert "This story has been updated" not in ev.summary
        assert "Takhar" not in ev.summary  # only the caption mentions Takhar
        assert ev.when.start.year == 2021  # the 2019 file photo dates nothing
    reasons = {s.reason for s in seed.skipped}
    assert {"headline", "photo caption", "boilerplate"} <= reasons
    assert seed.title.startswith("Taliban Capture Islam Qala Crossing")


@pytest.mark.parametrize(
    "text",
    [
        "Pro-government militiamen keep watch near Taloqan. (AFP via Getty Images)",
        "In this photo, the Taliban seized a checkpoint in Herat province on Tuesday.",
        "In a February 2019 file photo, Taliban fighters captured Islam Qala.",
        "This story has been updated with comment from a Taliban spokesman.",
        "Taliban Seize Islam Qala Crossing",
        "",
    ],
)
def test_non_story_text_yields_no_events(gazetteer: Gazetteer, text: str) -> None:
    assert extract_events(text, SEED_PUBLISHED, gazetteer).events == []


# sentence → kept (an event) or dropped, with the reason
SENTENCES = [
    ("The Taliban seized the district of Imam Sahib on Monday.", None),
    ("Afghan soldiers fled into Tajikistan on Sunday.", None),
    ("The Taliban entered Kunduz city on Tuesday.", None),
    ("Tajikistan has called up 20,000 reservists.", None),
    ("Pakistan closed the Torkham crossing on Monday.", None),
    ("A roadside bomb exploded in Ghazni province on Monday, killing four soldiers.", None),
    ("The Taliban attacked checkpoints in Kandahar province on Wednesday.", None),
    (
        "The Pentagon has said the last forces will be gone by the end of August.",
        "no happening reported",
    ),
    (
        "Officials said Herat province could be captured within weeks.",
        "a plan or possibility, not an event",
    ),
    ("Officials saw no sign of Taliban involvement in the blast.", "negated"),
    (
        "The seizure of the crossings gives the Taliban a new source of revenue.",
        "no happening reported",
    ),
    ("Islam Qala sits about 120 kilometers west of Herat city.", "no happening reported"),
    ("Prices closed higher on Monday.", "no place or actor"),
    ("Mujahid posted footage purporting to show fighters celebrating.", "no happening reported"),
    ("The Taliban vowed to retake Kunduz city on Monday.", "a plan or possibility, not an event"),
    ("Afghan officials denied the crossing had fallen.", "denied"),
    (
        "In June 2021, 160 people were killed in Ghazni province.",
        "a statistic over a period, not an event",
    ),
]


@pytest.mark.parametrize(("sentence", "dropped"), SENTENCES)
def test_sentence_kept_or_dropped(gazetteer: Gazetteer, sentence: str, dropped: str | None) -> None:
    got = extract_events(sentence, SEED_PUBLISHED, gazetteer)
    if dropped is None:
        assert len(got.events) == 1, got.skipped
        assert got.events[0].summary == sentence
    else:
        assert got.events == []
        assert [s.reason for s in got.skipped] == [dropped]


@pytest.mark.parametrize(
    ("sentence", "kind", "sub", "fatalities"),
    [
        ("A roadside bomb exploded in Ghazni province on Monday, killing four soldiers.",
         "Explosions/Remote violence", "Remote explosive/landmine/IED", 4),
        ("The Taliban captured Lashkar Gah city after heavy fighting on Sunday.",
         "Battles", "Non-state actor overtakes territory", None),
        ("Gunmen killed at least 15 farmers near Maiduguri on Saturday.",
         "Violence against civilians", "Attack", 15),
        ("Hundreds of protesters stormed a police station in Goma on Tuesday.",
         "Riots", "Violent demonstration", None),
        ("A drone struck a fuel depot in Port Sudan on Sunday.",
         "Explosions/Remote violence", "Air/drone strike", None),
        ("Artillery shelled the town of Orikhiv on Wednesday, killing a woman.",
         "Explosions/Remote violence", "Shelling/artillery/missile attack", None),
        ("Government forces recaptured Chahar Dara district on Monday.",
         "Battles", "Government regains territory", None),
        ("The Taliban set up a base in Ghazni province on Monday.",
         "Strategic developments", "Headquarters or base established", None),
        ("At least 12 civilians were killed when Taliban fighters attacked Kunduz city on Monday.",
         "Battles", "Armed clash", 12),
    ],
)  # fmt: skip
def test_event_types(
    gazetteer: Gazetteer, sentence: str, kind: str, sub: str, fatalities: int | None
) -> None:
    (ev,) = extract_events(sentence, SEED_PUBLISHED, gazetteer).events
    assert (ev.event_type, ev.sub_event_type) == (kind, sub)
    assert ev.fatalities == fatalities


def test_crossing_beats_its_province_and_demonyms_are_actors(gazetteer: Gazetteer) -> None:
    text = (
        "Afghan troops retreated as the Taliban seized the Torkham crossing in Nangarhar province."
    )
    events = extract_events(text, SEED_PUBLISHED, gazetteer).events
    seizure = _find(events, "Torkham", "torkham")
    assert seizure.actor1 == ("Taliban",)
    assert all(e.place_key != "nangarhar" for e in events)


def test_undated_sentence_at_the_same_place_merges_into_the_dated_event(
    gazetteer: Gazetteer,
) -> None:
    text = (
        "The Taliban seized the Torkham crossing on Monday.\n\n"
        "Traders said nothing moved for hours.\n\n"
        "A Taliban spokesman claimed the fighters entered Torkham without a shot."
    )
    (ev,) = extract_events(text, date(2021, 7, 14), gazetteer).events
    assert ev.when.start == date(2021, 7, 12)
    assert "entered Torkham" in ev.excerpt
    assert ev.claim_status is ClaimStatus.CLAIMED


def test_different_days_at_the_same_place_stay_apart(gazetteer: Gazetteer) -> None:
    text = (
        "The Taliban attacked Kunduz city on Sunday. The Taliban attacked Kunduz city on Tuesday."
    )
    events = extract_events(text, date(2021, 6, 22), gazetteer).events
    assert sorted(e.when.start.day for e in events) == [20, 22]


def _fixture(name: str, published: date, gazetteer: Gazetteer) -> Extraction:
    return extract_events((FIXTURES / name).read_text(encoding="utf-8"), published, gazetteer)


def test_spin_boldak_article(gazetteer: Gazetteer) -> None:
    got = _fixture("ingest_spin_boldak_2021-07-14.txt", date(2021, 7, 14), gazetteer)
    seizure = _find(got.events, "captured the Spin Boldak border crossing", "spin-boldak")
    assert seizure.when.start == date(2021, 7, 14)
    assert seizure.claim_status is ClaimStatus.CLAIMED  # the Taliban statement joined it
    assert seizure.severity is Severity.FLASH
    clash = _find(got.events, "Arghandab", "arghandab")
    assert clash.when.start == date(2021, 7, 13)
    assert clash.fatalities == 12 and clash.severity is Severity.FLASH
    assert "The fighting forced hundreds of families" in clash.excerpt
    bomb = _find(got.events, "roadside bomb", "kandahar-city")
    assert bomb.when.start == date(2021, 7, 12)
    assert bomb.sub_event_type == "Remote explosive/landmine/IED"
    for ev in got.events:
        assert "AP Photo" not in ev.summary and "contributed" not in ev.summary
        assert "retake" not in ev.summary  # a plan, not an event
        assert "KANDAHAR" not in ev.summary  # the dateline is cleaned away


def test_kunduz_article(gazetteer: Gazetteer) -> None:
    got = _fixture("ingest_kunduz_2021-06-22.txt", date(2021, 6, 22), gazetteer)
    by_place = {e.place_key: e for e in got.events}
    assert by_place["sher-khan-bandar"].when.start == date(2021, 6, 22)
    assert by_place["sher-khan-bandar"].actors[0] == "Taliban"
    assert by_place["imam-sahib-district"].when.start == date(2021, 6, 20)
    assert by_place["imam-sahib-district"].event_type == "Battles"  # "after heavy fighting"
    assert by_place["kunduz-city"].fatalities == 5
    assert by_place["chahar-dara"].sub_event_type == "Government regains territory"
    assert by_place["tajikistan"].summary.startswith("More than 130 Afghan soldiers")
    assert len(got.events) == 5
    assert any(s.reason == "boilerplate" for s in got.skipped)
