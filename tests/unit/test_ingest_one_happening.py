"""Extraction, second round on unseen reporting: each class of held-out failure, in other words.

Parts of one happening are not events of their own (crowd control, warning shots, the claim of
an attack already told, what its doers did next, arrests at a protest, a participle describing
the doers); protests by their phrasing; a place handed over is taken; shelling stays shelling
when civilians die; unarmed people killed are civilians; where someone comes from, "in the
area", "the clash took place in X" after "near Y", and a namesake spelled another way.
"""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.events.model import EventDraft
from bot.domain.ingest.extract import extract_events
from bot.store.atlas import world_gazetteer

DAY = date(2024, 5, 10)  # a Friday
THURSDAY = date(2024, 5, 9)


def _drafts(text: str) -> list[EventDraft]:
    return extract_events(text, DAY, world_gazetteer()).events


def _events(text: str) -> list[tuple[str | None, str, date]]:
    return [(e.place_key, e.event_type, e.when.start) for e in _drafts(text)]


def test_tear_gas_at_a_march_is_the_protest_and_warning_shots_are_no_attack() -> None:
    march = (
        "NAIROBI, May 10 (Wire) - Police fired tear gas at hundreds of teachers who marched "
        "in Nairobi on Thursday to demand higher pay."
    )
    [protest] = _drafts(march)
    assert (protest.event_type, protest.sub_event_type) == ("Protests", "Protest with intervention")
    shots = (
        "KAMPALA, May 10 (Wire) - Soldiers fired into the air as a crowd gathered outside a "
        "prison in Gulu on Thursday, witnesses said."
    )
    assert _events(shots) == []


def test_taking_to_the_streets_is_a_protest_and_arrests_there_are_its_intervention() -> None:
    text = (
        "LAGOS, May 10 (Wire) - Police detained dozens of people as thousands of residents "
        "took to the streets of Lagos on Thursday to protest against fuel prices."
    )
    assert _events(text) == [("lagos-g1dzqj", "Protests", THURSDAY)]


def test_a_claim_of_the_attack_and_what_its_doers_did_next_are_part_of_it() -> None:
    claim = (
        "BAMAKO, May 10 (Wire) - Gunmen ambushed an army convoy near Gao on Thursday, killing "
        "four soldiers, the army said.\n\n"
        "The group said on Friday that its fighters had conducted the ambush."
    )
    [ambush] = _drafts(claim)
    assert ambush.event_type == "Battles" and "claimed" in ambush.claim_note
    next_ = (
        "Gunmen attacked a bus near Maiduguri on Thursday, killing six passengers.\n\n"
        "The gunmen burned the bus before fleeing into the bush, a survivor said."
    )
    assert _events(next_) == [("maiduguri-g1dyyf", "Violence against civilians", THURSDAY)]


def test_a_participle_describing_the_doers_is_no_event_and_driving_out_takes_the_town() -> None:
    text = (
        "NDJAMENA, May 10 (Wire) - Chadian troops stationed in the region drove the rebels "
        "out of the town of Faya on Thursday, the army said."
    )
    [ev] = _drafts(text)
    assert (ev.event_type, ev.sub_event_type) == ("Battles", "Government regains territory")


def test_a_place_surrendered_to_the_other_side_is_taken_by_it() -> None:
    text = "Soldiers surrendered the garrison in Menaka to rebel fighters on Thursday."
    [ev] = _drafts(text)
    assert (ev.event_type, ev.sub_event_type) == ("Battles", "Non-state actor overtakes territory")
    assert ev.place_key == "menaka-g1gl56" and "Soldiers" in ev.actor2


def test_shelling_that_kills_civilians_is_still_shelling() -> None:
    text = "Shelling by government forces struck a market in Kadugli on Thursday, killing nine."
    assert _events(text) == [("kadugli-g7zx1", "Explosions/Remote violence", THURSDAY)]


@pytest.mark.parametrize(
    ("victims", "kind"),
    [
        ("three bakers", "Violence against civilians"),
        ("two bus drivers", "Violence against civilians"),
        ("three soldiers", "Battles"),
    ],
)
def test_people_killed_who_bear_no_arms_are_civilians(victims: str, kind: str) -> None:
    text = f"Militants shot dead {victims} in Mopti on Thursday, police said."
    assert _events(text) == [("mopti-g1gl0k", kind, THURSDAY)]


def test_where_someone_comes_from_is_not_where_it_happened() -> None:
    text = "A soldier from Chad was killed in an ambush near Kidal on Thursday, the mission said."
    assert [p for p, _, _ in _events(text)] == ["kidal-g1gmii"]


def test_in_the_area_is_the_last_place_named() -> None:
    text = (
        "Gunmen attacked a village near Bunia on Wednesday, killing six people.\n\n"
        "Soldiers arrested five suspects in the area on Thursday, the army said."
    )
    assert ("bunia-g4nz3", "Strategic developments", THURSDAY) in _events(text)


def test_the_clash_took_place_in_a_town_moves_it_from_near_a_city() -> None:
    text = (
        "Troops killed five militants near the northern city of Mosul on Thursday, the army "
        "said.\n\nThe clash took place in the town of Tal Afar, an officer said."
    )
    assert _events(text) == [("tall-afar-g1xqx", "Battles", THURSDAY)]


def test_a_namesake_spelled_another_way_is_the_big_place() -> None:
    assert [p for p, _, _ in _events("Drones struck Odessa overnight, officials said.")] == [
        "odesa-gez5g"
    ]
    texas = "Gunmen killed two farmers near Odessa, Texas, on Thursday."
    assert [p for p, _, _ in _events(texas)] == ["odessa-g3ah36"]
