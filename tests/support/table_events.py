"""Events of the question table: ACLED- and UCDP-style rows written in our own words.

Types, sub-types and actor names follow the datasets' conventions ("Military Forces of
Afghanistan (2004-2021)", "Civilians (Afghanistan)", "Explosions/Remote violence" / "Air/drone
strike"); notes, places and numbers are invented for the tests. A few events are articles with
no type (only a summary and an actor list), one is UCDP-style, one has no fatality figure, and
one is merged into another (it must never be listed). Questions are asked at NOW: Wednesday
1 September 2021, 09:00 in Kabul.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.events.model import EventDraft, SourceInfo
from bot.domain.questions.timetypes import FuzzyDate
from bot.store.events import EventStore

KABUL = ZoneInfo("Asia/Kabul")
NOW = datetime(2021, 9, 1, 9, 0, tzinfo=KABUL)  # a Wednesday

ANDSF = "Military Forces of Afghanistan (2004-2021)"
POLICE = "Police Forces of Afghanistan (2004-2021)"
TB = "Taliban"
ISK = "Islamic State (Afghanistan)"
UAG = "Unidentified Armed Group (Afghanistan)"
CIV = "Civilians (Afghanistan)"
US = "Military Forces of the United States (2021-)"
RSF = "Rapid Support Forces"
SAF = "Military Forces of Sudan (2019-)"
RU = "Military Forces of Russia (2000-)"

BAT, ERV, VAC = "Battles", "Explosions/Remote violence", "Violence against civilians"
PRO, STR = "Protests", "Strategic developments"
CLASH, TAKE = "Armed clash", "Non-state actor overtakes territory"
AIR, IED, SUI = "Air/drone strike", "Remote explosive/landmine/IED", "Suicide bomb"
SHELL, GREN, ATT = "Shelling/artillery/missile attack", "Grenade", "Attack"

ACLED = SourceInfo("ACLED")
ARTICLE = SourceInfo("Local outlet", "https://example.org/report")

# label: (day, place key, type, sub-type, actor 1, actor 2, fatalities, notes)
Row = tuple[date, str, str, str, str, str, int | None, str]
ROWS: dict[str, Row] = {
    # Helmand
    "hel_air1": (
        date(2021, 7, 3),
        "nad-ali",
        ERV,
        AIR,
        ANDSF,
        TB,
        12,
        "Afghan Air Force aircraft struck insurgent positions in Nad Ali district; 12 "
        "fighters reportedly died.",
    ),
    "hel_air2": (
        date(2021, 7, 20),
        "lashkar-gah-district",
        ERV,
        AIR,
        ANDSF,
        TB,
        7,
        "Aircraft bombed a gathering of insurgents at the edge of Lashkar Gah.",
    ),
    "hel_clash": (
        date(2021, 7, 28),
        "lashkar-gah-district",
        BAT,
        CLASH,
        TB,
        ANDSF,
        9,
        "Insurgents and army units fought for a police district of Lashkar Gah.",
    ),
    "hel_take": (
        date(2021, 8, 13),
        "lashkar-gah-district",
        BAT,
        TAKE,
        TB,
        ANDSF,
        0,
        "Insurgents took control of Lashkar Gah after the garrison withdrew to a base.",
    ),
    "hel_ied": (
        date(2021, 8, 26),
        "nad-ali",
        ERV,
        IED,
        UAG,
        CIV,
        3,
        "A roadside device hit a minibus on the Nad Ali road; three passengers died.",
    ),
    "hel_air3": (
        date(2021, 8, 10),
        "nad-ali",
        ERV,
        AIR,
        ANDSF,
        TB,
        4,
        "Jets hit a compound used by insurgents in Nad Ali; four reported dead.",
    ),
    "hel_ucdp": (
        date(2021, 7, 15),
        "helmand",
        BAT,
        "State-based conflict",
        "Government of Afghanistan",
        "Taleban",
        25,
        "Government of Afghanistan - Taleban fighting in Helmand province.",
    ),
    # Kandahar
    "kan_sui": (
        date(2021, 7, 10),
        "kandahar-city",
        ERV,
        SUI,
        TB,
        POLICE,
        6,
        "A bomber drove a vehicle packed with explosives into a police compound.",
    ),
    "kan_shell": (
        date(2021, 7, 18),
        "kandahar-city",
        ERV,
        SHELL,
        TB,
        ANDSF,
        2,
        "Mortar rounds landed near the airport perimeter.",
    ),
    "kan_air": (
        date(2021, 7, 22),
        "spin-boldak",
        ERV,
        AIR,
        ANDSF,
        TB,
        15,
        "Aircraft hit insurgent positions around the border town.",
    ),
    "kan_ied": (
        date(2021, 8, 2),
        "kandahar-city",
        ERV,
        IED,
        UAG,
        CIV,
        1,
        "A magnetic device fixed to a rickshaw went off in a market.",
    ),
    "kan_take": (
        date(2021, 8, 12),
        "kandahar-city",
        BAT,
        TAKE,
        TB,
        ANDSF,
        0,
        "Insurgents took the governor's compound and the city prison.",
    ),
    "kan_protest": (
        date(2021, 8, 31),
        "kandahar-city",
        PRO,
        "Peaceful protest",
        "Protesters (Afghanistan)",
        "",
        0,
        "Former soldiers gathered outside the governor's office over unpaid wages.",
    ),
    # Kabul
    "kab_sui": (
        date(2021, 8, 26),
        "kabul-city",
        ERV,
        SUI,
        ISK,
        CIV,
        170,
        "A bomber struck crowds waiting at an airport gate; many died.",
    ),
    "kab_drone": (
        date(2021, 8, 29),
        "kabul-city",
        ERV,
        AIR,
        US,
        CIV,
        10,
        "A drone struck a car in a residential block near the airport.",
    ),
    "kab_take": (
        date(2021, 8, 15),
        "kabul-city",
        BAT,
        TAKE,
        TB,
        "Government of Afghanistan (2004-2021)",
        0,
        "Insurgent fighters entered the capital and occupied the presidential palace.",
    ),
    "kab_rocket": (
        date(2021, 8, 30),
        "kabul-city",
        ERV,
        SHELL,
        ISK,
        US,
        0,
        "Rockets were fired toward the airport from a parked vehicle.",
    ),
    "kab_abduct": (
        date(2021, 8, 20),
        "kabul-city",
        VAC,
        "Abduction/forced disappearance",
        TB,
        CIV,
        0,
        "Armed men took a reporter from his home in the west of the city.",
    ),
    "kab_protest": (
        date(2021, 8, 17),
        "kabul-city",
        PRO,
        "Peaceful protest",
        "Protesters (Afghanistan)",
        "",
        0,
        "Women held placards demanding the right to work and study.",
    ),
    "kab_arrest": (
        date(2021, 8, 21),
        "kabul-city",
        STR,
        "Arrests",
        TB,
        CIV,
        None,
        "Several former officials were detained at checkpoints.",
    ),
    # Nangarhar
    "nan_is1": (
        date(2021, 7, 8),
        "jalalabad",
        VAC,
        ATT,
        ISK,
        CIV,
        3,
        "Gunmen shot three vaccination workers in Jalalabad.",
    ),
    "nan_clash": (
        date(2021, 7, 25),
        "achin",
        BAT,
        CLASH,
        TB,
        ISK,
        11,
        "The two insurgent groups fought over villages in Achin.",
    ),
    "nan_ied": (
        date(2021, 8, 5),
        "jalalabad",
        ERV,
        IED,
        UAG,
        TB,
        2,
        "A roadside device hit a pickup carrying fighters in Jalalabad.",
    ),
    "nan_is2": (
        date(2021, 8, 28),
        "jalalabad",
        VAC,
        ATT,
        ISK,
        CIV,
        2,
        "Gunmen killed two lorry drivers at a checkpoint on the Torkham road.",
    ),
    # Wardak
    "war_tb": (
        date(2021, 7, 12),
        "maidan-shahr",
        BAT,
        CLASH,
        TB,
        ANDSF,
        5,
        "Insurgents attacked army outposts around Maidan Shahr.",
    ),
    "war_gov": (
        date(2021, 7, 16),
        "maidan-shahr",
        BAT,
        CLASH,
        ANDSF,
        TB,
        8,
        "Commandos raided insurgent hideouts west of Maidan Shahr.",
    ),
    "war_take": (
        date(2021, 8, 14),
        "maidan-shahr",
        BAT,
        TAKE,
        TB,
        ANDSF,
        0,
        "Insurgents stormed the provincial capital after a day of fighting.",
    ),
    # Farah
    "far_gov": (
        date(2021, 7, 7),
        "farah",
        BAT,
        CLASH,
        ANDSF,
        TB,
        6,
        "Army units pushed insurgents back from the outskirts of the provincial capital.",
    ),
    "far_take": (
        date(2021, 8, 9),
        "farah",
        BAT,
        TAKE,
        TB,
        ANDSF,
        0,
        "Insurgents overran the provincial police headquarters.",
    ),
    # Zabul
    "zab_take": (
        date(2021, 7, 2),
        "zabul",
        BAT,
        TAKE,
        TB,
        ANDSF,
        0,
        "Insurgents captured the centre of Shinkay district.",
    ),
    "zab_clash": (
        date(2021, 7, 19),
        "qalat",
        BAT,
        CLASH,
        TB,
        ANDSF,
        4,
        "A night of fighting around the ring of checkpoints at Qalat.",
    ),
    # Balkh
    "bal_air1": (
        date(2021, 8, 3),
        "mazar-e-sharif",
        ERV,
        AIR,
        ANDSF,
        TB,
        20,
        "Aircraft struck insurgent groups massing south of Mazar.",
    ),
    "bal_air2": (
        date(2021, 8, 11),
        "balkh",
        ERV,
        AIR,
        ANDSF,
        TB,
        13,
        "Jets bombed insurgents in Chimtal district.",
    ),
    "bal_air3": (
        date(2021, 7, 29),
        "balkh",
        ERV,
        AIR,
        ANDSF,
        TB,
        5,
        "Aircraft hit a convoy of insurgents in Dawlatabad district.",
    ),
    "bal_take": (
        date(2021, 8, 14),
        "mazar-e-sharif",
        BAT,
        TAKE,
        TB,
        ANDSF,
        0,
        "Insurgents entered Mazar unopposed as militia commanders fled.",
    ),
    # Herat
    "her_1": (
        date(2021, 7, 1),
        "herat-city",
        BAT,
        CLASH,
        TB,
        ANDSF,
        3,
        "Fighting on the southern edge of Herat city.",
    ),
    "her_10": (
        date(2021, 7, 10),
        "herat-city",
        ERV,
        SHELL,
        TB,
        ANDSF,
        1,
        "Mortar fire hit the airport road.",
    ),
    "her_11": (
        date(2021, 7, 11),
        "herat-city",
        PRO,
        "Peaceful protest",
        "Protesters (Afghanistan)",
        "",
        0,
        "Residents rallied in support of the army.",
    ),
    "iq_seized": (
        date(2021, 7, 8),
        "islam-qala",
        BAT,
        TAKE,
        TB,
        ANDSF,
        0,
        "Insurgents took the border post and customs yard.",
    ),
    "iq_fire": (
        date(2021, 7, 9),
        "islam-qala",
        STR,
        "Looting/property destruction",
        TB,
        "",
        0,
        "Tankers in the customs yard were set alight.",
    ),
    "iq_reopen": (
        date(2021, 8, 31),
        "islam-qala",
        STR,
        "Other",
        TB,
        "",
        None,
        "The new authorities let traders through the crossing again.",
    ),
    # Ghazni
    "gha_ied": (
        date(2021, 7, 21),
        "ghazni",
        ERV,
        IED,
        UAG,
        ANDSF,
        5,
        "A buried device struck an army vehicle on the highway.",
    ),
    "gha_gren": (
        date(2021, 8, 7),
        "ghazni",
        ERV,
        GREN,
        UAG,
        CIV,
        1,
        "A hand bomb was thrown into a shop in the bazaar.",
    ),
    # Sudan
    "sd_rsf": (
        date(2021, 8, 18),
        "el-fasher-g84v7",
        VAC,
        ATT,
        RSF,
        "Civilians (Sudan)",
        14,
        "Paramilitary fighters attacked a displacement camp near El Fasher.",
    ),
    "sd_clash": (
        date(2021, 8, 19),
        "khartoum",
        BAT,
        CLASH,
        SAF,
        RSF,
        9,
        "The army and the paramilitaries fought around the airport in Khartoum.",
    ),
    "sd_air": (
        date(2021, 8, 21),
        "khartoum",
        ERV,
        AIR,
        SAF,
        RSF,
        6,
        "Army aircraft bombed paramilitary positions in Khartoum.",
    ),
    "sd_protest": (
        date(2021, 8, 22),
        "khartoum",
        PRO,
        "Peaceful protest",
        "Protesters (Sudan)",
        "",
        0,
        "Crowds marched against the war.",
    ),
    # Ukraine
    "ua_shell1": (
        date(2021, 8, 16),
        "kharkiv",
        ERV,
        SHELL,
        RU,
        "Civilians (Ukraine)",
        3,
        "Artillery hit a residential area of the city.",
    ),
    "ua_shell2": (
        date(2021, 8, 23),
        "bakhmut-gfaae",
        ERV,
        SHELL,
        RU,
        "Civilians (Ukraine)",
        2,
        "Rocket launchers hit the town centre.",
    ),
    "ua_drone": (
        date(2021, 8, 27),
        "kharkiv",
        ERV,
        AIR,
        RU,
        "Civilians (Ukraine)",
        0,
        "Loitering munitions struck an energy facility.",
    ),
}

# Articles with no type yet: only a summary and the actors named in it.
ARTICLES: dict[str, tuple[date, str, tuple[str, ...], int | None, str]] = {
    "art_air": (
        date(2021, 8, 24),
        "nad-ali",
        ("Residents",),
        2,
        "Residents said an air strike destroyed a house in Nad Ali, killing two children",
    ),
    "art_sui": (
        date(2021, 7, 14),
        "kabul-city",
        ("Taliban",),
        4,
        "A suicide attacker blew himself up near a police checkpoint in west Kabul",
    ),
    "art_fell": (
        date(2021, 8, 13),
        "qalat",
        ("Taliban",),
        None,
        "Qalat, the capital of Zabul, fell to the Taliban on Friday, officials said",
    ),
}
# Stored, then merged into another event: never listed, never counted.
MERGED = {"kab_sui_dup": "kab_sui"}
MERGED_ROW: Row = (
    date(2021, 8, 26),
    "kabul-city",
    ERV,
    SUI,
    ISK,
    CIV,
    170,
    "Twin blasts outside the airport's Abbey Gate killed scores of people.",
)


def _drafts() -> dict[str, EventDraft]:
    out: dict[str, EventDraft] = {}
    for label, (day, key, etype, sub, a1, a2, deaths, notes) in {
        **ROWS,
        "kab_sui_dup": MERGED_ROW,
    }.items():
        out[label] = EventDraft(
            summary=notes,
            when=FuzzyDate.day(day),
            place_key=key,
            place_text=key,
            actors=tuple(a for a in (a1, a2) if a),
            event_type=etype,
            sub_event_type=sub,
            fatalities=deaths,
            actor1=(a1,) if a1 else (),
            actor2=(a2,) if a2 else (),
            sources=(ARTICLE if label == "kab_sui_dup" else ACLED,),
            external_key=f"table:{label}",
        )
    for label, (day, key, actors, deaths, summary) in ARTICLES.items():
        out[label] = EventDraft(
            summary=summary,
            when=FuzzyDate.day(day),
            place_key=key,
            place_text=key,
            actors=actors,
            fatalities=deaths,
            sources=(ARTICLE,),
        )
    return out


DRAFTS = _drafts()
LISTED = frozenset(DRAFTS) - set(MERGED)  # every label an answer may show


async def store_table(
    store: EventStore, sessions: async_sessionmaker[AsyncSession]
) -> dict[int, str]:
    """Store every table event (merging the duplicate into its original); id -> label."""
    labels = list(DRAFTS)
    results = await store.add_many([DRAFTS[k] for k in labels])
    ids = {label: r.event.id for label, r in zip(labels, results, strict=True)}
    assert all(r.created for r in results), "table events must not merge on insert"
    async with sessions() as session:
        for dup, into in MERGED.items():
            await session.execute(
                text("UPDATE events SET merged_into = :into WHERE id = :id"),
                {"into": ids[into], "id": ids[dup]},
            )
        await session.commit()
    return {v: k for k, v in ids.items()}
