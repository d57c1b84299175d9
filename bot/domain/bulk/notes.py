"""A dataset's notes as an event's summary: kept word for word, shortened only at a sentence end.

ACLED's `notes` are the event's own words; Sitrep keeps them whole in the event's excerpt and, as
its summary, the same text, or when it is longer than SUMMARY_CHARS its leading sentences up to
that length (never fewer than the first sentence, never cut inside one, never reworded).
"""

from __future__ import annotations

import re

SUMMARY_CHARS = 700  # as long as a summary an admin may type (bot.domain.events.input)

# A sentence ends at . ! ? or … (closing quotes or brackets may follow), then space, then a
# capital letter, digit, quote or bracket.
_END = re.compile(r"[.!?…][\"'”’)\]]*\s+(?=[\"'“‘(\[]?[^\W_a-z])")
# Words whose full stop ends no sentence: a lone capital (initials: "J. Smith", "U.S."), and
# titles and short forms that ACLED-style notes put before names and numbers.
_ABBREVIATION = re.compile(
    r"(?:\b[A-Z]|\b(?:[A-Z]\.)+[A-Z]|\b(?:Gen|Lt|Col|Maj|Capt|Sgt|Cpl|Adm|Brig|Cmdr|Dr|Mr|Mrs|Ms"
    r"|Prof|Rev|Sen|Rep|Gov|St|Mt|No|Nos|approx|ca|cf|vs|etc|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept"
    r"|Oct|Nov|Dec))$"
)


def sentence_ends(text: str) -> list[int]:
    """Offsets just past each sentence's end punctuation (and closing quotes) in `text`."""
    ends = []
    for m in _END.finditer(text):
        if m.group()[0] == "." and _ABBREVIATION.search(text, 0, m.start()):
            continue
        ends.append(m.end() - (len(m.group()) - len(m.group().rstrip())))
    return ends


def summary_of(notes: str, limit: int = SUMMARY_CHARS) -> str:
    """The summary for these notes (spaces collapsed): the whole text when it fits in `limit`
    characters, else as many leading whole sentences as fit (at least the first)."""
    text = " ".join(notes.split())
    if len(text) <= limit:
        return text
    cut = 0
    for end in sentence_ends(text):
        if end > limit and cut:
            break
        cut = end
        if end > limit:
            break
    return text[:cut].rstrip() if cut else text
