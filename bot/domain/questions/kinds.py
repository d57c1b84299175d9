"""Kinds of event in everyday words: "airstrikes", "IEDs", "takeovers" → event types and sub-types.

Each kind names the ACLED-style event types or sub-types it covers (UCDP rows are stored as
"Battles" / "Violence against civilians" with their own sub-types) and, for events that have no
type yet (articles), the words that find it in their summaries. A question's kind words are
removed from the question, so they never become full-text terms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

VAC = "Violence against civilians"
ERV = "Explosions/Remote violence"
STATE_CONFLICT = ("Armed clash", "State-based conflict", "Non-state conflict")
TERRITORY = (
    "Non-state actor overtakes territory",
    "Government regains territory",
    "Non-violent transfer of territory",
)


@dataclass(frozen=True, slots=True)
class Kind:
    """One kind of event a question can ask for."""

    key: str
    label: str
    pattern: str  # regular expression of its everyday words (case-insensitive, whole words)
    event_types: tuple[str, ...] = ()
    sub_types: tuple[str, ...] = ()
    words: tuple[str, ...] = ()  # words finding it in untyped events' summaries


# Longest, most specific first: "suicide attacks" is a suicide bombing, not any attack.
KINDS: tuple[Kind, ...] = (
    Kind(
        "suicide",
        "suicide attacks",
        r"suicide[- ](?:attacks?|bomb(?:ings?|s|ers?)?|blasts?|attackers?|car bombs?|vests?)"
        r"|suicide",
        sub_types=("Suicide bomb",),
        words=("suicide",),
    ),
    Kind(
        "drone",
        "drone strikes",
        r"drone[- ]?(?:strikes?|attacks?)|drones?|uavs?",
        sub_types=("Air/drone strike",),
        words=("drone",),
    ),
    Kind(
        "air",
        "airstrikes",
        r"air[- ]?strikes?|air[- ]?raids?|aerial (?:attacks?|bombardments?|bombings?|strikes?)"
        r"|air attacks?|bombing raids?|warplanes?|jets? (?:struck|bombed)",
        sub_types=("Air/drone strike",),
        words=("airstrike", "air strike", "air raid", "aerial", "warplane", "drone"),
    ),
    Kind(
        "shelling",
        "shelling",
        r"shell(?:ing|ings|ed)|artillery|mortars?(?: fire| attacks?| shells?)?"
        r"|rockets?(?: fire| attacks?)?|missiles?(?: strikes?| attacks?)?",
        sub_types=("Shelling/artillery/missile attack",),
        words=("shell", "artillery", "mortar", "rocket", "missile"),
    ),
    Kind(
        "ied",
        "IEDs and mines",
        r"ieds?|roadside bombs?|land ?mines?|mines?|improvised explosive(?: devices?)?"
        r"|magnetic bombs?|sticky bombs?|remote(?:ly)?[- ]detonated|explosive devices?",
        sub_types=("Remote explosive/landmine/IED",),
        words=(
            "ied",
            "roadside bomb",
            "landmine",
            "mine",
            "magnetic bomb",
            "sticky bomb",
            "improvised explosive",
            "explosive device",
        ),
    ),
    Kind(
        "grenade",
        "grenade attacks",
        r"grenades?(?: attacks?)?",
        sub_types=("Grenade",),
        words=("grenade",),
    ),
    Kind(
        "explosion",
        "explosions",
        r"explosions?|blasts?|bombings?|bomb attacks?|bombs?|explosives?|exploded|detonat\w*",
        sub_types=("Remote explosive/landmine/IED", "Suicide bomb", "Grenade"),
        words=("explosion", "blast", "bomb", "explosive", "exploded", "detonat"),
    ),
    Kind(
        "takeover",
        "takeovers",
        r"take(?:s|n)? over|took over|taking over|takeovers?|seiz(?:e|ed|es|ing|ure)"
        r"|captur(?:e|ed|es|ing)|overr[au]n|overtak\w+|fell|fall of|gain(?:ed)? control"
        r"|t(?:ook|aken?) control|control of territory|territory",
        sub_types=TERRITORY,
        words=(
            "seized",
            "captured",
            "overran",
            "overrun",
            "took over",
            "taken over",
            "took control",
            "taken control",
            "fell to",
        ),
    ),
    Kind(
        "abduction",
        "abductions",
        r"abduct\w*|kidnap\w*|hostages?|forced disappearances?|disappeared",
        sub_types=("Abduction/forced disappearance",),
        words=("abduct", "kidnap", "hostage"),
    ),
    Kind(
        "sexual",
        "sexual violence",
        r"sexual violence|rapes?|raped|sexual assaults?",
        sub_types=("Sexual violence",),
        words=("rape", "sexual"),
    ),
    Kind(
        "arrest",
        "arrests",
        r"arrest(?:s|ed|ing)?|detain(?:s|ed|ing)?|detentions?",
        sub_types=("Arrests",),
        words=("arrest", "detain"),
    ),
    Kind(
        "looting",
        "looting and destruction",
        r"loot(?:ing|ed)?|property destruction|burn(?:ed|t|ing) (?:down )?(?:homes|houses|shops)",
        sub_types=("Looting/property destruction",),
        words=("loot", "torched"),
    ),
    Kind(
        "riot",
        "riots",
        r"riots?|rioting|rioters|mob violence|mobs?|violent demonstrations?",
        event_types=("Riots",),
        words=("riot", "mob"),
    ),
    Kind(
        "protest",
        "protests",
        r"protest(?:s|ers|ed|ing)?|demonstrat(?:ions?|ors|ed)|rall(?:y|ies)|sit-ins?|marches",
        event_types=("Protests",),
        words=("protest", "demonstrat", "rally", "rallies"),
    ),
    Kind(
        "civilians",
        "violence against civilians",
        r"attacks? (?:on|against) civilians|violence against civilians|massacres?"
        r"|execut(?:ions?|ed)|one-sided violence",
        event_types=(VAC,),
        words=("civilians", "massacre", "executed"),
    ),
    Kind(
        "clash",
        "clashes",
        r"clash(?:es|ed)?|fighting|fought|firefights?|gun ?fights?|skirmish\w*|gun battles?"
        r"|battles?|combat",
        sub_types=STATE_CONFLICT,
        words=("clash", "fighting", "fought", "firefight", "gunfight", "battle", "skirmish"),
    ),
    Kind(
        "attack",
        "attacks",
        r"attacks?|attacked|assaults?|offensives?|raids?|ambush(?:es|ed)?|violence|strikes?",
        event_types=("Battles", ERV, VAC),
        words=(
            "attack",
            "assault",
            "offensive",
            "raid",
            "ambush",
            "clash",
            "fighting",
            "killed",
            "strike",
            "bomb",
            "blast",
            "explosion",
            "shell",
        ),
    ),
)
KIND_BY_KEY = {k.key: k for k in KINDS}
_KIND_RE = re.compile("|".join(f"(?P<{k.key}>\\b(?:{k.pattern})\\b)" for k in KINDS), re.IGNORECASE)
# Words a typo may stand for (the typo check consumes them like the real word).
KIND_VOCABULARY: frozenset[str] = frozenset(
    w
    for k in KINDS
    for w in re.findall(r"[a-z]{5,}", k.pattern.replace("(?:", " ").replace("\\w", " "))
)


def find_kinds(text: str) -> tuple[tuple[str, ...], list[tuple[int, int]]]:
    """Kinds named in the text (keys, in order, no repeats) and the spans of their words."""
    keys: list[str] = []
    spans: list[tuple[int, int]] = []
    for m in _KIND_RE.finditer(text):
        key = m.lastgroup
        if key is None:
            continue
        spans.append((m.start(), m.end()))
        if key not in keys:
            keys.append(key)
    # "attacks" next to a more specific kind ("IED attacks") adds nothing.
    if len(keys) > 1 and "attack" in keys:
        keys.remove("attack")
    return tuple(keys), spans


def kinds_filter(keys: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """Event types, sub-types and untyped-text words of the kinds (each without repeats)."""
    kinds = [KIND_BY_KEY[k] for k in keys if k in KIND_BY_KEY]
    types = tuple(dict.fromkeys(t for k in kinds for t in k.event_types))
    subs = tuple(dict.fromkeys(s for k in kinds for s in k.sub_types))
    words = tuple(dict.fromkeys(w for k in kinds for w in k.words))
    return types, subs, words


def kind_labels(keys: tuple[str, ...]) -> tuple[str, ...]:
    """The kinds' labels, for answers ("airstrikes")."""
    return tuple(KIND_BY_KEY[k].label for k in keys if k in KIND_BY_KEY)
