"""Ingesting articles into the store (SQLite and, when configured, PostgreSQL)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select

from bot.bootstrap import Services, open_services
from bot.config import Settings
from bot.domain.clock import FixedClock
from bot.domain.events.model import EventDraft, EventStatus, Origin, SourceInfo
from bot.domain.ingest.parsing import TextParser
from bot.domain.ingest.service import (
    MAX_ARTICLE_BYTES,
    IngestError,
    IngestService,
    content_hash,
    decode_article,
)
from bot.domain.ingest.text import normalise_text
from bot.domain.questions.timetypes import FuzzyDate
from bot.nlp.spacy_parser import SpacyParser
from bot.store.articles import ArticleStore
from bot.store.models.events import ArticleRow, EventRow, SourceRow

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PUBLISHED = date(2021, 7, 9)
SEED = (FIXTURES / "afghanistan-border-2021-07.txt").read_text(encoding="utf-8")
REWRITE = (FIXTURES / "ingest_islam_qala_rewrite_2021-07-09.txt").read_text(encoding="utf-8")


@pytest.fixture
async def domain(db_url: str) -> AsyncIterator[Services]:
    settings = Settings(_env_file=None, database_url=db_url)  # type: ignore[call-arg]
    async with open_services(settings, FixedClock(datetime(2021, 7, 10, 8, 0, tzinfo=UTC))) as d:
        yield d


def _service(d: Services, parser: TextParser | None = None) -> IngestService:
    return IngestService(ArticleStore(d.sessions), d.clock, d.gazetteer, d.events, parser=parser)


async def _counts(d: Services) -> tuple[int, int, int]:
    async with d.sessions() as session:
        articles = await session.scalar(select(func.count(ArticleRow.id)))
        events = await session.scalar(select(func.count(EventRow.id)))
        sources = await session.scalar(select(func.count(SourceRow.id)))
    return int(articles or 0), int(events or 0), int(sources or 0)


async def test_ingest_seed_stores_article_events_and_linked_sources(domain: Services) -> None:
    report = await _service(domain).ingest(
        SEED, published=PUBLISHED, outlet="AP via Newsweek", url="https://example.org/a", by=7
    )
    assert report.article_id is not None and not report.duplicate
    assert len(report.created) >= 8 and report.merged == []
    assert report.skipped and "8 Jul 2021" in {e.date_label for e in report.created}
    seizure = next(
        e for e in report.created if e.place_key == "islam-qala" and "seized" in e.summary
    )
    assert seizure.status is EventStatus.PUBLISHED and seizure.reviewed is False
    assert seizure.sources[0].outlet == "AP via Newsweek"
    assert seizure.sources[0].published_on == PUBLISHED
    async with domain.sessions() as session:
        article = await session.get(ArticleRow, report.article_id)
        assert article is not None
        assert article.content_hash == content_hash(SEED)
        assert article.title.startswith("Taliban Capture Islam Qala Crossing")
        assert article.ingested_by == 7 and article.published_on == PUBLISHED
        linked = (await session.scalars(select(SourceRow.article_id))).all()
    assert len(linked) == len(report.created)
    assert set(linked) == {report.article_id}


async def test_same_text_again_changes_nothing(domain: Services) -> None:
    service = _service(domain)
    first = await service.ingest(SEED, published=PUBLISHED, outlet="AP")
    before = await _counts(domain)
    again = await service.ingest(SEED + "\n\n", published=PUBLISHED, outlet="Other")
    assert again.duplicate and again.article_id == first.article_id
    assert again.created == [] and again.merged == []
    assert sorted(e.id for e in again.previous) == sorted(e.id for e in first.created)
    assert await _counts(domain) == before
    assert "nothing changed" in again.message


async def test_an_ingestion_cut_short_after_the_article_is_resumed(domain: Services) -> None:
    """A crash between storing the article and its events: the retry stores the events."""
    service = _service(domain)
    whole = await service.ingest(REWRITE, published=PUBLISHED, outlet="Wire")
    assert whole.created
    # Start again from what a process killed after the first write leaves: the article alone.
    async with domain.sessions() as session:
        for table in (SourceRow, EventRow, ArticleRow):
            await session.execute(delete(table))
        await session.commit()
    body = normalise_text(REWRITE)
    stored = await ArticleStore(domain.sessions).add(
        body, content_hash(body), SourceInfo(outlet="Wire"), None, domain.clock.now()
    )
    assert stored is not None and await _counts(domain) == (1, 0, 0)
    again = await service.ingest(REWRITE, published=PUBLISHED, outlet="Wire")
    assert not again.duplicate and again.article_id == stored
    assert len(again.created) == len(whole.created)
    after = await _counts(domain)
    assert after[:2] == (1, len(whole.created))
    # now it is whole: the same text again is a duplicate and changes nothing
    third = await service.ingest(REWRITE, published=PUBLISHED, outlet="Wire")
    assert third.duplicate and await _counts(domain) == after


async def test_an_article_on_a_coded_happening_joins_the_dataset_row(domain: Services) -> None:
    """One happening, one entry: an article's event is merged into the dataset's row of it."""
    row = await domain.events.add(
        EventDraft(
            "Insurgents overran the border crossing and its customs post after a short fight.",
            FuzzyDate.day(date(2021, 7, 8)),
            "herat",  # coded at the province: the article names the crossing within it
            "Herat",
            actors=("Taliban", "Military Forces of Afghanistan (2004-2021)"),
            event_type="Battles",
            sub_event_type="Non-state actor overtakes territory",
            actor1=("Taliban",),
            actor2=("Military Forces of Afghanistan (2004-2021)",),
            sources=(SourceInfo("ACLED"),),
            external_key="acled:AFG9001",
            origin=Origin.IMPORT,
        )
    )
    report = await domain.ingest.ingest(REWRITE, published=PUBLISHED, outlet="Wire")
    views = await domain.events.get_many([e.id for e in report.created])
    at_crossing = [v for v in views if v.place_key == "islam-qala"]
    # the article's account is folded into the row by the merge pass (nested places)
    assert [v.merged_into for v in at_crossing] == [row.event.id]
    # the rest of the article stands on its own
    assert all(v.merged_into is None for v in views if v.place_key != "islam-qala")


async def test_second_outlet_merges_as_a_second_source(domain: Services) -> None:
    service = _service(domain)
    first = await service.ingest(SEED, published=PUBLISHED, outlet="AP via Newsweek")
    articles, events, sources = await _counts(domain)
    second = await service.ingest(REWRITE, published=PUBLISHED, outlet="Reuters")
    assert second.article_id is not None and second.article_id != first.article_id
    assert second.created == []
    assert len(second.merged) == 4
    assert await _counts(domain) == (articles + 1, events, sources + 4)
    first_ids = {e.id for e in first.created}
    for ev in second.merged:
        assert ev.id in first_ids
        assert [s.outlet for s in ev.sources] == ["AP via Newsweek", "Reuters"]
    assert {e.place_key for e in second.merged} == {
        "islam-qala",
        "iran",
        "mazar-e-sharif",
        "tajikistan",
    }
    async with domain.sessions() as session:
        reuters = (
            await session.scalars(select(SourceRow.article_id).where(SourceRow.outlet == "Reuters"))
        ).all()
    assert set(reuters) == {second.article_id}


async def test_draft_mode_stores_drafts(domain: Services) -> None:
    report = await _service(domain).ingest(SEED, published=PUBLISHED, draft=True)
    assert report.created
    assert {e.status for e in report.created} == {EventStatus.DRAFT}
    assert await domain.events.count(statuses=[EventStatus.PUBLISHED]) == 0
    assert report.created[0].sources[0].outlet == "pasted article"


@pytest.mark.parametrize(
    ("text", "published", "message"),
    [
        ("   \n\n ", PUBLISHED, "empty"),
        (SEED, date(2021, 7, 12), "in the future"),
        ("Taliban seized Islam Qala on Thursday. " * 60_000, PUBLISHED, "too long"),  # 2 MB
        (
            "Талибы захватили пограничный переход Ислам-Кала в провинции Герат в четверг, "
            "сообщил местный чиновник. Афганские солдаты бежали в Иран.",
            PUBLISHED,
            "does not read as English",
        ),
        (
            "Los talibanes tomaron el paso fronterizo de Islam Qala el jueves, según un "
            "funcionario de la provincia de Herat. Los soldados huyeron a Irán.",
            PUBLISHED,
            "does not read as English",
        ),
    ],
)
async def test_bad_ingest_raises_and_stores_nothing(
    domain: Services, text: str, published: date, message: str
) -> None:
    with pytest.raises(IngestError, match=message):
        await _service(domain).ingest(text, published=published)
    assert await _counts(domain) == (0, 0, 0)


async def test_a_missing_or_altered_model_is_a_clear_refusal(
    domain: Services, tmp_path: Path
) -> None:
    (tmp_path / "config.cfg").write_text("not the pinned model")
    service = _service(domain, SpacyParser(tmp_path))
    with pytest.raises(IngestError, match="language engine is not available"):
        await service.ingest(SEED, published=PUBLISHED)
    assert await _counts(domain) == (0, 0, 0)


async def test_events_keep_their_passages_fields_and_a_short_summary(domain: Services) -> None:
    report = await _service(domain).ingest(SEED, published=PUBLISHED, outlet="AP")
    seizure = next(e for e in report.created if e.place_key == "islam-qala")
    assert len(seizure.summary) <= 200 and "Mujahid" in seizure.excerpt
    assert seizure.actor1 == ("Taliban",) and seizure.event_type == "Battles"
    for ev in report.created:
        assert ev.excerpt and len(ev.summary) <= 200 and "somewhere in" not in ev.summary


async def test_text_without_events_is_reported_and_not_stored(domain: Services) -> None:
    report = await _service(domain).ingest(
        "The weather in Kabul was mild. Markets were busy.", published=PUBLISHED
    )
    assert report.article_id is None and report.events == []
    assert "No events found" in report.message
    assert len(report.skipped) == 2
    assert await _counts(domain) == (0, 0, 0)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"  \n\t ", "empty"),
        (b"x" * (MAX_ARTICLE_BYTES + 1), "too long"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (bytes(range(1, 32)) * 20, "binary"),
        ("Taliban seized Islam Qala in Herat province, café.".encode("latin-1"), "not UTF-8"),
    ],
)
def test_decode_article_refuses_bad_bytes(data: bytes, message: str) -> None:
    with pytest.raises(IngestError, match=message):
        decode_article(data)


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (b"\xef\xbb\xbfHello Herat.", "Hello Herat."),
        ("Mazar-e-Sharif — café\r\n".encode(), "Mazar-e-Sharif — café\r\n"),
    ],
)
def test_decode_article_accepts_utf8(data: bytes, text: str) -> None:
    assert decode_article(data) == text
