"""Nothing in the application's memory grows with the number of chats and users it meets: PTB's
persistence notes stay empty (Sitrep keeps its state in the database), and so do PTB's chat and
user data (no handler uses them), and so do caches keyed by what users write. The question
limiters have their own bound (test_question_limiters.py)."""

from __future__ import annotations

import pytest

from bot.domain.places import gazetteer as gazetteer_module
from bot.store import atlas as atlas_module
from bot.store.atlas import SqliteAtlas
from tests.support.harness import Harness


async def test_many_users_and_chats_leave_nothing_behind_in_memory(bot: Harness) -> None:
    for n in range(40):
        await bot.send("/start", user_id=50_000 + n)
        await bot.send("hello", user_id=60_000 + n, chat_id=-100_777_000 - n, chat_type="group")
    app = bot.app
    assert len(bot.api.sent(50_039)) == 1  # handled
    assert app._chat_ids_to_be_updated_in_persistence == set()
    assert app._user_ids_to_be_updated_in_persistence == set()
    assert not app.chat_data and not app.user_data


async def test_typo_lookups_by_first_letter_stay_bounded(
    bot: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Place lookups remember typo candidates by the first letter of what users write; users write
    in every script, so those memories are bounded."""
    monkeypatch.setattr(gazetteer_module, "MAX_TYPO_BUCKETS", 8)
    monkeypatch.setattr(atlas_module, "MAX_TYPO_BUCKETS", 8)
    gazetteer = bot.services.gazetteer
    for n in range(60):  # Cyrillic, Greek, Armenian, Georgian... letters
        gazetteer.resolve(chr(0x0400 + 7 * n) + "abcdef")
    assert gazetteer._typos is not None
    remembered = [k for k in gazetteer._typos if not k.startswith("+")]  # "+": overlay places
    assert 1 <= len(remembered) <= 9
    atlas = gazetteer.atlas
    assert isinstance(atlas, SqliteAtlas) and 1 <= len(atlas._typos) <= 9
