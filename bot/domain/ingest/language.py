"""Whether an article is in a language the extraction engine reads (English).

A rule, not a model: in English prose the commonest function words ("the", "of", "and", "in",
"to", "a", "was", "said") make up well over a tenth of the words, in other languages almost none
of them; text in a non-Latin script has few Latin letters at all.
"""

from __future__ import annotations

import re

_WORD_RE = re.compile(r"[^\W\d_]+", re.UNICODE)
_FUNCTION_WORDS = frozenset(
    "the of and in to a an on at by for with from was were is are has have had said that it "
    "as after their its his her they he she this which who not be been".split()
)
MIN_WORDS = 8  # shorter texts are not judged
MIN_FUNCTION_SHARE = 0.08
MIN_LATIN_SHARE = 0.5


def reads_as_english(text: str) -> bool:
    """True when the text looks like English prose (or is too short to tell)."""
    words = _WORD_RE.findall(text)
    if len(words) < MIN_WORDS:
        return True
    letters = sum(len(w) for w in words)
    latin = sum(1 for w in words for c in w if c.isascii())
    if latin < MIN_LATIN_SHARE * letters:
        return False
    common = sum(1 for w in words if w.lower() in _FUNCTION_WORDS)
    return common >= MIN_FUNCTION_SHARE * len(words)
