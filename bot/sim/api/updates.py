"""Factory for realistic Telegram Update dicts (messages, button presses, membership changes)."""

from __future__ import annotations

import itertools
import re
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bot.sim.api.html import utf16_len

if TYPE_CHECKING:
    from bot.sim.api.server import LocalBotApi

__all__ = ["UpdateFactory", "text_entities"]

_COMMAND_RE = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![^\s.,!?;:])")
_MENTION_RE = re.compile(r"(?<![\w@])@[A-Za-z0-9_]{5,32}\b")


def text_entities(text: str) -> list[dict[str, Any]]:
    """The entities Telegram adds to a user's text: bot_command and mention (UTF-16 offsets)."""
    entities: list[dict[str, Any]] = []
    for kind, pattern in (("bot_command", _COMMAND_RE), ("mention", _MENTION_RE)):
        for match in pattern.finditer(text):
            entities.append(
                {
                    "type": kind,
                    "offset": utf16_len(text[: match.start()]),
                    "length": utf16_len(match.group()),
                }
            )
    entities.sort(key=lambda e: e["offset"])
    return entities


class UpdateFactory:
    """Builds Update dicts with increasing update_id/message_id and realistic from/chat/date.

    Pass ``api`` so message ids are shared with the bot's messages and the LocalBotApi knows
    the incoming messages (replies to them, button presses on them) without a getUpdates round.
    """

    def __init__(
        self,
        *,
        bot_username: str = "sitrep_local_bot",
        bot_id: int = 7000000001,
        api: LocalBotApi | None = None,
        clock: Callable[[], float] = time.time,
        default_user_id: int = 1001,
    ) -> None:
        self.bot_username = bot_username
        self.bot_id = bot_id
        self.api = api
        self.clock = clock
        self.default_user_id = default_user_id
        self._update_ids = itertools.count(1)
        self._message_ids: dict[int, int] = {}
        self._callback_ids = itertools.count(1)

    # ------------------------------------------------------------------ helpers
    def _next_message_id(self, chat_id: int) -> int:
        if self.api is not None:
            return self.api.next_message_id(chat_id)
        self._message_ids[chat_id] = self._message_ids.get(chat_id, 0) + 1
        return self._message_ids[chat_id]

    def _finish(self, update: dict[str, Any]) -> dict[str, Any]:
        if self.api is not None:
            self.api.observe_update(update)
        return update

    @staticmethod
    def user(
        user_id: int, *, first_name: str | None = None, username: str | None = None
    ) -> dict[str, Any]:
        """A Telegram User dict for a human."""
        user: dict[str, Any] = {
            "id": user_id,
            "is_bot": False,
            "first_name": first_name or f"User{user_id}",
            "language_code": "en",
        }
        if username:
            user["username"] = username
        return user

    @staticmethod
    def chat(
        chat_id: int,
        chat_type: str,
        *,
        user: dict[str, Any] | None = None,
        title: str | None = None,
        is_forum: bool = False,
    ) -> dict[str, Any]:
        """A Telegram Chat dict; private chats mirror the user's names."""
        chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
        if chat_type == "private" and user is not None:
            chat["first_name"] = user["first_name"]
            if "username" in user:
                chat["username"] = user["username"]
        else:
            chat["title"] = title or f"Group {chat_id}"
            if is_forum:
                chat["is_forum"] = True
        return chat

    # ------------------------------------------------------------------ updates
    def message(
        self,
        text: str = "",
        *,
        user_id: int | None = None,
        chat_id: int | None = None,
        chat_type: str = "private",
        first_name: str | None = None,
        username: str | None = None,
        chat_title: str | None = None,
        reply_to: dict[str, Any] | None = None,
        message_thread_id: int | None = None,
        forward_origin: dict[str, Any] | None = None,
        document: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """An Update with a message from a user; ``/cmd`` and ``@mention`` get their entities.

        ``document`` is a Document dict (at least file_name; file_id/size are filled in, or it
        may carry ``content: bytes`` which is stored in the linked LocalBotApi for getFile).
        With a document, ``text`` becomes the caption.
        """
        uid = self.default_user_id if user_id is None else user_id
        cid = uid if chat_id is None else chat_id
        if chat_id is not None and chat_id < 0 and chat_type == "private":
            chat_type = "supergroup" if str(chat_id).startswith("-100") else "group"
        user = self.user(uid, first_name=first_name, username=username)
        message: dict[str, Any] = {
            "message_id": self._next_message_id(cid),
            "from": user,
            "chat": self.chat(
                cid, chat_type, user=user, title=chat_title, is_forum=message_thread_id is not None
            ),
            "date": int(self.clock()),
        }
        if message_thread_id is not None:
            message["message_thread_id"] = message_thread_id
            message["is_topic_message"] = True
        if reply_to is not None:
            message["reply_to_message"] = {
                k: v for k, v in reply_to.items() if k != "reply_to_message"
            }
        if forward_origin is not None:
            message["forward_origin"] = forward_origin
        entities = text_entities(text) if text else []
        if document is not None:
            message["document"] = self._document(document)
            if text:
                message["caption"] = text
                if entities:
                    message["caption_entities"] = entities
        elif text:
            message["text"] = text
            if entities:
                message["entities"] = entities
        return self._finish({"update_id": next(self._update_ids), "message": message})

    def _document(self, document: dict[str, Any]) -> dict[str, Any]:
        doc = {k: v for k, v in document.items() if k != "content"}
        content = document.get("content")
        if self.api is not None and isinstance(content, bytes):
            stored = self.api.add_file(
                content,
                str(doc.get("file_name", "file.bin")),
                str(doc.get("mime_type", "application/octet-stream")),
            )
            return {**stored, **{k: v for k, v in doc.items() if k not in stored}}
        number = next(self._callback_ids)
        doc.setdefault("file_id", f"USERFILE{number:06d}")
        doc.setdefault("file_unique_id", f"UU{number:06d}")
        if isinstance(content, bytes):
            doc.setdefault("file_size", len(content))
        return doc

    def callback(
        self,
        data: str,
        *,
        message: dict[str, Any],
        user_id: int | None = None,
        first_name: str | None = None,
        username: str | None = None,
        check: bool = True,
    ) -> dict[str, Any]:
        """An Update for pressing the inline button with ``data`` on a message the bot sent.

        With ``check`` the button must exist on ``message`` (catches typos in tests).
        """
        if check:
            buttons = [
                b.get("callback_data")
                for row in (message.get("reply_markup") or {}).get("inline_keyboard", [])
                for b in row
            ]
            if data not in buttons:
                raise ValueError(f"message {message.get('message_id')} has no button {data!r}")
        chat_id = int(message["chat"]["id"])
        uid = (
            user_id
            if user_id is not None
            else (chat_id if message["chat"]["type"] == "private" else self.default_user_id)
        )
        query = {
            "id": f"{uid}{next(self._callback_ids):08d}",
            "from": self.user(uid, first_name=first_name, username=username),
            "message": message,
            "chat_instance": str(-abs(chat_id) * 7919 % 10**18),
            "data": data,
        }
        return self._finish({"update_id": next(self._update_ids), "callback_query": query})

    def my_chat_member(
        self,
        chat_id: int,
        *,
        new_status: str,
        old_status: str = "member",
        user_id: int | None = None,
        chat_type: str | None = None,
        chat_title: str | None = None,
    ) -> dict[str, Any]:
        """An Update telling the bot its own status changed (blocked = "kicked" in private)."""
        uid = self.default_user_id if user_id is None else user_id
        ctype = chat_type or ("private" if chat_id > 0 else "group")
        user = self.user(uid)
        bot_user = {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "Sitrep",
            "username": self.bot_username,
        }
        extra = {"until_date": 0} if new_status == "kicked" else {}
        old_extra = {"until_date": 0} if old_status == "kicked" else {}
        update = {
            "update_id": next(self._update_ids),
            "my_chat_member": {
                "chat": self.chat(chat_id, ctype, user=user, title=chat_title),
                "from": user,
                "date": int(self.clock()),
                "old_chat_member": {"status": old_status, "user": bot_user, **old_extra},
                "new_chat_member": {"status": new_status, "user": bot_user, **extra},
            },
        }
        return self._finish(update)
