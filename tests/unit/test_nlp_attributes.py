"""The attribute ruler matched by index gives spaCy's own matches, on wire copy and odd words."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest

from bot.nlp.attributes import IndexedRules, UnsupportedPattern, install
from bot.nlp.spacy_parser import shared_parser
from bot.sim.bench.extract import load_gold

ODD = (
    "I ain't gonna say it, y'all.  You gotta let's go!\n\n"
    "It's doin' nothin' 'nuff, c'mon ol' somethin' 'em.  There is a cat. Did he have it? I did."
)


def _before_ruler(nlp: Any, text: str) -> Any:
    doc = nlp.make_doc(text)
    for name, proc in nlp.pipeline:
        if name == "attribute_ruler":
            return doc
        doc = proc(doc)
    raise AssertionError("no attribute ruler")


def test_indexed_rules_match_as_spacy_matches() -> None:
    nlp = shared_parser().nlp()
    ruler = nlp.get_pipe("attribute_ruler")
    spacy_match = type(ruler).match  # the ruler's own method, by its Matcher
    rules = IndexedRules(ruler)
    texts = [a.text for a in load_gold("heldout")[:2]] + [ODD]
    total = 0
    for text in texts:
        doc = _before_ruler(nlp, text)
        expected = sorted(set(spacy_match(ruler, doc)))
        assert rules.match(doc) == expected
        total += len(expected)
    assert total > 200


def test_patterns_it_cannot_read_keep_spacys_matcher() -> None:
    class Ruler:
        vocab = shared_parser().nlp().vocab
        patterns: ClassVar[list[Any]] = [
            {"patterns": [[{"LOWER": "x", "OP": "+"}]], "attrs": {}, "index": 0}
        ]

    with pytest.raises(UnsupportedPattern):
        IndexedRules(Ruler())

    class Pipeline:
        pipe_names: ClassVar[list[str]] = ["attribute_ruler"]

        def get_pipe(self, name: str) -> Any:
            return Ruler()

    assert install(Pipeline()) is False
