"""Pieces of extraction on their own: datelines, the language check, the model's pinning."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.domain.ingest.extract import extract_events
from bot.domain.ingest.language import reads_as_english
from bot.domain.ingest.parsing import ParserUnavailable
from bot.domain.ingest.text import ArticleText, read_dateline
from bot.nlp.spacy_parser import MODEL_SHA256, model_path, verify_model
from bot.store.atlas import world_gazetteer


@pytest.mark.parametrize(
    ("line", "place", "day"),
    [
        ("KABUL, Aug 15 (Reuters) - Taliban fighters entered.", "KABUL", (8, 15)),
        ("LASHKAR GAH, Afghanistan, Aug 3 (Global Desk) - Fighting.", "LASHKAR GAH", (8, 3)),
        ("HERAT, Afghanistan — Taliban fighters seized.", "HERAT", None),
        ("Taliban fighters seized the crossing on Monday.", "", None),
    ],
)
def test_datelines_are_read_off(line: str, place: str, day: tuple[int, int] | None) -> None:
    rest, got_place, got_day = read_dateline(line)
    assert (got_place, got_day) == (place, day)
    assert rest.startswith(("Taliban", "Fighting")) or not place


def test_day_words_count_from_the_dateline_not_the_feed_time() -> None:
    article = ArticleText([], [], "", "KYIV", (12, 31))
    assert article.reference_day(date(2025, 1, 1)) == date(2024, 12, 31)
    assert ArticleText([], [], "").reference_day(date(2025, 1, 1)) == date(2025, 1, 1)


def test_a_dateline_day_sets_relative_days_and_is_never_the_place() -> None:
    text = (
        "KABUL, Aug 15 (Wire) - Taliban fighters captured the city of Ghazni on Sunday, "
        "officials said.\n\nPhoto: Residents in Kabul on Monday. (Staff/Wire)"
    )
    (ev,) = extract_events(text, date(2021, 8, 16), world_gazetteer()).events
    assert ev.when.start == date(2021, 8, 15) and ev.place_key == "ghazni-city"


@pytest.mark.parametrize(
    ("text", "english"),
    [
        ("Taliban fighters seized the border crossing on Thursday, an official said.", True),
        ("Талибы захватили пограничный переход в четверг, сообщил чиновник провинции.", False),
        ("Les talibans ont pris le poste frontière jeudi, selon un responsable local.", False),
        ("Kunduz, Herat", True),  # too short to tell
    ],
)
def test_only_english_is_read(text: str, english: bool) -> None:
    assert reads_as_english(text) is english


def test_the_installed_model_is_the_pinned_one() -> None:
    verify_model(model_path())


def test_an_altered_model_is_refused(tmp_path: Path) -> None:
    for rel in MODEL_SHA256:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes((model_path() / rel).read_bytes())
    (tmp_path / "ner" / "model").write_bytes(b"not the weights")
    with pytest.raises(ParserUnavailable, match="ner/model"):
        verify_model(tmp_path)
