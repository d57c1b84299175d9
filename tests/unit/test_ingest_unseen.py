"""Extraction on reporting it has not seen: each class of held-out failure, in other words.

Places: a dateline's or a nationality's country lets variant spellings reach it; the two Congos
are namesakes the other places decide; a foreign name of a country loses to a place of that
name; a country owning who speaks is attribution.  Events: a participle's happening is where its
clause is; happenings named by nouns; a reference point is not the place.
"""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.ingest.extract import extract_events
from bot.store.atlas import world_gazetteer

DAY = date(2024, 5, 10)  # a Friday


def _events(text: str) -> list[tuple[str | None, str, date]]:
    got = extract_events(text, DAY, world_gazetteer()).events
    return [(e.place_key, e.event_type, e.when.start) for e in got]


def test_a_datelines_country_lets_a_variant_spelling_through_but_never_shuts_one_out() -> None:
    body = (
        "U.S. and British warplanes struck a radar site near Hodeida on Friday, the channel said."
    )
    assert _events(f"ADEN, May 10 (Wire) - {body}")[0][0] == "al-hudaydah-g1p9z"
    # a dateline from elsewhere neither places the event nor makes it worse than none
    assert _events(f"KYIV, May 10 (Wire) - {body}")[0][0] == _events(body)[0][0]


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("Protesters marched in Bukavu, eastern Congo.", "CD"),
        ("Police patrolled Brazzaville, Congo.", "CG"),
        ("Fighting near Marawi in the Philippines.", "PH"),  # not Malawi
    ],
)
def test_country_namesakes_are_decided_by_the_other_places(text: str, country: str) -> None:
    mentions = world_gazetteer().find_in_text(text)
    assert {m.place.country for m in mentions} == {country}


def test_a_place_called_by_its_own_name_beats_an_old_name_of_a_bigger_one() -> None:
    text = "Russian troops advanced on Pokrovsk in Ukraine's Donetsk region."
    first = world_gazetteer().find_in_text(text)[0]
    assert (first.matched, first.place.country) == ("Pokrovsk", "UA")


def test_a_typo_in_an_article_reaches_only_the_articles_countries() -> None:
    text = "BOGOTA, May 10 (Wire) - Soldiers clashed with rebels near the Pacific port of Tumaco."
    assert [p for p, _, _ in _events(text)] == ["tumaco-g26l74"]


def test_the_country_of_who_speaks_is_not_the_place() -> None:
    text = (
        "KYIV, May 10 (Wire) - A missile struck a school in the city of Sumy on Thursday.\n\n"
        "Ukraine's security service said it had arrested two men suspected of guiding the strike."
    )
    places = [p for p, _, _ in _events(text)]
    assert "ukraine" not in places and places[0] == "sumy-geu3m"


def test_a_participle_happens_where_its_clause_is() -> None:
    text = "A gunman drove into a market in the town of Baidoa on Wednesday, killing six people."
    assert _events(text) == [("baidoa-g1dso", "Battles", date(2024, 5, 8))]


def test_the_object_taken_is_the_place_not_a_town_the_road_leads_to() -> None:
    text = "Rebels captured the town of Sake on Friday, cutting the road into Goma, sources said."
    assert [p for p, _, _ in _events(text)] == ["sake-g4exe"]


def test_a_reference_point_yields_to_the_place_named() -> None:
    text = (
        "Troops repelled an attack on Herat city on Friday.\n\n"
        "Fighting also broke out in Guzara district south of the city on Thursday."
    )
    assert [p for p, _, _ in _events(text)] == ["herat-city", "guzarah-district"]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Hundreds of demonstrators blocked the main road in Kassala on Tuesday.", "Protests"),
        ("Clashes between rival clans left nine dead in Galkayo on Friday.", "Battles"),
        ("A protest took place in Kassala on Tuesday.", "Protests"),
        ("The bombing of a market in Baidoa killed 12 people on Wednesday.", "Explosions"),
        ("Residents reported an airstrike on a market in Kutum on Monday.", "Explosions"),
        ("Israeli tanks pushed into the eastern part of Rafah on Monday.", "Battles"),
    ],
)
def test_happenings_named_by_nouns_or_told_by_who_acts(text: str, kind: str) -> None:
    (event,) = _events(text)
    assert event[1].startswith(kind)


def test_an_undated_cause_is_part_of_the_happening_it_caused() -> None:
    text = "Militias clashed in Zawiya on Sunday after a commander was detained, residents said."
    assert _events(text) == [("zawiya-g1bik5", "Battles", date(2024, 5, 5))]


def test_the_attack_told_before_is_not_a_new_event() -> None:
    text = "Gunmen attacked a police post in Gao on Monday.\n\nThe attack took place near Gao."
    assert len(_events(text)) == 1


def test_there_is_the_place_named_before_and_a_fronted_day_is_the_clauses_own() -> None:
    text = (
        "Gunmen attacked the town of Kutum on Monday.\n\n"
        "On Tuesday, militiamen killed three traders there, residents said."
    )
    assert [(p, d) for p, _, d in _events(text)] == [
        ("kutum-g7yu9", date(2024, 5, 6)),
        ("kutum-g7yu9", date(2024, 5, 7)),
    ]
