"""The role of an actor in a question: who acted (actor 1), who was acted on (actor 2), or either.

"what did the Taliban do", "attacks by the Taliban", "Taliban attacks", "the Taliban seized …" →
actor 1; "attacks on the Taliban", "civilians killed", "Taliban were killed" → actor 2; "X and Y
clashed", "clashes between X and Y" and every unclear case ("the Taliban in Badakhshan") → either.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.domain.events.filters import Role

_DONE_TO = (
    r"(?:killed|wounded|injured|targeted|attacked|ambushed|hit|abducted|kidnapped|arrested"
    r"|detained|executed|dead|killings?|casualties|deaths|murdered|shot|bombed|shelled)"
)
_ENDS = (
    r"(?:$|[?.!,;]|\s+(?:in|at|on|during|near|around|across|last|this|since|yesterday|today"
    r"|so\s+far|recently|between|from|over|and|or|by)\b)"
)
# Before the actor: "attacks on", "against", "targeting", "killing" → acted on.
_TARGET_BEFORE = re.compile(
    r"\b(?:on|against|targeting|targeted|target|killing|killed|attacking|attacked|ambushing"
    r"|ambushed|abducting|abducted|kidnapping|kidnapped|arresting|arrested)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
# Before the actor: "by", "did … do", "what has … done" → acted.
_ACTOR_BEFORE = re.compile(r"\b(?:by|did|does|do|has|have|had)\s+(?:the\s+)?$", re.IGNORECASE)
# After the actor: "were killed", "killed?" (no object), "casualties" → acted on.
_TARGET_AFTER = re.compile(
    r"^\s*(?:(?:were|was|have\s+been|had\s+been|has\s+been|got|are|is|being|been)\s+)?"
    + _DONE_TO
    + _ENDS,
    re.IGNORECASE,
)
_PASSIVE_AFTER = re.compile(
    r"^\s*(?:were|was|have\s+been|had\s+been|has\s+been|got|are|is|being)\s+" + _DONE_TO,
    re.IGNORECASE,
)
# After the actor: a verb of acting, or the actor's own attacks ("Taliban attacks", "'s").
_ACTOR_AFTER = re.compile(
    r"^\s*(?:'s|’s|do|did|does|done|doing|attack\w*|kill\w*|seiz\w*|captur\w*|t[oa]ok\w*|take"
    r"|launch\w*|struck|strike|strikes|shell\w*|bomb\w*|raid\w*|ambush\w*|claim\w*|abduct\w*"
    r"|kidnap\w*|execut\w*|overr[au]n|advance\w*|fire[ds]?|target\w*|detain\w*|arrest\w*"
    r"|offensive|operations?|gain\w*|assault\w*|overt[oa]\w*)\b",
    re.IGNORECASE,
)
_MUTUAL = re.compile(
    r"\b(?:clash\w*|fight\w*|fought|battl\w*|between|versus|vs\.?|against\s+each\s+other"
    r"|exchanged?\s+fire|skirmish\w*)\b",
    re.IGNORECASE,
)
_JOINED = re.compile(r"^\s*(?:and|with|&|vs\.?|versus|,)\s*(?:the\s+)?$", re.IGNORECASE)


def actor_roles(text: str, spans: Sequence[tuple[int, int]]) -> list[Role]:
    """The role of each actor mentioned at `spans` (in order) in the question text."""
    roles: list[Role] = []
    for start, end in spans:
        before = text[max(0, start - 40) : start]
        after = text[end : end + 60]
        roles.append(_role(before, after))
    if len(spans) >= 2 and _MUTUAL.search(text):
        # "X and Y clashed", "clashes between X and Y": either side, both actors.
        for i in range(1, len(spans)):
            between = text[spans[i - 1][1] : spans[i][0]]
            if _JOINED.match(between):
                roles[i - 1] = roles[i] = "any"
    return roles


def _role(before: str, after: str) -> Role:
    if _PASSIVE_AFTER.match(after):
        return "2"
    if _TARGET_BEFORE.search(before):
        return "2"
    if _ACTOR_BEFORE.search(before):
        return "1"
    if _TARGET_AFTER.match(after):
        return "2"
    if _ACTOR_AFTER.match(after):
        return "1"
    return "any"
