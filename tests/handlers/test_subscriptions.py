"""Subscribing and the settings keyboards through the real app; tampered buttons change nothing."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.harness import GROUP_ID, USER_ID, Harness


def _button(message: dict[str, Any], starts: str) -> str:
    for row in message["reply_markup"]["inline_keyboard"]:
        for b in row:
            if b["text"].startswith(starts):
                return str(b["callback_data"])
    raise AssertionError(f"no button starting {starts!r}")


async def _subscribed(bot: Harness, text: str = "/subscribe Herat") -> dict[str, Any]:
    [reply] = await bot.send(text)
    return reply


async def test_subscribe_with_places_and_defaults(bot: Harness) -> None:
    reply = await _subscribed(bot, "/subscribe Herat, Kunduz")
    assert "Subscribed" in reply["text"] and "Places: Herat, Kunduz" in reply["text"]
    sub = await bot.services.subscriptions.get(USER_ID)
    assert sub.places == ("herat", "kunduz") and sub.delivery_minute == 7 * 60
    assert sub.next_due_at is not None and sub.next_due_at > bot.clock.now()


async def test_the_zones_offered_are_those_of_the_readers_places(bot: Harness) -> None:
    settings = await _subscribed(bot, "/subscribe El Fasher, Kharkiv")
    [zones] = await bot.press(settings, "s:tz")
    khartoum = _button(zones, "Africa/Khartoum")
    assert _button(zones, "Europe/Kyiv") and _button(zones, "UTC")
    [done] = await bot.press(zones, khartoum)
    assert (await bot.services.subscriptions.get(USER_ID)).timezone == "Africa/Khartoum"
    await bot.press(done, "s:z:Africa.Narnia", check=False)  # tampered: not a zone
    assert (await bot.services.subscriptions.get(USER_ID)).timezone == "Africa/Khartoum"


async def test_unknown_place_changes_nothing(bot: Harness) -> None:
    [reply] = await bot.send("/subscribe Narnia")
    assert "I don't know “Narnia”" in reply["text"] and "Nothing was changed" in reply["text"]
    assert await bot.services.subscriptions.get(USER_ID) is None


async def test_time_zone_types_and_toggles_through_keyboards(bot: Harness) -> None:
    settings = await _subscribed(bot)
    [hours] = await bot.press(settings, "s:time")
    [minutes] = await bot.press(hours, "s:h:9")
    [done] = await bot.press(minutes, "s:t:570")
    assert "Delivery: <b>09:30</b>" in bot.api.calls_to("editMessageText")[-1].params["text"]
    [zones] = await bot.press(done, "s:tz")
    kabul = _button(zones, "Asia/Kabul")
    [done] = await bot.press(zones, kabul)
    [types] = await bot.press(done, "s:ty")
    [types] = await bot.press(types, "s:tt:0")
    [done] = await bot.press(types, "s:menu")
    [done] = await bot.press(done, "s:en")
    [done] = await bot.press(done, "s:q")
    [done] = await bot.press(done, "s:qs:1")
    sub = await bot.services.subscriptions.get(USER_ID)
    assert (sub.delivery_minute, sub.timezone) == (570, "Asia/Kabul")
    assert sub.event_types == ("Battles",) and sub.empty_note is False
    assert (sub.quiet_start, sub.quiet_end) == (22 * 60, 7 * 60)
    local = sub.next_due_at.astimezone(sub.zone)
    assert (local.hour, local.minute) == (9, 30)


@pytest.mark.parametrize(
    "data",
    [
        "s:t:571",  # not a 30-minute step
        "s:t:1440",
        "s:h:24",
        "s:z:99",
        "s:tt:6",
        "s:qs:9",
        "s:pr:kabul",  # a place the chat does not follow
        "s:nope",
        "s:t:-30",
        "s:t:30:extra",
        "x" * 64,
        "s:t:" + "9" * 30,
    ],
)
async def test_tampered_callback_data_is_refused_and_changes_nothing(
    bot: Harness, data: str
) -> None:
    settings = await _subscribed(bot)
    before = await bot.services.subscriptions.get(USER_ID)
    edits_before = len(bot.api.calls_to("editMessageText"))
    await bot.press(settings, data, check=False)
    assert await bot.services.subscriptions.get(USER_ID) == before
    assert len(bot.api.calls_to("editMessageText")) == edits_before
    assert "not valid" in bot.answers()[-1]


async def test_remove_place_pause_resume_unsubscribe(bot: Harness) -> None:
    settings = await _subscribed(bot, "/subscribe Herat, Kunduz")
    [places] = await bot.press(settings, "s:pl")
    [done] = await bot.press(places, "s:pr:herat")
    [paused] = await bot.press(done, "s:ps")
    sub = await bot.services.subscriptions.get(USER_ID)
    assert sub.places == ("kunduz",) and sub.status == "paused" and sub.next_due_at is None
    await bot.send("/resume")
    assert (await bot.services.subscriptions.get(USER_ID)).status == "active"
    [bye] = await bot.send("/unsubscribe")
    assert "Unsubscribed" in bye["text"]
    assert await bot.services.subscriptions.get(USER_ID) is None
    assert paused["chat"]["id"] == USER_ID


async def test_deep_link_subscribes_with_place(bot: Harness) -> None:
    [reply] = await bot.send("/start sub_islam-qala")
    assert "Subscribed" in reply["text"] and "Islam Qala" in reply["text"]
    [bad] = await bot.send("/start sub_atlantis")
    assert "don't know" in bad["text"]


async def test_group_only_admins_change_settings(bot: Harness) -> None:
    bot.api.add_chat(GROUP_ID, "supergroup", title="Field team")
    bot.api.set_member_status(GROUP_ID, 5001, "administrator")
    bot.api.set_member_status(GROUP_ID, 5002, "member")
    cmd = f"/subscribe@{bot.api.bot_username} Herat"
    [refused] = await bot.send(cmd, user_id=5002, chat_id=GROUP_ID)
    assert "Only this chat's admins" in refused["text"]
    assert await bot.services.subscriptions.get(GROUP_ID) is None
    [ok] = await bot.send(cmd, user_id=5001, chat_id=GROUP_ID)
    assert "Subscribed" in ok["text"]
    before = await bot.services.subscriptions.get(GROUP_ID)
    await bot.press(ok, "s:en", user_id=5002)
    assert await bot.services.subscriptions.get(GROUP_ID) == before
    assert "admins" in bot.answers()[-1]


async def test_forum_topic_is_remembered(bot: Harness) -> None:
    bot.api.add_chat(GROUP_ID, "supergroup", title="Desk", is_forum=True)
    bot.api.add_thread(GROUP_ID, 77)
    bot.api.set_member_status(GROUP_ID, 5001, "creator")
    [reply] = await bot.send(
        f"/subscribe@{bot.api.bot_username}", user_id=5001, chat_id=GROUP_ID, message_thread_id=77
    )
    assert reply.get("message_thread_id") == 77
    assert (await bot.services.subscriptions.get(GROUP_ID)).thread_id == 77


async def test_timezone_command(bot: Harness) -> None:
    await _subscribed(bot)
    [bad] = await bot.send("/timezone Mars/Olympus")
    assert "not a time zone" in bad["text"]
    [ok] = await bot.send("/timezone Asia/Kathmandu")
    assert "Asia/Kathmandu" in ok["text"]
    assert (await bot.services.subscriptions.get(USER_ID)).timezone == "Asia/Kathmandu"


async def test_subscribe_button_under_an_answer(bot: Harness) -> None:
    [answer] = await bot.send("what happened at Islam Qala?")
    data = answer["reply_markup"]["inline_keyboard"][-1][0]["callback_data"]
    assert data == "sub:islam-qala"
    await bot.press(answer, data)
    assert (await bot.services.subscriptions.get(USER_ID)).places == ("islam-qala",)
    await bot.press(answer, "sub:atlantis", check=False)
    assert (await bot.services.subscriptions.get(USER_ID)).places == ("islam-qala",)
