"""The cases of the question table (tests/unit/test_question_table.py) over table_events.

Asked at Wednesday 1 September 2021, 09:00 in Kabul: "last week" is 23-29 August, "yesterday"
31 August, "this week" from 30 August. Paraphrases share their expected answer: an analyst may
type any of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["list", "count", "killed", "rank", "nothing", "polite"]


@dataclass(frozen=True)
class Case:
    """One question and the answer it must get."""

    question: str
    kind: Kind = "list"
    events: frozenset[str] = field(default_factory=frozenset)
    count: int | None = None
    killed: int | None = None
    top: tuple[tuple[str, int], ...] = ()
    rank_by: str = "events"
    before: str = ""  # a previous question (follow-ups)


def L(questions: str | tuple[str, ...], *labels: str, before: str = "") -> list[Case]:
    """List cases: every paraphrase must list exactly these events."""
    qs = (questions,) if isinstance(questions, str) else questions
    return [Case(q, "list", frozenset(labels), before=before) for q in qs]


def N(
    questions: str | tuple[str, ...],
    count: int,
    killed: int | None = None,
    *,
    before: str = "",
) -> list[Case]:
    """Number cases: the count of events and (for "killed" questions) the sum of fatalities."""
    qs = (questions,) if isinstance(questions, str) else questions
    kind: Kind = "killed" if killed is not None else "count"
    return [Case(q, kind, count=count, killed=killed, before=before) for q in qs]


def R(questions: str | tuple[str, ...], *top: tuple[str, int], by: str = "events") -> list[Case]:
    """Ranking cases: the first places of the ranking, with their events (or deaths)."""
    qs = (questions,) if isinstance(questions, str) else questions
    return [Case(q, "rank", top=tuple(top), rank_by=by) for q in qs]


def E(*questions: str) -> list[Case]:
    """Questions about which nothing is stored: the honest answer says so."""
    return [Case(q, "nothing") for q in questions]


def P(*questions: str) -> list[Case]:
    """Bad input: any polite answer, never an exception."""
    return [Case(q, "polite") for q in questions]


HEL_AIR = ("hel_air1", "hel_air2", "hel_air3", "art_air")
HELMAND = (*HEL_AIR, "hel_clash", "hel_take", "hel_ied", "hel_ucdp")
KABUL_AUG = (
    "kab_sui",
    "kab_drone",
    "kab_take",
    "kab_rocket",
    "kab_abduct",
    "kab_protest",
    "kab_arrest",
)

CASES: list[Case] = [
    # ---- event types in everyday words -------------------------------------------------------
    *L(
        (
            "airstrikes in Helmand",
            "air strikes in Helmand",
            "air-strikes in Helmand province",
            "any air raids in Helmand?",
            "aerial bombardment in Helmand",
        ),
        *HEL_AIR,
    ),
    *L(("airstrikes in Helmand last week?", "air strikes in Helmand last week"), "art_air"),
    *L(("air strikes in Helmand in July", "Helmand airstrikes in July"), "hel_air1", "hel_air2"),
    *L(
        (
            "suicide attacks in Kabul?",
            "suicide bombings in Kabul",
            "suicide bombers in Kabul",
            "any suicide blasts in Kabul",
        ),
        "kab_sui",
        "art_sui",
    ),
    *L("suicide attacks in Kabul in August", "kab_sui"),
    *L(
        ("explosions in Kandahar", "bombings in Kandahar", "blasts in Kandahar province"),
        "kan_sui",
        "kan_ied",
    ),
    *L(("IEDs in Kandahar", "roadside bombs in Kandahar", "magnetic bombs in Kandahar"), "kan_ied"),
    *L(("roadside bombs in Nangarhar", "IED attacks in Nangarhar"), "nan_ied"),
    *L(("IED attacks in Helmand", "landmines in Helmand"), "hel_ied"),
    *L(("grenade attacks in Ghazni", "grenades in Ghazni"), "gha_gren"),
    *L(("explosions in Ghazni", "bomb attacks in Ghazni"), "gha_ied", "gha_gren"),
    *L(("shelling in Kandahar", "mortar attacks in Kandahar"), "kan_shell"),
    *L(("shelling in Kharkiv", "artillery in Kharkiv"), "ua_shell1"),
    *L(("shelling in Ukraine", "artillery strikes in Ukraine"), "ua_shell1", "ua_shell2"),
    *L(("rocket attacks in Kabul", "rockets in Kabul"), "kab_rocket"),
    *L("mortar fire in Herat", "her_10"),
    *L(("drone strikes in Kabul", "drone attacks in Kabul"), "kab_drone"),
    *L(("drone strikes in Kharkiv", "drones in Kharkiv"), "ua_drone"),
    *L(("airstrikes in Khartoum", "air raids in Khartoum"), "sd_air"),
    *L(("airstrikes in Balkh in August", "air strikes in Balkh in August"), "bal_air1", "bal_air2"),
    *L("airstrikes in Balkh", "bal_air1", "bal_air2", "bal_air3"),
    *L(("clashes in Wardak", "fighting in Wardak", "armed clashes in Wardak"), "war_tb", "war_gov"),
    *L(("clashes in Zabul", "gun battles in Zabul"), "zab_clash"),
    *L(("clashes in Khartoum", "fighting in Khartoum"), "sd_clash"),
    *L(("protests in Kabul", "demonstrations in Kabul", "any rallies in Kabul?"), "kab_protest"),
    *L(("protests in Khartoum", "demonstrations in Khartoum"), "sd_protest"),
    *L(
        ("protests in Afghanistan", "demonstrations in Afghanistan"),
        "kab_protest",
        "kan_protest",
        "her_11",
        "bad_marg",
    ),
    *L(("abductions in Kabul", "kidnappings in Kabul"), "kab_abduct"),
    *L(("arrests in Kabul", "detentions in Kabul"), "kab_arrest"),
    *L(("takeovers in Helmand", "territory taken in Helmand"), "hel_take"),
    *L(
        (
            "did the Taliban take over any areas in Zabul?",
            "what did the Taliban capture in Zabul",
            "Taliban takeovers in Zabul",
        ),
        "zab_take",
        "art_fell",
    ),
    *L(("who took control of Kandahar city", "takeovers in Kandahar city"), "kan_take"),
    *L(("the Taliban seized Farah?", "did the Taliban capture Farah"), "far_take"),
    *L(
        ("attacks on civilians in Nangarhar", "violence against civilians in Nangarhar"),
        "nan_is1",
        "nan_is2",
    ),
    # ---- actors and roles -------------------------------------------------------------------
    *L(
        (
            "what did the Taliban do in Wardak?",
            "what has the Taliban done in Wardak",
            "Taliban attacks in Wardak",
        ),
        "war_tb",
        "war_take",
    ),
    *L(("attacks on the Taliban in Wardak", "attacks against the Taliban in Wardak"), "war_gov"),
    *L(
        (
            "daesh in Nangarhar",
            "ISIS in Nangarhar",
            "Islamic State in Nangarhar",
            "IS-K in Nangarhar",
        ),
        "nan_is1",
        "nan_clash",
        "nan_is2",
    ),
    *L(
        ("what did Islamic State do in Nangarhar", "what did daesh do in Nangarhar?"),
        "nan_is1",
        "nan_is2",
    ),
    *L(("ISIS attacks in Kabul", "attacks by Islamic State in Kabul"), "kab_sui", "kab_rocket"),
    *L(("what did Afghan forces do in Farah?", "what did the Afghan army do in Farah"), "far_gov"),
    *L(
        ("Afghan forces in Helmand", "Afghan security forces in Helmand"),
        "hel_air1",
        "hel_air2",
        "hel_clash",
        "hel_take",
        "hel_air3",
        "hel_ucdp",
    ),
    *L(("what did the RSF do in El Fasher?", "RSF attacks in El Fasher"), "sd_rsf"),
    *L(("RSF in Khartoum", "Rapid Support Forces in Khartoum"), "sd_clash", "sd_air"),
    *L(("attacks on the RSF", "attacks against the Rapid Support Forces"), "sd_clash", "sd_air"),
    *L(("Russian shelling in Kharkiv", "shelling by Russia in Kharkiv"), "ua_shell1"),
    *L(
        ("civilians killed in Kabul", "civilians killed in Kabul in August"), "kab_sui", "kab_drone"
    ),
    *L(
        (
            "Taliban and Islamic State clashed in Nangarhar",
            "clashes between the Taliban and Islamic State in Nangarhar",
        ),
        "nan_clash",
    ),
    *L(("US drone strike in Kabul", "American drone strikes in Kabul"), "kab_drone"),
    *L(
        ("what did the Taliban do in Kandahar last month", "Taliban in Kandahar in August"),
        "kan_take",
    ),
    *L("what did the Taliban do at Islam Qala", "iq_seized", "iq_fire", "iq_reopen"),
    # ---- places and time ranges --------------------------------------------------------------
    *L(
        (
            "Herat from 1 to 10 July",
            "Herat 1-10 July",
            "Herat between 1 and 10 July",
            "Herat from July 1 to July 10",
        ),
        "her_1",
        "her_10",
        "iq_seized",
        "iq_fire",
    ),
    *L(
        (
            "Islam Qala 8-9 July",
            "Islam Qala 8–9 July",
            "Islam Qala July 8-9",
            "Islam Qala from 8 to 9 July",
        ),
        "iq_seized",
        "iq_fire",
    ),
    *L(
        (
            "what happend at Islam Qalla yesterday?",
            "what happened at Islam Qala yesterday",
            "Islam Qala yesterdy",
            "whats hapening at islam qala yesterday",
        ),
        "iq_reopen",
    ),
    *L(("Kabul between Monday and Wednesday", "Kabul this week"), "kab_rocket"),
    *L(("Kabul in the last 3 days", "Kabul last 3 days"), "kab_drone", "kab_rocket"),
    *L(("Helmand in Q3", "Helmand in the third quarter", "Helmand Q3 2021"), *HELMAND),
    *L(("Kabul since the fall of Kabul", "what happened in Kabul since Kabul fell"), *KABUL_AUG),
    *L(
        ("airstrikes since the fall of Kabul", "air strikes since the fall of Kabul"),
        "kab_drone",
        "art_air",
        "sd_air",
        "ua_drone",
    ),
    *L(("Kandahar from 1 to 10 August", "Kandahar 1-10 August"), "kan_ied"),
    *L(("Khartoum 19-21 August", "Khartoum from 19 to 21 August"), "sd_clash", "sd_air"),
    *L(
        ("Sudan in August", "news from Sudan in August"),
        "sd_rsf",
        "sd_clash",
        "sd_air",
        "sd_protest",
    ),
    *L(("Ukraine last week", "what happened in Ukraine last week"), "ua_shell2", "ua_drone"),
    *L("Kabul in August", *KABUL_AUG),
    # ---- follow-ups --------------------------------------------------------------------------
    *L("and in Farah?", "far_take", before="what did the Taliban do in Wardak?"),
    *L("and in July?", "bal_air3", before="airstrikes in Balkh in August"),
    *L("and Khartoum?", "sd_protest", before="protests in Kabul"),
    *L("and the Taliban?", "nan_clash", "nan_ied", before="daesh in Nangarhar"),
    *L("what about Kandahar?", "kan_sui", "kan_ied", before="explosions in Ghazni"),
    *N("and in August?", 4, 9, before="how many people were killed in Helmand in July?"),
    *N("and in July?", 1, before="how many airstrikes in Balkh in August?"),
    # ---- numbers -----------------------------------------------------------------------------
    *N(
        (
            "how many people were killed in Helmand in July?",
            "how many deaths in Helmand in July",
            "death toll in Helmand in July",
            "how many fatalities in Helmand in July?",
        ),
        4,
        53,
    ),
    *N(("how many airstrikes in Balkh in August?", "number of air strikes in Balkh in August"), 2),
    *N(("how many airstrikes in Balkh?", "how many air raids in Balkh"), 3),
    *N(
        ("how many people died in Kabul in August", "how many were killed in Kabul in August"),
        7,
        180,
    ),
    *N(("what is the death toll in Kandahar", "how many people were killed in Kandahar"), 6, 24),
    *N(("how many civilians were killed in Kabul", "number of civilians killed in Kabul"), 4, 180),
    *N(("how many protests in Afghanistan", "number of protests in Afghanistan"), 4),
    *N(("how many suicide attacks in Kabul", "number of suicide bombings in Kabul"), 2),
    *N(("how many clashes in Sudan", "how many armed clashes in Sudan"), 1),
    *N(("how many events in Herat in July", "how many incidents in Herat in July"), 5),
    *N(("how many people were killed in Sudan", "death toll in Sudan"), 4, 29),
    *N(
        ("how many Taliban attacks in Wardak", "how many attacks did the Taliban make in Wardak"), 2
    ),
    *N("how many people were killed in Nangarhar last week", 1, 2),
    # ---- rankings ----------------------------------------------------------------------------
    *R(
        (
            "which province had the most airstrikes?",
            "which province saw the most air strikes",
            "where were the most airstrikes",
        ),
        ("Helmand", 4),
        ("Balkh", 3),
    ),
    *R(
        (
            "which province had the most attacks last week?",
            "which province saw the most attacks last week",
        ),
        ("Helmand", 2),
        ("Kabul", 2),
    ),
    *R(
        ("which province was deadliest in August", "which province had the most deaths in August"),
        ("Kabul", 180),
        ("Balkh", 33),
        by="killed",
    ),
    *R(
        (
            "which district had the most events in Helmand",
            "which district saw the most events in Helmand",
        ),
        ("Nad 'Ali", 4),
    ),
    *R("which country had the most shelling", ("Afghanistan", 3), ("Ukraine", 2)),
    # ---- names only the store holds, misspelled; words no event holds ------------------------
    *L(("what happend at Sangtodda?", "clashes near Sangtodda", "Sangtoda"), "uru_sang"),
    *L(("what happend in Sangtodda in June?", "fighting at Sangtoda in June"), "uru_sang"),
    *L(
        ("Dehqanabd", "what happend in Dehkanabad?", "attacks on civilians in Dehqanabd"),
        "uru_dehq",
    ),
    *L(("Zorawar Lashkr attacks", "Zorrawar Lashkar in Uruzgan in June"), "uru_dehq"),
    *L(("what did the Zorawr Lashkar do?", "Zorawar Lashkar"), "uru_dehq", "bad_nawg"),
    *L(("Zorawar Lashkar in Badghis", "what happened at Nawgull?"), "bad_nawg"),
    *L(("grain stores burned in Nawgol", "what happened in Nawgol village?"), "bad_nawg"),
    *L(("protests in Margha Kaley", "protests in Badghis frobnicate"), "bad_marg"),
    *L(("clashes in Uruzgan xqzvbl", "Sangtoda clashes in June blahblahblah"), "uru_sang"),
    *N("how many people were killed in Tarinkot in June zzyzx", 2, 5),
    # ---- nothing stored, honestly ------------------------------------------------------------
    *E("Kandahar in Q2", "Herat in June", "Kabul on 1 June 2021", "news from Bamyan"),
    # ---- bad input ---------------------------------------------------------------------------
    *P(
        "Kabul " * 2000,
        "?!?! ... ,,, ;;;",
        "the of and a to",
        'Taliban AND "Kabul" NEAR(x) OR *',
        "Кабул airstrikes طالبان 喀布尔",
        "\x00\x01",
        "🔥🔥🔥",
        "'; DROP TABLE events; --",
        "how many",
        "which province",
        "since the fall of",
        "from to",
    ),
]
