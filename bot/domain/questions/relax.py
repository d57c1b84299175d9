"""Never a false "nothing stored": the strict reading of a question, relaxed one step at a time.

When a question finds nothing, its filters are loosened from the weakest up, each step keeping the
ones before: the leftover words, the actors' roles, "killed", the kind of event, the place
(widened to its parent, up to the country), the time window, and last the actors. The answer
names every step it took, so a reader knows the events shown are not what was asked for exactly.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from bot.domain.places.model import Place, PlaceKind
from bot.domain.questions.kinds import kind_labels
from bot.domain.questions.understand import Query, Understander

MAX_WIDENINGS = 3
FORCE_WORDS = (
    "troops",
    "forces",
    "soldiers",
    "army",
    "military",
    "police",
    "guards",
)  # parent places tried (district → province → country)


WINDOW_STEP = "any date"  # the note of the step that drops the time window begins so


def relaxations(query: Query, understander: Understander) -> Iterator[tuple[Query, str]]:
    """Ever looser versions of the query, each with a note saying what was relaxed.

    Only a question with structured content (an actor, a kind of event, "killed") is relaxed:
    those are what a dataset may code otherwise than the reader says. A question of places,
    dates and words alone gets the honest "nothing" with the records' reach instead.
    """
    if not (query.actors or query.kinds or query.lethal):
        return
    q = query
    if q.words or q.text_groups:
        q = replace(q, words=(), text_groups=())
        yield q, f"ignoring the words {', '.join(query.words)}" if query.words else "any wording"
    if any(r != "any" for r in q.roles):
        q = replace(q, roles=tuple("any" for _ in q.roles))
        yield q, f"{', '.join(q.actors)} in any role"
    broader = _broader_names(q, understander)
    if broader is not None:
        q = broader
        yield q, f"{', '.join(q.actors)} named in any way"
    if q.lethal:
        q = replace(q, lethal=False)
        yield q, "with or without reported deaths"
    # Place and window are widened only for a question with content (an actor or a kind):
    # "Islam Qala in June" with nothing stored is answered by the records' reach, not by July.
    if q.actors or q.kinds:
        for _ in range(MAX_WIDENINGS):
            wider = _parents(q, understander)
            if wider is None:
                break
            q = replace(q, places=wider, place_keys=understander.scope(list(wider), None))
            yield q, f"widened to {', '.join(p.name for p in wider)}"
        if q.window is not None:
            label = q.window.label
            q = replace(q, window=None)
            yield q, f"{WINDOW_STEP}, not only {label}"
    if q.kinds:
        labels = ", ".join(kind_labels(q.kinds))
        q = replace(q, kinds=())
        yield q, f"any kind of event, not only {labels}"
    if q.actors and (q.places or q.window):
        names = ", ".join(q.actors)
        q = replace(q, actors=(), actor_names=(), roles=())
        yield q, f"any actor, not only {names}"


def _broader_names(query: Query, understander: Understander) -> Query | None:
    """ "Tajik troops" found nothing as Tajikistan's state forces: any mention of the country."""
    names = list(query.actor_names)
    changed = False
    for i, actor in enumerate(query.actors):
        if not actor.endswith(" forces"):
            continue
        country = understander.gazetteer.country_for_word(actor.split()[0])
        if country is not None:
            names[i] = tuple(dict.fromkeys((*names[i], *understander.country_names(country))))
            changed = True
    if not changed:
        return None
    # Still about armed men: the country named near "troops", "forces", "soldiers" …
    return replace(query, actor_names=tuple(names), text_groups=(*query.text_groups, FORCE_WORDS))


def _parents(query: Query, understander: Understander) -> tuple[Place, ...] | None:
    """The places' parents, or None when none is wider. A country is widened to only when the
    deployment follows it (its scope is then "anywhere"); else provinces are the widest."""
    if not query.places:
        return None
    gazetteer = understander.gazetteer
    out: list[Place] = []
    changed = False
    for place in query.places:
        parent = gazetteer.get(place.parent) if place.parent else None
        if (
            parent is not None
            and parent.kind is PlaceKind.COUNTRY
            and understander.scope([parent], None) is not None
        ):
            parent = None
        if parent is not None and place.kind is not PlaceKind.COUNTRY:
            out.append(parent)
            changed = True
        else:
            out.append(place)
    if not changed:
        return None
    return tuple(dict.fromkeys(out))
