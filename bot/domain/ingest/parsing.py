"""The language engine as extraction sees it: sentences parsed into tokens, syntax and entities.

A port: the domain defines the data it needs (``Parse``) and the protocol an engine implements
(``TextParser``); the engine itself is an adapter outside the domain (``bot.nlp``).  The
composition root hands a parser to ``IngestService`` and installs it as the default with
``install_default_parser`` so pure callers (previews, tests) need not thread it through.
Engines load their model lazily, on the first parse, never at import.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

__all__ = [
    "Entity",
    "Parse",
    "ParserUnavailable",
    "TextParser",
    "Token",
    "default_parser",
    "install_default_parser",
]


@dataclass(frozen=True, slots=True)
class Token:
    """One word of a parsed sentence (Universal POS, ClearNLP dependency labels)."""

    i: int  # position in the sentence
    text: str
    lemma: str  # lower case
    pos: str  # "VERB", "NOUN", "PROPN", "NUM", ...
    tag: str  # fine tag: "VBD", "VBN", "NNS", ...
    dep: str  # "nsubj", "dobj", "ROOT", ...
    head: int  # index of the head token (itself for the root)
    idx: int  # character offset in the sentence
    ent: str = ""  # entity label of the span the token is in ("GPE", "PERSON", ...)

    @property
    def end(self) -> int:
        """Character offset just after the token."""
        return self.idx + len(self.text)


@dataclass(frozen=True, slots=True)
class Entity:
    """A named entity: its label and character span in the sentence."""

    label: str
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Parse:
    """One sentence, parsed (offsets relative to the sentence; `start` is its offset in the
    text it came from)."""

    text: str
    tokens: tuple[Token, ...]
    entities: tuple[Entity, ...]
    start: int = 0
    # each token's children, built on the first question (extraction asks thousands)
    _kids: dict[int, list[Token]] | None = field(
        default=None, init=False, repr=False, compare=False, hash=False
    )

    def _children_of(self) -> dict[int, list[Token]]:
        kids = self._kids
        if kids is None:
            kids = {}
            for t in self.tokens:
                if t.head != t.i:
                    kids.setdefault(t.head, []).append(t)
            object.__setattr__(self, "_kids", kids)
        return kids

    def children(self, head: int) -> list[Token]:
        """The tokens whose head is `head` (the root is not its own child)."""
        return list(self._children_of().get(head, ()))

    def subtree(self, i: int) -> list[Token]:
        """A token and all tokens below it, in sentence order."""
        kids = self._children_of()
        out = {i}
        todo = [i]
        while todo:
            for t in kids.get(todo.pop(), ()):
                if t.i not in out:
                    out.add(t.i)
                    todo.append(t.i)
        return [t for t in self.tokens if t.i in out]

    def entity_at(self, start: int, end: int) -> Entity | None:
        """The entity overlapping a character span, if any."""
        return next((e for e in self.entities if e.start < end and start < e.end), None)


class TextParser(Protocol):
    """A language engine: parses sentences; loads its model on first use."""

    @property
    def name(self) -> str:
        """The engine and model, with its version ("spacy 3.8 / en_core_web_sm 3.8.0")."""
        ...

    def load(self) -> None:
        """Load (and verify) the model now; ParserUnavailable if it cannot."""
        ...

    def parse(self, texts: Sequence[str]) -> list[list[Parse]]:
        """Split each text (a paragraph) into sentences and parse them, in order."""
        ...


class ParserUnavailable(RuntimeError):
    """The language engine or its model cannot be loaded (missing, altered, wrong version)."""


_default: list[TextParser] = []


def install_default_parser(parser: TextParser) -> None:
    """Make `parser` the one extraction uses when none is passed (the composition root's call)."""
    _default[:] = [parser]


def default_parser() -> TextParser:
    """The installed default parser; ParserUnavailable when none was installed."""
    if not _default:
        raise ParserUnavailable(
            "no language engine is installed (the composition root calls install_default_parser)"
        )
    return _default[0]
