"""Article text into numbered sentences, with headlines, captions and boilerplate set aside."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import pysbd

from bot.domain.ingest.lexicon import BOILERPLATE_RE, CAPTION_RE, DATELINE_RE

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


_SEGMENTER = pysbd.Segmenter(language="en", clean=False)


def split_article(text: str) -> ArticleText:
    """Split an article into body sentences; headlines, captions and boilerplate are skipped."""
    skipped: list[Skipped] = []
    sentences: list[Sentence] = []
    title = ""
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
            if not title and not sentences:
                title = line
            skipped.append(Skipped(line, "headline"))
            continue
        pieces = [clean_sentence(str(p)) for p in _SEGMENTER.segment(line)]
        pieces = [p for p in pieces if p]
        # A short paragraph with a photo credit is a caption; in a long paragraph (text pasted
        # without line breaks) only the sentences that carry the credit are.
        if len(pieces) <= MAX_CAPTION_SENTENCES and CAPTION_RE.search(line):
            skipped.append(Skipped(line, "photo caption"))
            continue
        for sentence in pieces:
            if BOILERPLATE_RE.search(sentence):
                skipped.append(Skipped(sentence, "boilerplate"))
                continue
            if CAPTION_RE.search(sentence):
                skipped.append(Skipped(sentence, "photo caption"))
                continue
            sentences.append(Sentence(sentence, para, len(sentences)))
    return ArticleText(sentences, skipped, title)
