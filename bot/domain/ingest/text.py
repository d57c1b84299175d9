"""Article text into numbered, parsed sentences, with headlines, captions and boilerplate set
aside, and the dateline (the outlet's location and day, never the event's) read off.

Sentences come from the language engine's parse (``parsing.TextParser``), one paragraph at a
time.  Lines that are headlines, bylines, photo captions, "related"/"for more reporting" lines,
corrections or reporting credits are set aside before parsing.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta

from bot.domain.ingest.lexicon import BOILERPLATE_RE, CAPTION_RE, DATELINE_RE
from bot.domain.ingest.parsing import Parse, TextParser

MAX_HEADLINE_WORDS = 20
MAX_CAPTION_SENTENCES = 3
_END_PUNCT = tuple('.!?…"”’)')
_SPACE_RE = re.compile(r"[ \t\u00a0\u2009\u202f]+")


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of the article body: its text, paragraph number and position."""

    text: str
    para: int
    index: int
    parse: Parse | None = field(default=None, compare=False, hash=False, repr=False)


@dataclass(frozen=True, slots=True)
class Skipped:
    """A piece of the article that produced no event, and why."""

    text: str
    reason: str


@dataclass(frozen=True, slots=True)
class ArticleText:
    """The article split up: body sentences, what was set aside, and the headline if any."""

    sentences: list[Sentence]
    skipped: list[Skipped]
    title: str
    dateline: str = ""  # the place of the dateline, as written ("KABUL")
    dateline_day: tuple[int, int] | None = None  # (month, day) of the dateline, if it has one

    def reference_day(self, published: date) -> date:
        """The day relative day words count from: the dateline's, else the published day."""
        if self.dateline_day is None:
            return published
        month, day = self.dateline_day
        for year in (published.year, published.year - 1):
            try:
                d = date(year, month, day)
            except ValueError:
                return published
            if d <= published + timedelta(days=2):
                return d
        return published


def normalise_text(text: str) -> str:
    """NFC, Unix newlines, no trailing spaces, at most one blank line in a row, trimmed."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\ufeff", "")
    lines = [_SPACE_RE.sub(" ", line).strip() for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if not line and (not out or not out[-1]):
            continue
        out.append(line)
    return "\n".join(out).strip()


def is_headline(line: str) -> bool:
    """A short line without closing punctuation: a headline, subhead or caption title."""
    words = line.split()
    return 0 < len(words) <= MAX_HEADLINE_WORDS and not line.rstrip().endswith(_END_PUNCT)


def clean_sentence(text: str) -> str:
    """One sentence tidied for a summary: dateline removed, spaces collapsed."""
    text = DATELINE_RE.sub("", text, count=1)
    return _SPACE_RE.sub(" ", text).strip()


_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            "jan january",
            "feb february",
            "mar march",
            "apr april",
            "may",
            "jun june",
            "jul july",
            "aug august",
            "sep sept september",
            "oct october",
            "nov november",
            "dec december",
        ]
    )
    for m in names.split()
}
_DAY_RE = re.compile(r"\b([A-Za-z]{3,9})\.?\s+(\d{1,2})\b")


def read_dateline(line: str) -> tuple[str, str, tuple[int, int] | None]:
    """(the line without its dateline, the dateline's place, its month and day if given)."""
    m = DATELINE_RE.match(line)
    if m is None:
        return line, "", None
    head = line[: m.end()]
    place = head.split(",")[0].split("(")[0].strip(" -—–")
    day = None
    for d in _DAY_RE.finditer(head):
        month = _MONTHS.get(d.group(1).lower())
        if month is not None:
            day = (month, int(d.group(2)))
    return line[m.end() :], place, day


def split_article(text: str, parser: TextParser) -> ArticleText:
    """Split an article into parsed body sentences; headlines, captions and boilerplate are
    skipped, and the dateline is read off the first body paragraph."""
    skipped: list[Skipped] = []
    title = ""
    dateline, dateline_day = "", None
    body: list[str] = []
    numbers: list[int] = []  # the paragraph number of each body line (every line counts)
    para = 0
    for raw in normalise_text(text).split("\n"):
        line = raw.strip()
        if not line:
            continue
        para += 1
        if BOILERPLATE_RE.search(line):
            skipped.append(Skipped(line, "boilerplate"))
            continue
        if is_headline(line):
            if not title and not body:
                title = line
            skipped.append(Skipped(line, "headline"))
            continue
        if CAPTION_RE.search(line) and len(line) < 400:
            skipped.append(Skipped(line, "photo caption"))
            continue
        if not body:
            line, dateline, dateline_day = read_dateline(line)
        body.append(line)
        numbers.append(para)
    sentences: list[Sentence] = []
    parsed = parser.parse(body) if body else []
    for number, parses in zip(numbers, parsed, strict=True):
        for parse in parses:
            sentence = _SPACE_RE.sub(" ", parse.text).strip()
            if not sentence:
                continue
            if BOILERPLATE_RE.search(sentence):
                skipped.append(Skipped(sentence, "boilerplate"))
                continue
            if CAPTION_RE.search(sentence):
                skipped.append(Skipped(sentence, "photo caption"))
                continue
            sentences.append(Sentence(parse.text, number, len(sentences), parse))
    return ArticleText(sentences, skipped, title, dateline, dateline_day)
