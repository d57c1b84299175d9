"""Word lists for article extraction: event verbs, event types, actors, claims, boilerplate."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.domain.events.model import ClaimStatus, Severity

_I = re.IGNORECASE

# ACLED event types and the sub-event types used here.
STRATEGIC = "Strategic developments"
BATTLES = "Battles"
EXPLOSIONS = "Explosions/Remote violence"
VIOLENCE_CIVILIANS = "Violence against civilians"
PROTESTS = "Protests"


@dataclass(frozen=True, slots=True)
class Kind:
    """A sort of happening an article clause can report, with its ACLED type."""

    name: str
    event_type: str
    sub_event_type: str
    severity: Severity


def _rx(text: str) -> re.Pattern[str]:
    return re.compile(text, _I)


RIOTS = "Riots"
# The sorts of happening; which words report them is in ``kinds`` (lemmas, read off the parse).
KINDS: tuple[Kind, ...] = (
    Kind("withdrawal", STRATEGIC, "Other", Severity.NOTABLE),
    Kind("regain", BATTLES, "Government regains territory", Severity.NOTABLE),
    Kind("takeover", BATTLES, "Non-state actor overtakes territory", Severity.NOTABLE),
    Kind("retreat", STRATEGIC, "Other", Severity.NOTABLE),
    Kind("base", STRATEGIC, "Headquarters or base established", Severity.ROUTINE),
    Kind("closure", STRATEGIC, "Other", Severity.NOTABLE),
    Kind("mobilisation", STRATEGIC, "Other", Severity.NOTABLE),
    Kind("airstrike", EXPLOSIONS, "Air/drone strike", Severity.NOTABLE),
    Kind("shelling", EXPLOSIONS, "Shelling/artillery/missile attack", Severity.NOTABLE),
    Kind("explosion", EXPLOSIONS, "Remote explosive/landmine/IED", Severity.NOTABLE),
    Kind("clash", BATTLES, "Armed clash", Severity.NOTABLE),
    Kind("casualties", BATTLES, "Armed clash", Severity.NOTABLE),
    Kind("arrest", STRATEGIC, "Arrests", Severity.ROUTINE),
    Kind("protest", PROTESTS, "Peaceful protest", Severity.ROUTINE),
    Kind("riot", RIOTS, "Violent demonstration", Severity.NOTABLE),
    Kind("transfer", STRATEGIC, "Non-violent transfer of territory", Severity.NOTABLE),
    Kind("decree", STRATEGIC, "Other", Severity.NOTABLE),
)
KIND_BY_NAME = {k.name: k for k in KINDS}

# Kinds that are the same happening told with different verbs.
KIND_FAMILY = {
    "casualties": "clash",
    "transfer": "clash",
    "takeover": "clash",
    "regain": "clash",
    "withdrawal": "retreat",
    "shelling": "clash",
}

FIGHT_RE = _rx(r"\b(?:fighting|clash(?:es|ed)?|battle|heavy|gunfire|after a fight|killed)\b")
# An armed exchange (not one side killing the unarmed).
FIGHTING_RE = _rx(
    r"\b(?:fighting|clash(?:es|ed)?|battles?|gunfights?|firefights?|exchange of fire)\b"
)
NO_FIGHT_RE = _rx(
    r"\bwithout (?:a )?(?:fight|resistance|a shot)\b|\b(?:little or )?no (?:resistance|fight)\b"
)
ACCIDENT_RE = _rx(
    r"\b(?:fuel tanker|tanker|accident(?:al|ally)?|caught fire|(?:fire|blaze)\s+(?:erupted|"
    r"broke out)|short circuit)\b"
)
SUICIDE_RE = _rx(r"\bsuicide (?:[\w-]+ )?(?:bomb(?:er|ing)?|attack(?:er)?)\b")
CROWD_RE = _rx(r"\b(?:protesters?|protestors?|demonstrators?|crowds?|rioters?|mobs?|students)\b")
INTERVENTION_RE = _rx(
    r"\b(?:tear ?gas|water cannon|dispers\w+|rubber bullets|baton|arrest\w*|detain\w*)"
)
ARMED_RE = _rx(
    r"\b(?:forces|soldiers|troops|army|police|officers|fighters|militants|rebels|gunmen|"
    r"militia\w*|guards?|positions?)\b"
)
# Weapon nouns to the sort of explosion they make (sub-types of kinds airstrike/shelling/...).
WEAPON_SUBTYPE = {
    w: kind
    for kind, words in {
        "airstrike": "airstrike strike warplane aircraft jet plane helicopter drone raid gunship",
        "shelling": "missile rocket shell mortar artillery shelling howitzer projectile",
    }.items()
    for w in words.split()
}
# "…, the governor said on Wednesday", "according to …": attribution, kept in the claim fields.
SUMMARY_ATTRIBUTION_RE = _rx(
    r",?\s*according to [^,.;]+|,\s*(?:the |a |an )?[\w\s'-]{0,60}?\b(?:said|says|told|reported)"
    r"(?:\s+on\s+\w+)?\s*(?=[.;]|$)"
)
CIVILIAN_RE = _rx(
    r"\b(?:civilians?|residents|villagers|farmers|worshippers|displaced|famil(?:y|ies)|"
    r"children|women|passengers|pupils|mourners)\b"
)

# Sentences that are not reports: plans, conditions, negations.
FUTURE_RE = _rx(
    r"\b(?:will|would|could|might|plans?\s+to|planned\s+to|intends?\s+to|expected\s+to|"
    r"threaten(?:s|ed)?\s+to|vow(?:s|ed)\s+to|aims?\s+to|if)\b"
)
NEGATION_RE = _rx(
    r"\b(?:no suggestion|no sign|no evidence|no reports? of|not|never|did not|didn't|"
    r"was not|were not|has not|have not)\b"
)
# A finite verb in the present tense of standing facts ("hold", "has taken control of a third").
STANDING_RE = _rx(
    r"\b(?:about|around|roughly|nearly|almost|more than|over)?\s*(?:a third|a quarter|half|"
    r"two-thirds|three-quarters|\d+\s*(?:percent|%)|out of \d+)\b|\b(?:holds|controls)\b"
)

# Words that may date a clause (then the time-word resolver reads it): weekdays, months, "ago",
# "yesterday", "last week", years.  Cheaper than asking the resolver about every clause.
DATE_HINT_RE = _rx(
    r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)day|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|"
    r"oct|nov|dec)[a-z]*\.?\s+\d|\b\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|"
    r"dec)|\b(?:january|february|march|april|june|july|august|september|october|november|"
    r"december)\b|\b(?:yesterday|today|tonight|overnight|ago|earlier this|last|previous|past|"
    r"this (?:week|month|year|morning|evening))\b|\b(?:19|20)\d{2}\b"
)

# Caption, headline and boilerplate detection.
CAPTION_RE = _rx(
    r"Getty Images|AP Photo|/AFP\b|/Reuters\b|\bvia Reuters\b|/EPA\b|\bIn this (?:[\w.,]+ ){0,6}"
    r"(?:photo|image|picture)\b|\bfile photo\b|^\s*(?:Photo|Photograph|Image|Caption)\s*:"
    r"|\((?:Photo:\s*)?[\w .'-]{2,40}/[\w .'-]{2,40}\)\s*$|\(Photo:[^()]*\)"
)
BOILERPLATE_RE = _rx(
    r"^\s*(?:for more (?:reporting|coverage|news|on this)|read more|related\b|see also|"
    r"click here|sign up|subscribe|follow (?:us|\w+) on|copyright|©|all rights reserved|"
    r"this (?:story|article) (?:was|has been)|advertisement|share this|correction\b|"
    r"\(?(?:this|the) (?:story|article|report) (?:was|has been) (?:corrected|updated|amended)|"
    r"\(?(?:reporting|writing|editing|additional reporting) by\b|"
    r".{0,80}\bcontributed (?:to )?this report)"
    r"|see below:?\s*$"
)
DATELINE_RE = re.compile(
    r"^\s*[A-Z][A-Z .'-]{2,40}(?:,\s*[A-Z][\w .'-]{1,30}){0,2}\s*(?:\([^()]{1,40}\))?"
    r"\s*[—–-]{1,2}\s+"
)

# Claims and attribution.
# A spokesman of an armed group speaking: the group's word for it (named groups are found with
# the actor registry, see ``actors.group_spokesman``).
SPOKESMAN_SAID = r"spokesm[ae]n\b[^;]{0,60}\b(?:said|says|tweeted|claimed|confirmed|wrote|posted)\b"
SPOKESMAN_RE = _rx(r"\s*(?:'s\s+)?" + SPOKESMAN_SAID)
CLAIM_RE = _rx(
    r"\b(?:insurgents?'?|militants?'?|group's)\s+" + SPOKESMAN_SAID + r"|"
    r"\bclaim(?:ed|s|ing)?\b|\bpurport(?:ing|ed|s)?\b|\bin a (?:statement|tweet)\b"
)
CLAIMER_RE = re.compile(
    r"((?:[A-Z][\w.'-]*\s+)*spokesm[ae]n(?:\s+(?:for|of)\s+the\s+[A-Z][\w'-]+)?"
    r"(?:,?\s+[A-Z][\w'-]+){0,3})"
)
DENIAL_RE = _rx(r"\b(?:denied|dismissed|rejected)\b(?:[^.;]{0,30}\b(?:claims?|reports?))?")
ACCORDING_RE = _rx(r"\baccording to ([^,.;]{3,120})")
SAID_RE = re.compile(
    r"(?:^|,\s+|\b(?:the|The)\s+)((?:[A-Z][\w.'-]*\s+){0,4}?(?:[A-Z][\w.'-]*|media|officials?|"
    r"police|sources?))\s+(?:reported|said|says|told)\b"
)
REPORTEDLY_RE = _rx(r"\breportedly\b|\bunconfirmed reports?\b")

# Numbers of people hurt.
NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "dozens": 24,
    "a dozen": 12,
    "scores": 40,
    "hundreds": 200,
}
_NUM = r"(\d{1,3}(?:,\d{3})+|\d+|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")"
KILLED_RE = re.compile(
    r"\b(?:at least|some|about|nearly|more than|over|up to)?\s*" + _NUM + r"\s+(?:[\w-]+\s+){0,3}"
    r"(?:were|was|have been|had been)?\s*(?:killed|dead|died|slain)\b|\bkill(?:ed|ing)\s+"
    r"(?:at least\s+|some\s+|about\s+)?" + _NUM + r"\b",
    _I,
)
INJURED_RE = re.compile(
    r"\b(?:at least|some|about|nearly|more than|over)?\s*" + _NUM + r"\s+(?:[\w-]+\s+){0,3}"
    r"(?:were|was|have been|had been)?\s*(?:injured|wounded|hurt)\b|\b(?:injur|wound)(?:ed|ing)\s+"
    r"(?:at least\s+|some\s+|about\s+)?" + _NUM + r"\b",
    _I,
)


def number_value(word: str) -> int:
    """The value of a count word ("20", "1,200", "three", "dozens")."""
    word = word.lower().replace(",", "")
    return int(word) if word.isdigit() else NUMBER_WORDS.get(word, 0)


# Named actors come from the actor registry (bot/data/actors.json, bot.domain.actors).  What
# stays here are generic role words: (pattern, label).  They name no particular group.
GENERIC_ACTORS: tuple[tuple[re.Pattern[str], str], ...] = (
    (_rx(r"\bpro-government militias?\b|\buprising forces\b"), "pro-government militia"),
    (_rx(r"\b(?:government|security) forces\b"), "government forces"),
)
# Insurgent words stand for the article's own armed group: the non-state group it names most.
INSURGENT_RE = _rx(r"\b(?:the\s+)?(?:insurgent group|insurgents|militants|the group|fighters)\b")
# "<demonym> soldiers/forces/troops/..." → "<Demonym> forces"; "<demonym> media" → media.
FORCE_NOUNS = (
    r"(?:security\s+|government\s+|border\s+|special\s+|army\s+)?(?:soldiers|forces|troops|"
    r"army|police|border guards|commandos|militias?|militia forces|servicemen|military)"
)
DEMONYM_ACTOR_RE = re.compile(
    r"\b([A-Z][a-z]+)\s+(" + FORCE_NOUNS + r"|media|state media|officials?|government|"
    r"authorities)\b"
)
# Capitalised names (a country acting as one: "Iran", "Saudi Arabia", "United States").
CAPITALISED_RUN_RE = re.compile(r"\b([A-Z][a-z]+(?:\s+[A-Z][a-z]+){0,3})\b")
CAPITALISED_WORD_RE = re.compile(r"\b([A-Z][a-z]+)\b")

CLAIM_ORDER = {
    ClaimStatus.DENIED: 0,
    ClaimStatus.CLAIMED: 1,
    ClaimStatus.CONFIRMED: 2,
    ClaimStatus.REPORTED: 3,
}
