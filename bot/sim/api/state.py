"""What the fake Bot API holds: chats, users, pending updates, what was sent, and the call log."""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from bot.sim.api.chatmodel import ChatState, infer_type
from bot.sim.api.errors import BLOCKED_DESCRIPTIONS, ApiError, bad
from bot.sim.api.records import ApiCall, UploadedFile, clone

logger = logging.getLogger("bot.sim.api.server")


class ApiState:
    """The fake API's state, the test-facing ways to set it up and read it, and shared helpers."""

    def __init__(
        self,
        *,
        bot_id: int = 7000000001,
        bot_username: str = "sitrep_local_bot",
        bot_first_name: str = "Sitrep",
        global_rate: float | None = 30.0,
        per_chat_interval: float | None = 1.0,
        group_per_minute: int | None = 20,
        latency: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        auto_create_chats: bool = True,
        strict_html: bool = True,
        strict_replies: bool = False,
        keep_history: bool = True,
    ) -> None:
        self.bot_id = bot_id
        self.bot_username = bot_username
        self.bot_user: dict[str, Any] = {
            "id": bot_id,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
        }
        self.global_rate = global_rate
        self.per_chat_interval = per_chat_interval
        self.group_per_minute = group_per_minute
        self.latency = latency
        self.clock = clock
        self.wall_clock = wall_clock
        self.auto_create_chats = auto_create_chats
        self.strict_html = strict_html
        self.strict_replies = strict_replies
        # False: a sink for load tests. Limits and the call log (without results) are kept, but
        # not what was sent (messages, events, `sent()`), so the fake's own bookkeeping does not
        # compete with the sender it measures (copies, and objects the collector must walk).
        self.keep_history = keep_history
        self.calls: list[ApiCall] = []
        self.unexpected: list[ApiCall] = []
        self.events: list[tuple[str, dict[str, Any]]] = []
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.webhook_url = ""
        self.files: dict[str, UploadedFile] = {}
        self._chats: dict[int, ChatState] = {}
        self._users: dict[int, dict[str, Any]] = {}
        self._sent: list[dict[str, Any]] = []
        self._updates: list[dict[str, Any]] = []
        self._last_update_id = 0
        self._global_window: deque[float] = deque()
        self._callback_ids: set[str] = set()
        self._listeners: list[Callable[[str, dict[str, Any]], None]] = []
        self._file_counter = 0

    # ------------------------------------------------------------------ chats and users
    def add_chat(
        self,
        chat_id: int,
        type: str = "private",
        *,
        title: str | None = None,
        username: str | None = None,
        first_name: str | None = None,
        is_forum: bool = False,
    ) -> dict[str, Any]:
        """Create (or update) a chat and return its Telegram Chat dict."""
        chat = self._chats.get(chat_id)
        if chat is None:
            chat = self._chats[chat_id] = ChatState(id=chat_id, type=type)
        chat.type = type
        chat.title = title or chat.title
        chat.username = username or chat.username
        chat.first_name = first_name or chat.first_name
        chat.is_forum = is_forum or chat.is_forum
        if type == "private":
            self._users.setdefault(
                chat_id,
                {
                    "id": chat_id,
                    "is_bot": False,
                    "first_name": chat.first_name or f"User {chat_id}",
                    **({"username": username} if username else {}),
                },
            )
        return chat.as_dict()

    def add_user(self, user: dict[str, Any]) -> None:
        """Remember a Telegram User dict (used by getChatMember and private chats)."""
        self._users[int(user["id"])] = dict(user)

    def block(self, chat_id: int) -> None:
        """Make every call to ``chat_id`` answer 403 (blocked by the user / kicked from group)."""
        self._chat_or_create(chat_id).blocked = True

    def unblock(self, chat_id: int) -> None:
        """Undo :meth:`block`."""
        self._chat_or_create(chat_id).blocked = False

    def set_member_status(self, chat_id: int, user_id: int, status: str) -> None:
        """Set a user's status for getChatMember: creator, administrator, member, left, ..."""
        self._chat_or_create(chat_id).members[user_id] = status

    def add_thread(self, chat_id: int, message_thread_id: int) -> None:
        """Declare a forum topic so sendMessage(message_thread_id=...) accepts it."""
        chat = self._chat_or_create(chat_id)
        chat.is_forum = True
        chat.threads.add(message_thread_id)

    def next_message_id(self, chat_id: int) -> int:
        """Allocate the next message_id in ``chat_id`` (shared by bot and user messages)."""
        chat = self._chat_or_create(chat_id)
        chat.last_message_id += 1
        return chat.last_message_id

    # ------------------------------------------------------------------ updates
    def push_update(self, update: dict[str, Any]) -> None:
        """Queue an Update dict for getUpdates (assigning update_id if missing)."""
        update = dict(update)
        if "update_id" not in update:
            update["update_id"] = self._last_update_id + 1
        self._last_update_id = max(self._last_update_id, int(update["update_id"]))
        self.observe_update(update)
        self._updates.append(update)

    def observe_update(self, update: dict[str, Any]) -> None:
        """Learn chats, users, messages and callback ids from an incoming Update dict."""
        for key in ("message", "edited_message", "channel_post", "edited_channel_post"):
            message = update.get(key)
            if message:
                self._observe_message(message)
        query = update.get("callback_query")
        if query:
            self._callback_ids.add(str(query["id"]))
            self.add_user(query["from"])
        member = update.get("my_chat_member")
        if member:
            chat = self._observe_chat(member["chat"])
            status = member["new_chat_member"]["status"]
            chat.blocked = status in ("kicked", "left")

    def _observe_chat(self, chat_dict: dict[str, Any]) -> ChatState:
        chat_id = int(chat_dict["id"])
        chat = self._chats.get(chat_id)
        if chat is None:
            chat = self._chats[chat_id] = ChatState(
                id=chat_id, type=chat_dict.get("type", "private")
            )
        chat.title = chat_dict.get("title", chat.title)
        chat.username = chat_dict.get("username", chat.username)
        chat.first_name = chat_dict.get("first_name", chat.first_name)
        chat.is_forum = bool(chat_dict.get("is_forum", chat.is_forum))
        return chat

    def _observe_message(self, message: dict[str, Any]) -> None:
        chat = self._observe_chat(message["chat"])
        if "from" in message:
            self.add_user(message["from"])
            if chat.type != "private":
                chat.members.setdefault(int(message["from"]["id"]), "member")
        message_id = int(message["message_id"])
        chat.messages[message_id] = clone(message)
        chat.deleted.discard(message_id)
        chat.last_message_id = max(chat.last_message_id, message_id)
        if message.get("message_thread_id") and message.get("is_topic_message"):
            chat.threads.add(int(message["message_thread_id"]))

    # ------------------------------------------------------------------ introspection
    def add_listener(self, listener: Callable[[str, dict[str, Any]], None]) -> None:
        """Call ``listener(kind, message)`` for kind in sent/edited/deleted (terminal chat)."""
        self._listeners.append(listener)

    def sent(self, chat_id: int | None = None) -> list[dict[str, Any]]:
        """Messages the bot sent, as they were when sent (optionally only to ``chat_id``)."""
        return [clone(m) for m in self._sent if chat_id is None or m["chat"]["id"] == chat_id]

    def messages(self, chat_id: int) -> list[dict[str, Any]]:
        """Current state of a chat (user and bot messages) after edits and deletes."""
        chat = self._chats.get(chat_id)
        if chat is None:
            return []
        return [clone(chat.messages[k]) for k in sorted(chat.messages)]

    def message(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        """Current state of one message, or None when unknown or deleted."""
        chat = self._chats.get(chat_id)
        found = chat.messages.get(message_id) if chat else None
        return clone(found) if found else None

    def calls_to(self, method: str) -> list[ApiCall]:
        """Recorded calls of one method."""
        return [c for c in self.calls if c.method == method]

    def chat(self, chat_id: int) -> dict[str, Any] | None:
        """The Chat dict of a known chat."""
        chat = self._chats.get(chat_id)
        return chat.as_dict() if chat else None

    # ------------------------------------------------------------------ helpers
    def _chat_or_create(self, chat_id: int) -> ChatState:
        chat = self._chats.get(chat_id)
        if chat is None:
            self.add_chat(chat_id, infer_type(chat_id))
            chat = self._chats[chat_id]
        return chat

    def _chat_by_username(self, username: str) -> ChatState:
        for chat in self._chats.values():
            if chat.username and chat.username.lower() == username.lower():
                return chat
        raise bad("chat not found")

    def _chat_by_id(self, raw: Any) -> ChatState:
        try:
            chat_id = int(raw)
        except (TypeError, ValueError) as exc:
            raise bad("chat not found") from exc
        found = self._chats.get(chat_id)
        if found is None:
            if not self.auto_create_chats:
                raise bad("chat not found")
            found = self._chat_or_create(chat_id)
        return found

    def _resolve_chat(self, params: dict[str, Any], *, for_send: bool = True) -> ChatState:
        raw = params.get("chat_id")
        if raw is None or raw == "":
            raise bad("chat_id is empty")
        if isinstance(raw, str) and raw.startswith("@"):
            chat = self._chat_by_username(raw[1:])
        else:
            chat = self._chat_by_id(raw)
        if chat.blocked and for_send:
            raise ApiError(403, BLOCKED_DESCRIPTIONS.get(chat.type, "Forbidden"))
        return chat

    def _emit(self, kind: str, message: dict[str, Any]) -> None:
        self.events.append((kind, clone(message)))
        for listener in list(self._listeners):
            try:
                listener(kind, clone(message))
            except Exception:
                logger.exception("LocalBotApi listener failed")
