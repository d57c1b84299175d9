"""/sources, channel posts, /review and the review digest through the real application and the
in-process Bot API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.domain.clock import FixedClock
from bot.domain.events.model import EventStatus
from bot.domain.sources.commands import new_source
from bot.telegram.callbacks.sources import QueueAction, QueuePress
from bot.telegram.handlers.sources import start_jobs
from tests.support.feedserver import ADRE, ADRE_SHELLING, KIDAL, FeedServer, Route, rss
from tests.support.harness import ADMIN_ID, USER_ID, Harness, running_bot
from tests.support.harness import test_settings as settings_for
from tests.support.texts import REFUSAL

NOW = datetime(2024, 3, 9, 12, 0, tzinfo=UTC)
CHANNEL = -1001777000111


@pytest.fixture
async def desk(sqlite_db_url: str) -> AsyncIterator[Harness]:
    settings = settings_for(sqlite_db_url, sources_allow_private=True)
    async with running_bot(sqlite_db_url, clock=FixedClock(NOW), settings=settings) as harness:
        yield harness


def _buttons(message: dict[str, Any]) -> list[str]:
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return [b["callback_data"] for row in rows for b in row]


async def test_sources_commands_for_admins_only(desk: Harness) -> None:
    refused = await desk.send("/sources add https://example.org/feed.xml")
    assert [m["text"] for m in refused] == [REFUSAL]
    assert await desk.services.sources.repo.all() == []
    added = await desk.send(
        "/sources add https://example.org/feed.xml every 30m publish name Desk <Wire>",
        user_id=ADMIN_ID,
    )
    assert "Added source #1 Desk <Wire> (publish, every 30 min)" in added[0]["text"]
    again = await desk.send("/sources add https://example.org/feed.xml", user_id=ADMIN_ID)
    assert "already a source" in again[0]["text"]
    for bad in ("/sources add ftp://example.org/x", "/sources add https://e.org every 5x"):
        reply = await desk.send(bad, user_id=ADMIN_ID)
        assert "Nothing was changed." in reply[0]["text"], bad
    listed = await desk.send("/sources", user_id=ADMIN_ID)
    assert "#1 Desk <Wire> — publish, every 30 min" in listed[0]["text"]
    assert "not polled yet" in listed[0]["text"]
    paused = await desk.send("/sources pause 1", user_id=ADMIN_ID)
    assert paused[0]["text"] == "Source #1 paused."
    assert (await desk.services.sources.repo.all())[0].paused
    gone = await desk.send("/sources remove 7", user_id=ADMIN_ID)
    assert gone[0]["text"] == "There is no source #7."
    usage = await desk.send("/sources remove x", user_id=ADMIN_ID)
    assert usage[0]["text"].startswith("Use:")
    assert len(await desk.services.sources.repo.all()) == 1
    removed = await desk.send("/sources remove 1", user_id=ADMIN_ID)
    assert "removed" in removed[0]["text"]
    assert await desk.services.sources.repo.all() == []
    for n in range(15):  # a long list fits one message; failing sources first
        name = "Ünïcode wire " * 5 + str(n)
        await desk.services.sources.add(new_source(f"https://f{n}.example.org/rss", name=name))
    listed = await desk.send("/sources", user_id=ADMIN_ID)
    assert len(listed) == 1 and len(listed[0]["text"]) < 4096
    assert listed[0]["text"].endswith("… and 3 more (sitrep sources list)")


async def test_channel_posts_become_events_with_the_post_link(desk: Harness) -> None:
    await desk.services.sources.add(
        new_source(f"tg:{CHANNEL}", name="Desk channel", trust="publish")
    )

    def post(message_id: int, text: str) -> dict[str, Any]:
        chat = {"id": CHANNEL, "type": "channel", "title": "Desk", "username": "desk_wire"}
        body = {"message_id": message_id, "chat": chat, "date": int(NOW.timestamp()), "text": text}
        return {"update_id": 900_000 + message_id, "channel_post": body}

    await desk.process(post(41, KIDAL.text))
    await desk.process(post(41, KIDAL.text))  # Telegram sent it twice: kept once
    other = {"update_id": 900_100, "channel_post": {**post(42, ADRE.text)["channel_post"]}}
    other["channel_post"]["chat"] = {"id": -100999, "type": "channel", "title": "Not a source"}
    await desk.process(other)
    events = await desk.services.events.list_events(limit=10)
    assert len(events) == 1 and "Kidal" in events[0].summary
    assert [(s.outlet, s.url) for s in events[0].sources] == [
        ("Desk channel", "https://t.me/desk_wire/41")
    ]
    source = (await desk.services.sources.repo.all())[0]
    assert source.items_seen == 1
    # a group can be a source too: its members' messages are its items
    group = -1005550001
    await desk.services.sources.add(new_source(f"tg:{group}", name="Field group"))
    replies = await desk.send(ADRE.text, chat_id=group, user_id=USER_ID)
    assert replies == []  # nothing said in the group
    await desk.send(ADRE.text, chat_id=-1009990002, user_id=USER_ID)  # not a source: ignored
    [draft] = await desk.services.events.list_events(statuses=(EventStatus.DRAFT,))
    assert "Adré" in draft.summary
    [link] = [s.url for s in draft.sources]
    assert link.startswith("https://t.me/c/5550001/") and link.rsplit("/", 1)[1].isdigit()


async def test_review_walks_the_drafts(desk: Harness, feed_server: FeedServer) -> None:
    sources = desk.services.sources
    url_a = feed_server.add("/a", Route(body=rss([ADRE])))
    url_b = feed_server.add("/b", Route(body=rss([KIDAL])))
    url_c = feed_server.add("/c", Route(body=rss([ADRE_SHELLING])))
    await sources.add(new_source(url_a, name="Trusted", trust="publish"))
    await sources.add(new_source(url_b, name="Newcomer"))
    await sources.poll_due()
    await sources.extract_all()
    [kidal] = await desk.services.events.list_events(statuses=(EventStatus.DRAFT,))
    [adre] = await desk.services.events.list_events()
    k = kidal.id
    assert (await desk.send("/review"))[0]["text"] == REFUSAL
    card = (await desk.send("/review", user_id=ADMIN_ID))[0]
    assert f"Draft #{k} (1 waiting)" in card["text"] and "Kidal" in card["text"]
    assert "Source: Newcomer" in card["text"]
    assert _buttons(card) == [f"rv:pub:{k}", f"rv:edt:{k}", f"rv:del:{k}", f"rv:mrg:{k}"]
    assert (await desk.press(card, f"rv:pub:{k}", user_id=USER_ID)) == []  # not an admin
    assert (await desk.services.events.get(k)).status is EventStatus.DRAFT  # type: ignore[union-attr]
    after = await desk.press(card, f"rv:pub:{k}", user_id=ADMIN_ID)
    published = await desk.services.events.get(k)
    assert published is not None and published.status is EventStatus.PUBLISHED
    assert after[-1]["text"] == "Nothing waits for review."
    assert f"Published #{k}" in desk.answers()
    await desk.press(card, f"rv:pub:{k}", user_id=ADMIN_ID)
    assert desk.answers()[-1] == "That draft is no longer waiting."
    # a draft the desk judges to be the same happening: merged by hand into the published one
    await sources.add(new_source(url_c, name="Rewrite"))
    await sources.poll_due()
    await sources.extract_all()
    drafts = await desk.services.events.list_events(statuses=(EventStatus.DRAFT,))
    assert len(drafts) == 1, [e.summary for e in drafts]
    draft = drafts[0]
    card = (await desk.send("/review", user_id=ADMIN_ID))[0]
    choices = await desk.press(
        card, QueuePress(QueueAction.MERGE, draft.id).encode(), user_id=ADMIN_ID
    )
    into = f"rv:into:{draft.id}:{adre.id}"
    assert _buttons(choices[-1]) == [into]  # the published event at Adré, not Kidal's
    await desk.press(choices[-1], into, user_id=ADMIN_ID)
    assert await desk.services.events.get(draft.id) is None
    merged = await desk.services.events.get(adre.id)
    assert merged is not None and "Rewrite" in [s.outlet for s in merged.sources]


async def test_digest_once_per_interval_and_admin(desk: Harness, feed_server: FeedServer) -> None:
    sources = desk.services.sources
    await sources.add(new_source(feed_server.add("/a", Route(body=rss([ADRE, KIDAL]))), name="A"))
    await sources.poll_due()
    await sources.extract_all()
    review = desk.services.review
    assert await review.digest_tick() == 0  # the interval is not over yet
    assert isinstance(desk.clock, FixedClock)
    desk.clock.advance(timedelta(hours=1))
    assert await review.digest_tick() == 1
    assert await review.digest_tick() == 0  # another tick, or another instance: queued once
    rows = await desk.services.outbox.claim("test", 10)
    assert [(r.chat_id, r.text) for r in rows] == [
        (ADMIN_ID, "2 new drafts from 1 source wait for review — /review")
    ]


async def test_sitrep_run_polls_through_the_scheduler(
    desk: Harness, feed_server: FeedServer
) -> None:
    """The jobs `sitrep run` starts: the sources tick polls and extracts, the digest follows."""
    url = feed_server.add("/wire", Route(body=rss([KIDAL]), etag='"w1"'))
    source = await desk.services.sources.add(new_source(url, name="Wire"))
    start_jobs(desk.app)
    queue = desk.app.job_queue
    assert queue is not None
    jobs = {job.name: job for job in queue.jobs()}
    assert set(jobs) >= {"sources", "review-digest"}
    try:
        await jobs["sources"].run(desk.app)
        stored = await desk.services.sources.repo.get(source.id)
        assert stored is not None and stored.items_seen == 1 and stored.healthy
        assert await desk.services.sources.repo.pending_count() == 0
        drafts = await desk.services.events.list_events(statuses=(EventStatus.DRAFT,))
        assert len(drafts) == 1 and "Kidal" in drafts[0].summary
        assert isinstance(desk.clock, FixedClock)
        desk.clock.advance(timedelta(hours=1))
        await jobs["review-digest"].run(desk.app)
        rows = await desk.services.outbox.claim("test", 10)
        assert [r.text for r in rows] == ["1 new draft from 1 source waits for review — /review"]
    finally:
        for job in jobs.values():
            job.schedule_removal()
