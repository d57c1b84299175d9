"""The weekly edition as a subscription option: chosen on the settings keyboard, scheduled on its
weekday at the reader's time, covering the week, enqueued once."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from bot.domain.editions.schedule import local_instant
from tests.support.delivery import (
    KABUL,
    add_event,
    domain_at,
    outbox_rows,
    run_ticks,
    subscribe,
    utc,
)
from tests.support.harness import USER_ID, Harness


def _button(message: dict[str, Any], starts: str) -> str:
    for row in message["reply_markup"]["inline_keyboard"]:
        for b in row:
            if b["text"].startswith(starts):
                return str(b["callback_data"])
    raise AssertionError(f"no button starting {starts!r}")


async def test_weekly_day_is_chosen_on_the_settings_keyboard(bot: Harness) -> None:
    [settings] = await bot.send("/subscribe Herat")
    [days] = await bot.press(settings, _button(settings, "🗓 Edition: daily"))
    [done] = await bot.press(days, _button(days, "Fri"))
    sub = await bot.services.subscriptions.get(USER_ID)
    assert sub is not None and sub.weekly_day == 4 and sub.next_due_at is not None
    local = sub.next_due_at.astimezone(sub.zone)
    assert (local.weekday(), local.hour, local.minute) == (4, 7, 0)
    assert "Edition: weekly, Fridays" in str(done["reply_markup"])
    await bot.press(done, "s:ws:8", check=False)  # tampered: no such day
    [days] = await bot.press(done, "s:wk")
    await bot.press(days, _button(days, "Daily"))
    sub = await bot.services.subscriptions.get(USER_ID)
    assert sub is not None and sub.weekly_day is None


async def test_weekly_subscriber_gets_one_edition_of_the_week(sqlite_db_url: str) -> None:
    # Friday 9 Jul 2021 07:00 Kabul is the first weekly delivery after Sat 3 Jul
    async with domain_at(sqlite_db_url, utc(2021, 7, 3, 0, 0)) as (domain, clock):
        await subscribe(domain, 501, tz="Asia/Kabul")
        await subscribe(domain, 502, tz="Asia/Kabul")
        await domain.subscriptions.change(502, weekly_day=4)
        for n, day in enumerate((3, 5, 7, 8)):
            await add_event(domain, f"Clashes number {n} were reported near Herat city.",
                            day=date(2021, 7, day), place="herat",
                            at=utc(2021, 7, day, 10, 0))  # fmt: skip
        dues = [local_instant(date(2021, 7, d), 7 * 60, KABUL) for d in range(4, 11)]
        ticks = await run_ticks(domain, clock, dues)
        rows = await outbox_rows(domain)
    weekly = [r for r in rows if r.chat_id == 502]
    # the text, then its chart and map (sent as photos)
    assert [r.dedupe_key.split(":")[0] for r in weekly] == ["weekly"] * 3
    assert [r.part_no for r in weekly] == [0, 1000, 1001]
    assert {r.not_before for r in weekly} == {dues[5]}  # Friday 9 Jul, 07:00 in Kabul
    assert "Sitrep weekly briefing" in weekly[0].text
    for n in range(3):  # the week's events reported before Friday morning
        assert f"Clashes number {n}" in weekly[0].text
    assert "Events by area and type" in weekly[0].text
    daily = [r for r in rows if r.chat_id == 501]
    assert len(daily) == len(dues) and all(r.dedupe_key.startswith("daily:") for r in daily)
    assert sum(len(new) for _, new in ticks) == len(rows)
    assert dues[5] - dues[0] == timedelta(days=5)
