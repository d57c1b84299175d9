"""/ingest through the real app: pasted text, a .txt file, a forward; review buttons; refusals."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.store.models.events import ArticleRow, EventRow
from tests.support.harness import ADMIN_ID, USER_ID, Harness

SEED = (Path(__file__).parent.parent / "fixtures" / "afghanistan-border-2021-07.txt").read_text()


async def _counts(bot: Harness) -> tuple[int, int]:
    async with bot.services.sessions() as s:
        events = await s.scalar(select(func.count(EventRow.id)))
        articles = await s.scalar(select(func.count(ArticleRow.id)))
    return int(events or 0), int(articles or 0)


async def _statuses(bot: Harness) -> list[str]:
    async with bot.services.sessions() as s:
        return list((await s.scalars(select(EventRow.status).order_by(EventRow.id))).all())


async def test_paste_review_and_publish_all(bot: Harness) -> None:
    [review] = await bot.send(f"/ingest 2021-07-09 AP\n{SEED}", user_id=ADMIN_ID)
    assert "Ingested" in review["text"] and "drafts" in review["text"]
    assert "8 Jul 2021" in review["text"] and "Islam Qala" in review["text"]
    assert "Getty" not in review["text"]
    statuses = await _statuses(bot)
    assert len(statuses) >= 8 and set(statuses) == {"draft"}
    # Drafts are invisible to readers until published.
    [answer] = await bot.send("what happened at Islam Qala?", user_id=USER_ID)
    assert "holds no events" in answer["text"]
    await bot.press(review, f"ing:pub:{_article_id(review)}", user_id=ADMIN_ID)
    assert set(await _statuses(bot)) == {"published"}
    [answer] = await bot.send("what happened at Islam Qala?", user_id=USER_ID)
    assert "seized" in answer["text"]


async def test_event_card_shows_the_articles_passages(bot: Harness) -> None:
    await bot.send(f"/ingest 2021-07-09 AP\n{SEED}", user_id=ADMIN_ID)
    [card] = await bot.send("/event 1", user_id=ADMIN_ID)
    assert "From the article:" in card["text"] and "fled into Iran" in card["text"]
    assert any(e["type"] == "blockquote" for e in card["entities"])
    assert "Actor 1:" in card["text"] and "Taliban" in card["text"]
    assert "Getty" not in card["text"]


def _article_id(message: dict[str, Any]) -> int:
    data = message["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    return int(data.split(":")[2])


async def test_discard_one_then_all(bot: Harness) -> None:
    [review] = await bot.send(f"/ingest 2021-07-09 AP\n{SEED}", user_id=ADMIN_ID)
    article = _article_id(review)
    total = len(await _statuses(bot))
    one = review["reply_markup"]["inline_keyboard"][1][0]["callback_data"]
    await bot.press(review, one, user_id=ADMIN_ID)
    assert len(await _statuses(bot)) == total - 1
    await bot.press(review, f"ing:del:{article}", user_id=ADMIN_ID, check=False)
    assert await _statuses(bot) == []


async def test_same_article_twice_changes_nothing(bot: Harness) -> None:
    await bot.send(f"/ingest 2021-07-09 AP\n{SEED}", user_id=ADMIN_ID)
    before = await _counts(bot)
    [again] = await bot.send(f"/ingest 2021-07-09 AP\n{SEED}", user_id=ADMIN_ID)
    assert "already ingested" in again["text"]
    assert await _counts(bot) == before


async def test_txt_file_and_forward(bot: Harness) -> None:
    await bot.send("/ingest 2021-07-09 AP", user_id=ADMIN_ID)
    [review] = await bot.send(
        "",
        user_id=ADMIN_ID,
        document={"file_name": "article.txt", "mime_type": "text/plain", "content": SEED.encode()},
    )
    assert "Ingested" in review["text"]
    events, articles = await _counts(bot)
    assert events >= 8 and articles == 1
    await bot.send("/ingest", user_id=ADMIN_ID)
    origin = {
        "type": "channel",
        "chat": {"id": -1009, "type": "channel", "title": "Kabul Now"},
        "message_id": 5,
        "date": 1625900000,  # 10 Jul 2021
    }
    [fwd] = await bot.send(
        "Taliban fighters captured the Spin Boldak crossing in Kandahar on Wednesday.",
        user_id=ADMIN_ID,
        forward_origin=origin,
    )
    assert "Kabul Now" in fwd["text"] and "Spin Boldak" in fwd["text"]


@pytest.mark.parametrize(
    ("document", "expect"),
    [
        (
            {"file_name": "x.txt", "mime_type": "text/plain", "content": b"\x00\x01\x02" * 50},
            "binary",
        ),
        (
            {
                "file_name": "x.txt",
                "mime_type": "text/plain",
                "content": "Kâbul é".encode("latin-1") * 20,
            },
            "UTF-8",
        ),
        ({"file_name": "x.txt", "mime_type": "text/plain", "content": b"   "}, "empty"),
        ({"file_name": "photo.jpg", "mime_type": "image/jpeg", "content": b"\xff\xd8"}, ".txt"),
    ],
)
async def test_bad_files_store_nothing(bot: Harness, document: dict[str, Any], expect: str) -> None:
    await bot.send("/ingest 2021-07-09", user_id=ADMIN_ID)
    [reply] = await bot.send("", user_id=ADMIN_ID, document=document)
    assert expect.lower() in reply["text"].lower()
    assert await _counts(bot) == (0, 0)


async def test_bad_header_and_non_admin(bot: Harness) -> None:
    [bad] = await bot.send("/ingest 2031-01-01 AP", user_id=ADMIN_ID)
    assert "future" in bad["text"]
    [refused] = await bot.send(f"/ingest 2021-07-09 AP\n{SEED}", user_id=USER_ID)
    assert refused["text"] == "Sorry, that command is for Sitrep admins only."
    assert await _counts(bot) == (0, 0)


async def test_review_buttons_refuse_non_admins_and_tampering(bot: Harness) -> None:
    [review] = await bot.send(f"/ingest 2021-07-09 AP\n{SEED}", user_id=ADMIN_ID)
    article = _article_id(review)
    await bot.press(review, f"ing:pub:{article}", user_id=USER_ID)
    assert set(await _statuses(bot)) == {"draft"}
    await bot.press(review, f"ing:pub:{article + 99}", user_id=ADMIN_ID, check=False)
    await bot.press(review, "ing:one:1:999999", user_id=ADMIN_ID, check=False)
    assert set(await _statuses(bot)) == {"draft"}
