"""The bench's synthetic vocabulary, read from ``vocabulary.json`` (data, not code): the crises
its events are spread over, ACLED-style actors and outlets, the questions it times, and the
actors of generated summaries."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any


def _load() -> dict[str, Any]:
    text = resources.files("bot.sim.bench").joinpath("vocabulary.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


_DATA = _load()
BENCH_COUNTRIES: tuple[str, ...] = tuple(_DATA["countries"])
ACTORS: tuple[str, ...] = tuple(_DATA["acled_actors"])
OUTLETS: tuple[str, ...] = tuple(_DATA["outlets"])
QUESTIONS: tuple[str, ...] = tuple(_DATA["questions"])
SUMMARY_ACTORS: tuple[str, ...] = tuple(_DATA["summary_actors"])
