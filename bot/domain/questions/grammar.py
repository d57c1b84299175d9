"""The question grammar's word lists: event words that mean the same thing, and stop words."""

from __future__ import annotations

# Event words that mean the same thing; a question word pulls in its whole group.
SYNONYMS: tuple[tuple[str, ...], ...] = (
    (
        "seized",
        "seize",
        "seizure",
        "took control",
        "take control",
        "taken control",
        "captured",
        "capture",
        "overran",
        "overrun",
        "took over",
        "takeover",
        "fell",
        "overtakes",
    ),
    ("fled", "flee", "fleeing", "retreated", "retreat", "crossed into", "escaped"),
    ("attack", "attacked", "attacks", "assault", "offensive", "clash", "clashes", "fighting"),
    ("killed", "kill", "dead", "deaths", "casualties", "fatalities"),
    ("injured", "wounded", "injuries"),
    ("fire", "blaze", "explosion", "exploded", "burned", "tanker"),
    ("closed", "close", "closure", "shut"),
    ("consulate", "consulates", "embassy", "diplomats"),
    ("withdrawal", "withdrew", "withdraw", "pullout", "pulled out", "pull out"),
    ("reservists", "reservist", "called up", "mobilised", "mobilized"),
    ("surrendered", "surrender", "gave up"),
    ("protest", "protests", "demonstration", "rally"),
    # Countries beyond the neighbours (the gazetteer knows those): name and demonym.
    ("turkey", "turkish"),
    ("russia", "russian", "russians"),
    ("china", "chinese"),
    ("india", "indian"),
    ("britain", "british", "uk"),
    ("germany", "german"),
    ("qatar", "qatari"),
)
STOPWORDS = frozenset(
    """
    a about above after again all also am an and any anything anyone are around as at be been
    before being between both but by can could did do does doing done during each else ever
    for from further get give got had has have having he her here hers him his how i if in
    into is it its itself just know let like me more most my near new news no nor not now of
    off on once only or other our out over please put said say says see she should show so
    some something tell than thank thanks that the their them then there these they this those
    through to too under until up update updates us very want was we were what whats what's
    when where which while who whom why will with would you your latest recent recently
    happen happened happening happens going go gone event events report reports reported
    situation sitrep brief briefing info information question today yesterday week month year
    hi hello hey pls plz ok okay areas places incidents incident
    city province district town area region border borders crossing crossings
    """.split()
)
