"""Which lemmas report which sort of happening (the names of ``lexicon.KINDS``).

The parser gives every word its lemma, so one entry covers every inflection ("strike": strikes,
struck, striking).  Verbs report a happening themselves; nouns name one after a light verb
("took control", "launched an offensive") or as the subject of "broke out"; weapon nouns turn
an ambiguous verb ("hit", "struck", "fired") into an explosion of the weapon's sort.  The
sorts follow ACLED's event types (see ``lexicon``); the words are the codebook's own
vocabulary for them, not the phrasing of any article.
"""

from __future__ import annotations


def _table(groups: dict[str, str]) -> dict[str, str]:
    return {word: kind for kind, words in groups.items() for word in words.split()}


VERB_KIND: dict[str, str] = _table(
    {
        "takeover": "capture seize overrun overtake occupy enter fall",
        "regain": "recapture retake regain reclaim liberate",
        "retreat": "flee retreat surrender abandon desert evacuate withdraw cross",
        "clash": "attack clash fight ambush assault battle repel raid besiege storm infiltrate "
        "advance",
        "shelling": "shell",
        "airstrike": "bomb",
        "explosion": "explode detonate",
        "casualties": "kill wound injure hurt massacre execute behead murder slaughter "
        "abduct kidnap",
        "protest": "protest rally march demonstrate",
        "riot": "riot loot ransack vandalise vandalize torch",
        "arrest": "arrest detain",
        "mobilisation": "deploy mobilise mobilize reinforce",
        "closure": "close shut seal",
        "decree": "declare impose",
    }
)
# Verb and particle together ("called up reservists", "took over the town").
PHRASAL_KIND: dict[tuple[str, str], str] = {
    ("call", "up"): "mobilisation",
    ("blow", "up"): "explosion",
    ("take", "over"): "takeover",
    ("take", "back"): "regain",
    ("pull", "out"): "retreat",
    ("pull", "back"): "retreat",
    ("hand", "over"): "transfer",
    ("shut", "down"): "closure",
    ("set", "up"): "base",
    ("push", "back"): "clash",
    ("fight", "off"): "clash",
    ("beat", "back"): "clash",
}
# Verbs whose subject must be someone, not something ("the fuel enters through it").
ANIMATE_ONLY = frozenset({"enter", "cross"})
# A movement of forces into a place is an incursion ("tanks pushed into the town", "troops
# advanced on the city"): the verb with its preposition.
MOVE_VERBS = frozenset("push move advance roll drive sweep storm".split())
VEHICLE_NOUNS = frozenset("tank armour armor convoy column vehicle".split())
# Who can act: a verb with one of these as subject reports someone doing something.
PEOPLE_NOUNS = frozenset(
    "soldier troop force fighter militant rebel insurgent police officer guard people "
    "resident civilian refugee family army militia gunman attacker man woman child".split()
)
INCURSION_PREPS = frozenset({"into", "on"})
# Verbs that report a statement about a happening ("are reported to have closed").
RAISING_VERBS = frozenset({"report", "say", "believe", "understand", "know", "think", "appear"})
# Light verbs: their object, subject or complement noun says what happened.
LIGHT_VERBS = frozenset(
    "take gain assume seize launch carry conduct stage mount hold break erupt order "
    "call begin start intensify push open resume set".split()
)
NOUN_KIND: dict[str, str] = _table(
    {
        "takeover": "control",
        "clash": "attack offensive assault fighting clash battle raid ambush fire gunfight "
        "firefight counteroffensive counterattack incursion",
        "airstrike": "airstrike bombing bombardment",
        "explosion": "explosion blast",
        "protest": "protest demonstration rally march sit-in strike",
        "riot": "riot",
        "mobilisation": "call-up mobilisation mobilization",
        "decree": "emergency curfew",
        "base": "base headquarters",
    }
)
# Verbs that report an explosion when a weapon is named with them (else the fallback, if any).
WEAPON_VERBS: dict[str, str | None] = {
    "hit": "clash",
    "strike": "clash",
    "target": None,
    "fire": "clash",
    "launch": None,
    "pound": "shelling",
    "damage": None,
    "destroy": None,
    "shoot": "casualties",
}
WEAPON_KIND: dict[str, str] = _table(
    {
        "airstrike": "airstrike strike warplane aircraft jet plane helicopter drone air raid "
        "gunship",
        "shelling": "missile rocket shell mortar artillery shelling howitzer projectile",
        "explosion": "bomb explosion blast device ied mine landmine grenade explosive car bomber",
    }
)
# People whose doing anything ("hundreds of protesters blocked roads") is that happening.
GATHERING_NOUNS: dict[str, str] = _table(
    {"protest": "protester protestor demonstrator marcher", "riot": "rioter looter"}
)
# Verbs that say a happening named by a noun took place or what it did ("clashes left ten
# dead", "a bombing rocked the market", "a protest took place"): the noun's sort.
OCCURRENCE_VERBS = frozenset("occur happen leave rock erupt continue spread resume".split())
# Verbs whose object may be a happening told for the first time ("residents reported an
# airstrike on the village", "the rally followed a round of strikes on X on Thursday").
TELLING_VERBS = frozenset("report confirm condemn follow describe witness record document".split())
# Nouns that count happenings ("a round of strikes", "a wave of attacks"): the happening is inside.
SERIES_NOUNS = frozenset("round wave series barrage spate string volley salvo".split())
BACK_WORDS = frozenset({"back"})
CROWD_NOUNS = frozenset(
    "protester protestor demonstrator crowd resident rioter student mourner people".split()
)
# People who flee are displaced, not a party retreating: not an event of its own.
DISPLACED_NOUNS = frozenset(
    "resident civilian people family villager refugee inhabitant thousand hundred".split()
)
# A happening said under these is denied or only planned, not reported.
DENIAL_LEMMAS = frozenset({"deny", "reject", "dismiss"})
PLAN_LEMMAS = frozenset(
    {"plan", "vow", "threaten", "intend", "aim", "hope", "prepare", "try", "seek", "want"}
)
# What police fire at a crowd, and warning shots: no one targeted, not an attack of its own.
CROWD_CONTROL = frozenset("gas teargas tear-gas cannon rubber canister stun warning pepper".split())
# Verbs of doing a happening named by its noun ("conducted the raid"): with "the" it is the
# happening told before, said again with who did it.
DOING_VERBS = frozenset("conduct perpetrate commit execute".split())
# Forces driving the other side out of a place ("pushed the fighters out of the town") take it.
OUSTING_VERBS = frozenset("push drive force chase kick flush".split())
# A side surrendering or handing a place to the other ("surrendered the base to X"): X takes it.
HANDING_VERBS = frozenset("surrender cede yield abandon".split())
# People who bear arms or stand for a side: killing them is fighting, not an attack on civilians.
ARMED_NOUNS = frozenset(
    "soldier troop force fighter militant rebel insurgent police policeman officer guard army "
    "militia militiaman gunman attacker jihadist combatant member commander recruit "
    "peacekeeper position".split()
)
