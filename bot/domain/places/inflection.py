"""Dictionary forms of inflected place names: Russian and Ukrainian write "в Харькове",
"з Харкова", "обстріл Костянтинівки"; the gazetteer holds "Харьков", "Харків",
"Костянтинівка". Endings are language vocabulary, tried only when the word as written is not
a known name.
"""

from __future__ import annotations

import re

_CYRILLIC = re.compile(r"^[\u0400-\u04ff'’ʼ-]+$")

# (ending, replacement), longest first: "Харкові" -> "Харків", "Херсоне" -> "Херсон",
# "Константиновки" -> "Константиновка", "Бахмуте" -> "Бахмут", "Одесі" -> "Одеса".
_ENDINGS: tuple[tuple[str, str], ...] = (
    ("ові", "ів"), ("ова", "ів"), ("ову", "ів"), ("овом", "ів"),
    ("ами", ""), ("ями", ""), ("ому", ""), ("ого", ""),
    ("ою", "а"), ("ей", "ь"), ("ой", "а"), ("ах", ""), ("ях", ""), ("ом", ""), ("ем", ""),
    ("ки", "ка"), ("ці", "ка"), ("це", "ка"), ("ке", "ка"), ("ку", "ка"),
    ("ві", "ва"), ("сі", "са"), ("ді", "да"), ("ті", "та"), ("рі", "ра"),
    ("е", ""), ("у", ""), ("ю", "ь"), ("і", ""), ("и", "а"), ("ы", "а"), ("е", "а"),
    ("і", "а"), ("у", "а"), ("а", ""), ("я", "ь"), ("я", ""),
)  # fmt: skip


def dictionary_forms(word: str) -> list[str]:
    """Possible dictionary forms of an inflected Cyrillic name, most likely first."""
    if len(word) < 4 or not _CYRILLIC.match(word):
        return []
    low = word.lower()
    out: list[str] = []
    for ending, replacement in _ENDINGS:
        if low.endswith(ending) and len(low) - len(ending) >= 3:
            form = low[: len(low) - len(ending)] + replacement
            if form != low and form not in out:
                out.append(form)
    return out
