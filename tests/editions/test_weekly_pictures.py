"""A weekly edition carries its chart and map through the outbox: drawn once per audience, stored
once with the edition, sent by the sender as photos (sendPhoto) after the text to every chat."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from bot.domain.events.model import EventDraft, Severity, SourceInfo
from bot.domain.questions.timetypes import FuzzyDate
from bot.store.models.delivery import OutboxRow
from bot.store.models.edition_files import EditionFileRow
from tests.support.harness import Harness

PNG = b"\x89PNG\r\n\x1a\n"
CHATS = (7001, 7002, 7003)


async def test_weekly_pictures_go_through_the_outbox_once_per_audience(bot: Harness) -> None:
    services = bot.services
    now = bot.clock.now()  # Sat 10 Jul 2021, 04:30 UTC
    for chat in CHATS:
        await services.subscriptions.subscribe(chat, places=("herat",) if chat != 7003 else ())
        await services.subscriptions.change(chat, timezone="UTC", delivery_minute=7 * 60,
                                            weekly_day=now.weekday())  # fmt: skip
    for n, (days_ago, place) in enumerate([(1, "islam-qala"), (2, "shindand"), (3, "herat")]):
        day = (now - timedelta(days=days_ago)).date()
        await services.events.add(
            EventDraft(
                summary=f"Weekly picture event number {n}.",
                when=FuzzyDate.day(day),
                place_key=place,
                place_text=place,
                event_type="Battles" if n else "Protests",
                severity=Severity.NOTABLE,
                sources=(SourceInfo("Wire", published_on=day),),
            )
        )
    bot.clock.advance(timedelta(hours=2, minutes=31))  # 07:01, the weekly delivery is due
    report = await services.briefings.tick()
    assert report.due == 3 and report.editions_rendered == 2  # Herat, and all places
    await bot.sender.drain()
    photos = bot.api.calls_to("sendPhoto")
    texts = bot.api.calls_to("sendMessage")
    assert len(photos) == 2 * len(CHATS) and all(c.ok for c in photos)
    for chat in CHATS:
        mine = [c for c in photos if int(c.params["chat_id"]) == chat]
        [text] = [c for c in texts if int(c.params["chat_id"]) == chat]
        assert "Sitrep weekly briefing" in text.params["text"]
        assert text.at <= min(c.at for c in mine)  # the text first, then its pictures
        assert mine[0].params["caption"].startswith("📊 <b>")
        assert mine[1].params["caption"].startswith("🗺 <b>")
    assert all(f.content.startswith(PNG) for f in bot.api.files.values())
    async with services.sessions() as session:
        stored = await session.scalar(select(func.count()).select_from(EditionFileRow))
        kinds = (await session.scalars(select(OutboxRow.kind))).all()
    assert stored == 2 * 2  # two pictures for each of the two audiences, not per chat
    assert sorted(kinds).count("photo") == 2 * len(CHATS)
    # the edition's text carries "Download as PDF": pressed, the chat gets it as a PDF
    text = next(c for c in texts if int(c.params["chat_id"]) == CHATS[0])
    [[button]] = text.params["reply_markup"]["inline_keyboard"]
    assert button["text"] == "📄 Download as PDF"
    assert all("reply_markup" not in c.params for c in photos)
    await bot.press(text.result, button["callback_data"])
    [document] = bot.api.calls_to("sendDocument")
    assert int(document.params["chat_id"]) == CHATS[0] and document.ok
    pdf = bot.api.files[document.result["document"]["file_id"]].content
    assert pdf.startswith(b"%PDF-") and pdf.count(b"/Subtype /Image") == 2
    # an edition this chat was never sent: refused, nothing sent
    await bot.press(text.result, "pdf:999999", check=False)
    assert len(bot.api.calls_to("sendDocument")) == 1
