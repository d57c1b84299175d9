"""The seed article's edition for 10 Jul 2021 (Asia/Kabul): the border-crossing seizure leads by
the general rules (severity, novelty, sources), and no passage of the article is listed twice."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from bot.domain.editions.structure import sentences
from bot.render.plain import html_to_text
from tests.support.delivery import domain_at

SEED = (
    Path(__file__).resolve().parents[1] / "fixtures" / "afghanistan-border-2021-07.txt"
).read_text(encoding="utf-8")


async def test_seed_edition_leads_with_the_seizure_and_repeats_nothing(sqlite_db_url: str) -> None:
    async with domain_at(sqlite_db_url, datetime(2021, 7, 9, 12, 0, tzinfo=UTC)) as (domain, _):
        report = await domain.ingest.ingest(
            SEED, published=date(2021, 7, 9), outlet="AP via Newsweek"
        )
        assert len(report.created) >= 8
        audience = domain.briefings.first_edition_audience(
            day=date(2021, 7, 10), timezone="Asia/Kabul", minute=7 * 60
        )
        data = await domain.briefings.collect(audience)
        parts = await domain.briefings.preview(audience)
    first = data.body.highlights[0]
    assert first.event.place_key == "islam-qala" and "seized" in first.text
    assert first.area == "Herat province"
    text = html_to_text("\n".join(parts))
    # every sentence of every stored summary appears at most once in the whole edition
    said = {s for e in report.created for s in sentences(e.summary)}
    assert said
    for sentence in said:
        assert text.count(sentence) <= 1, sentence
    # the seizure is told once, in the highlights; its section points there
    assert text.count("Islam Qala border crossing with Iran") == 1
    assert "somewhere in" not in text
    lines = [ln for s in data.body.sections for ln in s.lines]
    assert len({ln.event.id for ln in lines}) == len(lines)
    assert data.body.unreviewed_note and not any(ln.mark_unreviewed for ln in lines)
