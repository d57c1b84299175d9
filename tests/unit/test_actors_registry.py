"""The actor registry: the shipped file, matching by alias in any script, what must not match."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from importlib import resources

import pytest

from bot.domain.actors.edits import read_alias, read_new_actor
from bot.domain.actors.fold import fold, fold_with_map
from bot.domain.actors.learning import new_actor_names
from bot.domain.actors.loading import parse_actors, shipped_actors, shipped_registry
from bot.domain.actors.model import KINDS, Actor, ActorError
from bot.domain.actors.registry import ActorRegistry
from bot.domain.ingest.extract import extract_events
from bot.domain.places.gazetteer import Gazetteer
from bot.domain.questions.understand import Understander

REGISTRY = shipped_registry()

REQUIRED = [
    "Taliban",
    "Islamic State Khorasan Province",
    "Afghan National Defense and Security Forces",
    "Pakistan Armed Forces",
    "Tehrik-i-Taliban Pakistan",
    "Rapid Support Forces",
    "Sudanese Armed Forces",
    "Russian Armed Forces",
    "Armed Forces of Ukraine",
    "Wagner Group",
    "Africa Corps",
    "Israel Defense Forces",
    "Hamas",
    "Palestinian Islamic Jihad",
    "Hezbollah",
    "Myanmar Armed Forces",
    "People's Defence Forces",
    "Arakan Army",
    "Myanmar National Democratic Alliance Army",
    "Ta'ang National Liberation Army",
    "Kachin Independence Army",
    "Jama'at Nusrat al-Islam wal-Muslimin",
    "Islamic State West Africa Province",
    "Islamic State Sahel Province",
    "Boko Haram",
    "Malian Armed Forces",
    "Burkina Faso Armed Forces",
    "Volunteers for the Defence of the Homeland",
    "al-Shabaab",
    "Somali National Army",
    "M23",
    "Armed Forces of the Democratic Republic of the Congo",
    "Allied Democratic Forces",
    "CODECO",
    "Houthis",
    "Yemeni government forces",
    "Southern Transitional Council",
    "Hayat Tahrir al-Sham",
    "Syrian Democratic Forces",
    "Syrian government forces",
    "Syrian National Army",
    "Viv Ansanm",
    "G9",
    "G-Pèp",
    "400 Mawozo",
    "Haitian National Police",
    "Multinational Security Support Mission",
]


def test_the_shipped_file_is_well_formed() -> None:
    text = resources.files("bot.data").joinpath("actors.json").read_text(encoding="utf-8")
    doc = json.loads(text)
    assert doc["origin"] and doc["licence"]
    actors = shipped_actors()
    assert len(actors) == len(doc["actors"]) == len({a.name for a in actors})
    for actor in actors:
        assert actor.kind in KINDS, actor.name
        assert all(len(c) == 2 and c.isupper() for c in actor.countries), actor.name
        assert actor.name not in actor.aliases
    # no name of one actor is a name of another
    owners: dict[str, str] = {}
    for actor in actors:
        for name in actor.names:
            assert owners.setdefault(fold(name), actor.name) == actor.name, name
    assert set(REQUIRED) <= {a.name for a in actors}


def test_janjaweed_is_not_the_rsf_and_sna_names_no_one() -> None:
    assert REGISTRY.names_in("Janjaweed militias burned villages in 2004") == ["Janjaweed"]
    assert REGISTRY.resolve("SNA") is None


# (text, the actors found in order)
MATCHES = [
    ("What did the RSF do in El Fasher?", ["Rapid Support Forces"]),
    ("what did the rsf do in el fasher", ["Rapid Support Forces"]),
    ("the rapid support forces shelled the camp", ["Rapid Support Forces"]),
    ("Fighting between the SAF and the RSF", ["Sudanese Armed Forces", "Rapid Support Forces"]),
    ("قوات الدعم السريع تسيطر على الفاشر", ["Rapid Support Forces"]),
    ("Hamas-led fighters crossed", ["Hamas"]),
    ("the al-Qassam Brigades said", ["Hamas"]),
    ("وحماس قالت", ["Hamas"]),
    ("Israeli troops and Hezbollah exchanged fire", ["Israel Defense Forces", "Hezbollah"]),
    ("ЦАХАЛ нанёс удар", ["Israel Defense Forces"]),
    ("the Pakistani Taliban and the Taliban", ["Tehrik-i-Taliban Pakistan", "Taliban"]),
    ("Islamic State Khorasan Province claimed it", ["Islamic State Khorasan Province"]),
    ("IS-K and ISIS", ["Islamic State Khorasan Province", "Islamic State"]),
    ("IS fighters attacked", ["Islamic State"]),
    ("امارت اسلامی اعلام کرد", ["Taliban"]),
    ("طالبان", ["Taliban"]),
    ("Збройні сили України та ЗСУ", ["Armed Forces of Ukraine"]),
    ("Вооруженные силы Украины", ["Armed Forces of Ukraine"]),
    ("Russian troops and PMC Wagner", ["Russian Armed Forces", "Wagner Group"]),
    ("တပ်မတော် က ပြည်သူ့ကာကွယ်ရေးတပ် ကို", ["Myanmar Armed Forces", "People's Defence Forces"]),
    ("The People’s Defence Force and the AA", ["People's Defence Forces", "Arakan Army"]),
    (
        "TNLA and MNDAA",
        ["Ta'ang National Liberation Army", "Myanmar National Democratic Alliance Army"],
    ),
    (
        "JNIM attacked FAMa positions",
        ["Jama'at Nusrat al-Islam wal-Muslimin", "Malian Armed Forces"],
    ),
    ("VDP auxiliaries", ["Volunteers for the Defence of the Homeland"]),
    ("al Shabaab and the Somali army", ["al-Shabaab", "Somali National Army"]),
    (
        "AFC/M23 took Goma from the FARDC",
        ["M23", "Armed Forces of the Democratic Republic of the Congo"],
    ),
    ("the Houthis (Ansar Allah)", ["Houthis"]),
    ("الحوثيون", ["Houthis"]),
    ("HTS and the SDF", ["Hayat Tahrir al-Sham", "Syrian Democratic Forces"]),
    ("G-Pep and G9 an Fanmi e Alye", ["G-Pèp", "G9"]),
    ("Viv Ansanm gangs attacked the HNP", ["Viv Ansanm", "Haitian National Police"]),
    ("the Kenya-led mission", ["Multinational Security Support Mission"]),
    ("Military Forces of Sudan (2019-)", ["Sudanese Armed Forces"]),
    ("US troops", ["U.S. forces"]),
]


@pytest.mark.parametrize(("text", "expected"), MATCHES)
def test_mentions_are_found_by_any_alias(text: str, expected: list[str]) -> None:
    assert REGISTRY.names_in(text) == expected


# Words that look like a name but are not one.
NOT_MATCHES = [
    "Hamasa is a village name",
    "the Rapid-Supportive team",
    "it is what it is",
    "tell us about it",
    "a pdf file and a sac of grain",
    "the kia car dealer",
    "Talibanesque rhetoric",
    "ISISX and DAESHY",
    "rsfx and xrsf",
    "Wagnerian opera",
]


@pytest.mark.parametrize("text", NOT_MATCHES)
def test_words_that_must_not_match(text: str) -> None:
    assert REGISTRY.names_in(text) == []


def test_mentions_point_into_the_original_text() -> None:
    text = "Die  Kämpfer der RSF,\tdann   Hamas"
    found = REGISTRY.find_in_text(text)
    assert [text[m.start : m.end] for m in found] == ["RSF", "Hamas"]
    folded, where = fold_with_map("É  b")
    assert folded == "e b" and len(where) == len(folded) + 1


def test_resolve_lookup_and_suggest() -> None:
    assert REGISTRY.resolve("ansar allah").name == "Houthis"  # type: ignore[union-attr]
    assert REGISTRY.resolve("is") is None and REGISTRY.resolve("IS").name == "Islamic State"  # type: ignore[union-attr]
    assert REGISTRY.lookup("the RSF in Darfur").name == "Rapid Support Forces"  # type: ignore[union-attr]
    assert REGISTRY.suggest("Hezbolah") == ["Hezbollah"]
    assert REGISTRY.search_terms("Taliban") == ("taliban", "taleban")
    assert "is" not in REGISTRY.search_terms("Islamic State")


def test_longest_alias_wins_and_edits_reindex() -> None:
    registry = ActorRegistry([Actor("Alpha", aliases=("Alpha Brigade",)), Actor("Beta")])
    registry.put(Actor("Alpha Brigade North", aliases=("Alpha Brigade North Wing",)))
    assert registry.names_in("Alpha Brigade North Wing and Alpha") == [
        "Alpha Brigade North",
        "Alpha",
    ]
    assert registry.remove("Beta") and not registry.remove("Beta")
    assert registry.names_in("Beta") == []


def test_admin_input_is_read_and_checked() -> None:
    assert read_new_actor("Zed Brigade | ZB, Zeds ,") == ("Zed Brigade", ["ZB", "Zeds"])
    assert read_alias("Hamas | Harakat") == ("Hamas", "Harakat")
    for bad in ("", " | x", "x", "!!", "a\x00b", "y" * 200):
        with pytest.raises(ActorError):
            read_new_actor(bad)
    with pytest.raises(ActorError):
        read_alias("Hamas")


def test_import_names_learned_only_when_new() -> None:
    names = [
        "Military Forces of Sudan (2019-)",
        "Police Forces of Sudan (2019-)",
        "Civilians (Sudan)",
        "Protesters (Sudan)",
        "Rapid Support Forces",
        "Police Forces of Sudan (2019-)",
        "",
    ]
    assert new_actor_names(names, REGISTRY) == ["Police Forces of Sudan (2019-)"]


def test_parse_actors_reads_a_document_like_the_shipped_one() -> None:
    [actor] = parse_actors('{"actors": [{"name": "X Front", "aliases": ["XF", "X Front"]}]}')
    assert actor == Actor("X Front", aliases=("XF",))


# ----------------------------------------------------------------------------- ingest and questions


def test_insurgents_stand_for_the_articles_own_group(gaz: Gazetteer) -> None:
    gazetteer = gaz
    text = (
        "Houthi rebels attacked a ship off Hodeidah on Monday.\n\n"
        "The insurgents seized the port of Hodeidah on Tuesday."
    )
    extraction = extract_events(text, datetime(2024, 1, 10, tzinfo=UTC).date(), gazetteer)
    actors = {a for e in extraction.events for a in e.actors}
    assert "Houthis" in actors and "Taliban" not in actors


def test_a_named_groups_spokesman_is_a_claim(gaz: Gazetteer) -> None:
    gazetteer = gaz
    text = "Houthi spokesman Yahya Saree said the group attacked a ship off Hodeidah on Monday."
    extraction = extract_events(text, datetime(2024, 1, 10, tzinfo=UTC).date(), gazetteer)
    assert extraction.events and extraction.events[0].claim_status.value == "claimed"


@pytest.mark.parametrize(
    ("question", "actor", "term"),
    [
        ("what did the RSF do in El Fasher?", "Rapid Support Forces", "rapid support forces"),
        ("what did the houthis do", "Houthis", "ansar allah"),
        ("ماذا فعل الحوثيون", "Houthis", "houthis"),
        ("Russian troops in Bakhmut", "Russian Armed Forces", "russian troops"),
        ("what did the Americans say", "U.S.", "u.s."),
        ("ماذا فعلت الدولة الإسلامية", "Islamic State", "الدولة الإسلامية"),
        ("government forces", "government forces", "security forces"),
    ],
)
def test_questions_name_actors_from_the_registry(
    gaz: Gazetteer, question: str, actor: str, term: str
) -> None:
    understander = Understander(gaz, actors=REGISTRY)
    q = understander.understand(question, datetime(2024, 1, 10, 12, tzinfo=UTC))
    assert actor in q.actors
    assert term in q.term_groups()[q.actors.index(actor)]


def test_insurgents_in_a_question_name_no_group(gaz: Gazetteer) -> None:
    understander = Understander(gaz, actors=REGISTRY)
    q = understander.understand("what did the insurgents do", datetime(2024, 1, 10, 12, tzinfo=UTC))
    assert q.actors == ()
