"""Hypothesis strategy for hostile updates of the kinds no command handler takes (see hostile.py
for messages and button presses)."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from tests.support.hostile import MAX_MESSAGE_ID, Builder, group_ids, short_text, user_ids


@st.composite
def other_update(draw: st.DrawFn, builder: Builder, *, user: Any = None) -> dict[str, Any]:
    """An update of a kind no command handler takes: the bot added to or removed from a chat,
    a member change, a reaction, an inline query, a poll, a join request."""
    uid = draw(user if user is not None else user_ids)
    sender = builder.user(uid, draw(short_text))
    chat_id = draw(st.one_of(st.just(uid), group_ids))
    chat = builder.chat(chat_id, "private" if chat_id > 0 else "supergroup", draw(short_text))
    date = draw(st.sampled_from((1625891400, 0)))
    bot_user = {"id": 7000000001, "is_bot": True, "first_name": "Sitrep"}
    kind = draw(
        st.sampled_from(
            ("my_chat_member", "chat_member", "reaction", "inline", "poll", "join_request")
        )
    )
    if kind in ("my_chat_member", "chat_member"):
        who = bot_user if kind == "my_chat_member" else sender
        old, new = draw(
            st.lists(st.sampled_from(("member", "left", "kicked")), min_size=2, max_size=2)
        )

        def member(status: str) -> dict[str, Any]:
            extra = {"until_date": 0} if status == "kicked" else {}
            return {"user": who, "status": status, **extra}

        body = {"chat": chat, "from": sender, "date": date}
        body |= {"old_chat_member": member(old), "new_chat_member": member(new)}
        return builder.finish({kind: body})
    if kind == "reaction":
        emoji = draw(st.sampled_from(("👍", "🔥", "\ud800", "")))
        return builder.finish(
            {
                "message_reaction": {
                    "chat": chat,
                    "message_id": draw(st.integers(1, MAX_MESSAGE_ID)),
                    "date": date,
                    "user": sender,
                    "old_reaction": [],
                    "new_reaction": [{"type": "emoji", "emoji": emoji}],
                }
            }
        )
    if kind == "inline":
        query = draw(short_text)
        return builder.finish(
            {
                "inline_query": {
                    "id": str(builder.next_id()),
                    "from": sender,
                    "query": query,
                    "offset": "",
                }
            }
        )
    if kind == "poll":
        return builder.finish(
            {
                "poll": {
                    "id": str(builder.next_id()),
                    "question": draw(short_text) or "?",
                    "options": [
                        {"text": draw(short_text) or "a", "voter_count": 0, "persistent_id": "0"}
                    ],
                    "total_voter_count": 0,
                    "is_closed": False,
                    "is_anonymous": True,
                    "type": "regular",
                    "allows_multiple_answers": False,
                    "allows_revoting": False,
                    "members_only": False,
                }
            }
        )
    return builder.finish(
        {"chat_join_request": {"chat": chat, "from": sender, "user_chat_id": uid, "date": date}}
    )
