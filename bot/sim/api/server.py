"""In-memory Telegram Bot API: chats, users, messages, Telegram's limits and a record of calls."""

from __future__ import annotations

import copy
import json
import logging
import math
import re
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.sim.api.html import HtmlParseError, parse_html, utf16_len

__all__ = ["ApiCall", "ApiError", "LocalBotApi", "UploadedFile"]

logger = logging.getLogger(__name__)

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_JSON_PARAMS = frozenset(
    {
        "reply_markup",
        "reply_parameters",
        "link_preview_options",
        "entities",
        "caption_entities",
        "commands",
        "scope",
        "allowed_updates",
    }
)
_BLOCKED_DESCRIPTIONS = {
    "private": "Forbidden: bot was blocked by the user",
    "group": "Forbidden: bot was kicked from the group chat",
    "supergroup": "Forbidden: bot was kicked from the supergroup chat",
    "channel": "Forbidden: bot is not a member of the channel chat",
}


class ApiError(Exception):
    """A Bot API error answer: HTTP status, Telegram's description, optional parameters."""

    def __init__(
        self, status: int, description: str, parameters: dict[str, Any] | None = None
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def body(self) -> dict[str, Any]:
        """The JSON body Telegram would answer with."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


_ATOMS = (str, int, float, bool, type(None))


def _clone(value: Any) -> Any:
    """A deep copy of JSON-shaped data (dicts, lists, scalars), several times faster than
    ``copy.deepcopy``: the fake copies every message it stores and returns, and at benchmark
    rates that copying competed with the sender it measures. Anything else is deep-copied."""
    if isinstance(value, dict):
        return {k: v if isinstance(v, _ATOMS) else _clone(v) for k, v in value.items()}
    if isinstance(value, list):
        return [v if isinstance(v, _ATOMS) else _clone(v) for v in value]
    if isinstance(value, _ATOMS):
        return value
    return copy.deepcopy(value)


def _bad(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request (or a file the API already stores)."""

    filename: str
    content: bytes
    mime_type: str = "application/octet-stream"


@dataclass(slots=True)
class ApiCall:
    """One recorded Bot API call; uploaded files appear in ``params`` by their file names."""

    method: str
    params: dict[str, Any]
    ok: bool
    status: int
    response: dict[str, Any]
    at: float

    @property
    def result(self) -> Any:
        """The ``result`` of a successful call (None for errors)."""
        return self.response.get("result")

    @property
    def description(self) -> str | None:
        """Telegram's error description for a failed call."""
        return self.response.get("description")


@dataclass(slots=True)
class _Chat:
    id: int
    type: str
    title: str | None = None
    username: str | None = None
    first_name: str | None = None
    is_forum: bool = False
    blocked: bool = False
    messages: dict[int, dict[str, Any]] = field(default_factory=dict)
    deleted: set[int] = field(default_factory=set)
    last_message_id: int = 0
    last_send: float | None = None
    window: deque[float] = field(default_factory=deque)
    members: dict[int, str] = field(default_factory=dict)
    threads: set[int] = field(default_factory=set)

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": self.type}
        if self.type == "private":
            data["first_name"] = self.first_name or f"User {self.id}"
        else:
            data["title"] = self.title or f"Chat {self.id}"
        if self.username:
            data["username"] = self.username
        if self.is_forum:
            data["is_forum"] = True
        return data


def _infer_type(chat_id: int) -> str:
    if chat_id > 0:
        return "private"
    return "supergroup" if str(chat_id).startswith("-100") else "group"


class LocalBotApi:
    """In-memory Telegram Bot API: chats, users, messages, limits, and a record of every call.

    ``handle(method, params)`` is the core; :class:`bot.sim.api.request.LocalRequest` feeds it
    from python-telegram-bot's real request path. Unknown methods answer 404 (PTB raises
    ``InvalidToken``/``EndPointNotFound``) and are appended to ``unexpected``.
    """

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
        self._chats: dict[int, _Chat] = {}
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
            chat = self._chats[chat_id] = _Chat(id=chat_id, type=type)
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

    def add_file(
        self, content: bytes, filename: str, mime_type: str = "application/octet-stream"
    ) -> dict[str, Any]:
        """Store a file (e.g. one a user sends) and return a Document dict with its file_id."""
        return self._store_file(UploadedFile(filename, content, mime_type))

    def file_content(self, file_id: str) -> bytes:
        """The bytes behind ``file_id`` (raises KeyError for an unknown id)."""
        return self.files[file_id].content

    def file_by_path(self, file_path: str) -> UploadedFile | None:
        """The file getFile handed out under ``file_path`` (for downloads)."""
        return self.files.get(file_path.rsplit("/", 1)[-1].split(".", 1)[0])

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

    def _observe_chat(self, chat_dict: dict[str, Any]) -> _Chat:
        chat_id = int(chat_dict["id"])
        chat = self._chats.get(chat_id)
        if chat is None:
            chat = self._chats[chat_id] = _Chat(id=chat_id, type=chat_dict.get("type", "private"))
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
        chat.messages[message_id] = _clone(message)
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
        return [_clone(m) for m in self._sent if chat_id is None or m["chat"]["id"] == chat_id]

    def messages(self, chat_id: int) -> list[dict[str, Any]]:
        """Current state of a chat (user and bot messages) after edits and deletes."""
        chat = self._chats.get(chat_id)
        if chat is None:
            return []
        return [_clone(chat.messages[k]) for k in sorted(chat.messages)]

    def message(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        """Current state of one message, or None when unknown or deleted."""
        chat = self._chats.get(chat_id)
        found = chat.messages.get(message_id) if chat else None
        return _clone(found) if found else None

    def calls_to(self, method: str) -> list[ApiCall]:
        """Recorded calls of one method."""
        return [c for c in self.calls if c.method == method]

    def chat(self, chat_id: int) -> dict[str, Any] | None:
        """The Chat dict of a known chat."""
        chat = self._chats.get(chat_id)
        return chat.as_dict() if chat else None

    # ------------------------------------------------------------------ core
    def handle(
        self,
        method: str,
        params: dict[str, Any],
        files: dict[str, UploadedFile] | None = None,
    ) -> tuple[int, dict[str, Any]]:
        """Answer one Bot API call: (HTTP status, Telegram-shaped JSON body); records it."""
        files = files or {}
        canonical = _METHODS.get(method.lower())
        recorded = {k: self._recorded_value(v, files) for k, v in params.items()}
        for name, upload in files.items():
            if not any(v == f"attach://{name}" for v in params.values()):
                recorded[name] = upload.filename
        if canonical is None:
            status, body = (
                404,
                {
                    "ok": False,
                    "error_code": 404,
                    "description": f"Not Found: method {method!r} is not implemented "
                    "by LocalBotApi",
                },
            )
            call = ApiCall(method, recorded, False, status, body, self.clock())
            self.calls.append(call)
            self.unexpected.append(call)
            logger.error("Unexpected Bot API call %s(%s)", method, recorded)
            return status, body
        try:
            decoded = {k: self._decode(k, v) for k, v in params.items()}
            result = getattr(self, f"_m_{canonical}")(decoded, files)
            status, body = 200, {"ok": True, "result": result}
        except ApiError as exc:
            status, body = exc.status, exc.body()
        except Exception as exc:  # a bug in the fake: answer 500 and make tests fail loudly
            logger.exception("LocalBotApi failed on %s(%s)", canonical, recorded)
            status = 500
            body = {
                "ok": False,
                "error_code": 500,
                "description": f"Internal Server Error: LocalBotApi bug: {exc!r}",
            }
        if self.keep_history or status != 200:
            call = ApiCall(canonical, recorded, status == 200, status, body, self.clock())
        else:
            call = ApiCall(canonical, recorded, True, status, {"ok": True}, self.clock())
        self.calls.append(call)
        if status == 500:
            self.unexpected.append(call)
        if status != 200:
            logger.info("%s -> %s %s", canonical, status, body.get("description"))
        return status, _clone(body) if self.keep_history else body

    @staticmethod
    def _recorded_value(value: Any, files: dict[str, UploadedFile]) -> Any:
        if isinstance(value, str) and value.startswith("attach://"):
            upload = files.get(value.removeprefix("attach://"))
            return upload.filename if upload else value
        return value

    @staticmethod
    def _decode(name: str, value: Any) -> Any:
        if name in _JSON_PARAMS and isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError as exc:
                if name == "reply_markup":
                    raise _bad("can't parse reply keyboard markup JSON object") from exc
                raise _bad(f"can't parse {name} JSON object") from exc
        return value

    # ------------------------------------------------------------------ helpers
    def _chat_or_create(self, chat_id: int) -> _Chat:
        chat = self._chats.get(chat_id)
        if chat is None:
            self.add_chat(chat_id, _infer_type(chat_id))
            chat = self._chats[chat_id]
        return chat

    def _resolve_chat(self, params: dict[str, Any], *, for_send: bool = True) -> _Chat:
        raw = params.get("chat_id")
        if raw is None or raw == "":
            raise _bad("chat_id is empty")
        if isinstance(raw, str) and raw.startswith("@"):
            for chat in self._chats.values():
                if chat.username and chat.username.lower() == raw[1:].lower():
                    break
            else:
                raise _bad("chat not found")
        else:
            try:
                chat_id = int(raw)
            except (TypeError, ValueError) as exc:
                raise _bad("chat not found") from exc
            found = self._chats.get(chat_id)
            if found is None:
                if not self.auto_create_chats:
                    raise _bad("chat not found")
                found = self._chat_or_create(chat_id)
            chat = found
        if chat.blocked and for_send:
            raise ApiError(403, _BLOCKED_DESCRIPTIONS.get(chat.type, "Forbidden"))
        return chat

    def _formatted(
        self,
        text: Any,
        parse_mode: Any,
        entities: Any,
        *,
        limit: int,
        too_long: str,
        empty_error: str | None,
    ) -> tuple[str, list[dict[str, Any]]]:
        text = "" if text is None else str(text)
        mode = str(parse_mode or "").lower()
        if entities:
            plain, ents = text, [dict(e) for e in entities]
        elif mode == "html":
            try:
                plain, ents = parse_html(text, strict=self.strict_html)
            except HtmlParseError as exc:
                raise _bad(f"can't parse entities: {exc}") from exc
        elif mode in ("", "markdown", "markdownv2"):
            # Markdown modes are not parsed by the fake: the text is kept as-is.
            plain, ents = text, []
        else:
            raise _bad("unsupported parse_mode")
        plain, ents = _strip(plain, ents)
        if not plain and empty_error:
            raise _bad(empty_error)
        if utf16_len(plain) > limit:
            raise _bad(too_long)
        return plain, ents

    def _markup(self, markup: Any) -> dict[str, Any] | None:
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise _bad("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            rows = markup["inline_keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise _bad(
                    "can't parse inline keyboard button: InlineKeyboardButton must be an Object"
                )
            for row in rows:
                for button in row:
                    _check_button(button)
            if not any(rows):
                return None
        return _clone(markup)

    def _check_rate(self, chat: _Chat, now: float) -> None:
        waits: list[float] = []
        if self.per_chat_interval and chat.last_send is not None:
            wait = chat.last_send + self.per_chat_interval - now
            if wait > 0:
                waits.append(wait)
        if self.group_per_minute and chat.type != "private":
            while chat.window and chat.window[0] <= now - 60.0:
                chat.window.popleft()
            if len(chat.window) >= self.group_per_minute:
                waits.append(chat.window[0] + 60.0 - now)
        if self.global_rate:
            while self._global_window and self._global_window[0] <= now - 1.0:
                self._global_window.popleft()
            if len(self._global_window) >= max(1, int(self.global_rate)):
                waits.append(self._global_window[0] + 1.0 - now)
        if waits:
            retry = max(1, math.ceil(max(waits)))
            raise ApiError(429, f"Too Many Requests: retry after {retry}", {"retry_after": retry})

    def _count_send(self, chat: _Chat, now: float) -> None:
        chat.last_send = now
        if chat.type != "private":
            chat.window.append(now)
        self._global_window.append(now)

    def _emit(self, kind: str, message: dict[str, Any]) -> None:
        self.events.append((kind, _clone(message)))
        for listener in list(self._listeners):
            try:
                listener(kind, _clone(message))
            except Exception:
                logger.exception("LocalBotApi listener failed")

    def _new_message(self, chat: _Chat, params: dict[str, Any]) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": 0,  # allocated by _send once the message is accepted
            "from": dict(self.bot_user),
            "chat": chat.as_dict(),
            "date": int(self.wall_clock()),
        }
        if chat.type == "channel":
            message.pop("from")
            message["sender_chat"] = chat.as_dict()
        thread_id = params.get("message_thread_id")
        if thread_id and chat.is_forum:
            if int(thread_id) not in chat.threads:
                raise _bad("message thread not found")
            message["message_thread_id"] = int(thread_id)
            message["is_topic_message"] = True
        reply = params.get("reply_parameters") or {}
        reply_id = reply.get("message_id") or params.get("reply_to_message_id")
        if reply_id:
            target_chat = chat
            if reply.get("chat_id") not in (None, chat.id):
                target_chat = self._resolve_chat({"chat_id": reply["chat_id"]}, for_send=False)
            target = target_chat.messages.get(int(reply_id))
            allow = reply.get("allow_sending_without_reply") or params.get(
                "allow_sending_without_reply"
            )
            if target is not None:
                message["reply_to_message"] = _clone(target)
                message["reply_to_message"].pop("reply_to_message", None)
            elif self.strict_replies and not allow:
                raise _bad("message to be replied not found")
        return message

    def _send(self, chat: _Chat, message: dict[str, Any], markup: dict[str, Any] | None) -> Any:
        now = self.clock()
        self._check_rate(chat, now)
        if markup is not None:
            message["reply_markup"] = markup if "inline_keyboard" in markup else None
            if message["reply_markup"] is None:
                del message["reply_markup"]
        self._count_send(chat, now)
        message["message_id"] = self.next_message_id(chat.id)
        if not self.keep_history:
            return message
        chat.messages[message["message_id"]] = message
        self._sent.append(_clone(message))
        self._emit("sent", message)
        return _clone(message)

    def _store_file(self, upload: UploadedFile) -> dict[str, Any]:
        self._file_counter += 1
        file_id = f"LOCALFILE{self._file_counter:06d}"
        self.files[file_id] = upload
        return {
            "file_id": file_id,
            "file_unique_id": f"U{self._file_counter:06d}",
            "file_name": upload.filename,
            "mime_type": upload.mime_type,
            "file_size": len(upload.content),
        }

    def _input_file(
        self, params: dict[str, Any], files: dict[str, UploadedFile], name: str
    ) -> dict[str, Any]:
        value = params.get(name)
        upload: UploadedFile | None = None
        if name in files and value is None:
            upload = files[name]
        elif isinstance(value, str) and value.startswith("attach://"):
            upload = files.get(value.removeprefix("attach://"))
        elif isinstance(value, str) and value:
            if value in self.files:
                known = self.files[value]
                return {
                    "file_id": value,
                    "file_unique_id": "U" + value.removeprefix("LOCALFILE"),
                    "file_name": known.filename,
                    "mime_type": known.mime_type,
                    "file_size": len(known.content),
                }
            if value.startswith(("http://", "https://")):
                return self._store_file(UploadedFile(value.rsplit("/", 1)[-1] or "file", b"?"))
            raise _bad("wrong file identifier/HTTP URL specified")
        if upload is None:
            raise _bad(f"there is no {name} in the request")
        if not upload.content:
            raise _bad("file must be non-empty")
        return self._store_file(upload)

    def _editable(self, params: dict[str, Any]) -> tuple[_Chat, dict[str, Any]]:
        if params.get("inline_message_id"):
            raise _bad("MESSAGE_ID_INVALID")
        chat = self._resolve_chat(params)
        try:
            message_id = int(params.get("message_id") or 0)
        except (TypeError, ValueError) as exc:
            raise _bad("message to edit not found") from exc
        message = chat.messages.get(message_id)
        if message is None:
            raise _bad("message to edit not found")
        if message.get("from", {}).get("id", self.bot_id) != self.bot_id:
            raise _bad("message can't be edited")
        return chat, message

    def _finish_edit(self, message: dict[str, Any]) -> dict[str, Any]:
        message["edit_date"] = int(self.wall_clock())
        self._emit("edited", message)
        return _clone(message)

    # ------------------------------------------------------------------ methods
    def _m_getMe(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _m_logOut(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        return True

    def _m_close(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        return True

    def _m_getUpdates(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        if self.webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = int(params.get("offset") or 0)
        limit = max(1, min(100, int(params.get("limit") or 100)))
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        elif offset < 0:
            self._updates = self._updates[offset:]
        return _clone(self._updates[:limit])

    def _m_setWebhook(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        url = str(params.get("url") or "")
        if url and not url.startswith("https://"):
            raise _bad("bad webhook: An HTTPS URL must be provided for webhook")
        self.webhook_url = url
        return True

    def _m_deleteWebhook(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        self.webhook_url = ""
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _m_getWebhookInfo(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        return {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    def _m_sendMessage(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        chat = self._resolve_chat(params)
        text, entities = self._formatted(
            params.get("text"),
            params.get("parse_mode"),
            params.get("entities"),
            limit=MAX_TEXT_LENGTH,
            too_long="message is too long",
            empty_error="message text is empty",
        )
        markup = self._markup(params.get("reply_markup"))
        message = self._new_message(chat, params)
        message["text"] = text
        if entities:
            message["entities"] = entities
        if params.get("link_preview_options"):
            message["link_preview_options"] = dict(params["link_preview_options"])
        return self._send(chat, message, markup)

    def _media(
        self, params: dict[str, Any], files: dict[str, UploadedFile], kind: str
    ) -> dict[str, Any]:
        chat = self._resolve_chat(params)
        caption, entities = self._formatted(
            params.get("caption"),
            params.get("parse_mode"),
            params.get("caption_entities"),
            limit=MAX_CAPTION_LENGTH,
            too_long="message caption is too long",
            empty_error=None,
        )
        markup = self._markup(params.get("reply_markup"))
        stored = self._input_file(params, files, kind)
        message = self._new_message(chat, params)
        if kind == "photo":
            size = {k: stored[k] for k in ("file_id", "file_unique_id", "file_size")}
            message["photo"] = [{**size, "width": 1280, "height": 720}]
        else:
            message["document"] = stored
        if caption:
            message["caption"] = caption
        if entities:
            message["caption_entities"] = entities
        return self._send(chat, message, markup)

    def _m_sendDocument(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        return self._media(params, files, "document")

    def _m_sendPhoto(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        return self._media(params, files, "photo")

    def _m_getFile(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        file_id = str(params.get("file_id") or "")
        upload = self.files.get(file_id)
        if upload is None:
            raise _bad("invalid file_id")
        suffix = upload.filename.rsplit(".", 1)[-1] if "." in upload.filename else "bin"
        return {
            "file_id": file_id,
            "file_unique_id": "U" + file_id.removeprefix("LOCALFILE"),
            "file_size": len(upload.content),
            "file_path": f"documents/{file_id}.{suffix}",
        }

    def _m_editMessageText(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        _chat, message = self._editable(params)
        if "text" not in message:
            raise _bad("there is no text in the message to edit")
        text, entities = self._formatted(
            params.get("text"),
            params.get("parse_mode"),
            params.get("entities"),
            limit=MAX_TEXT_LENGTH,
            too_long="MESSAGE_TOO_LONG",
            empty_error="message text is empty",
        )
        markup = self._markup(params.get("reply_markup"))
        if (
            text == message["text"]
            and entities == message.get("entities", [])
            and markup == message.get("reply_markup")
        ):
            raise _bad(NOT_MODIFIED.removeprefix("Bad Request: "))
        message["text"] = text
        message.pop("entities", None)
        if entities:
            message["entities"] = entities
        # Like Telegram: an edit without reply_markup removes the inline keyboard.
        message.pop("reply_markup", None)
        if markup:
            message["reply_markup"] = markup
        if params.get("link_preview_options"):
            message["link_preview_options"] = dict(params["link_preview_options"])
        return self._finish_edit(message)

    def _m_editMessageCaption(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        _chat, message = self._editable(params)
        if "text" in message:
            raise _bad("there is no caption in the message to edit")
        caption, entities = self._formatted(
            params.get("caption"),
            params.get("parse_mode"),
            params.get("caption_entities"),
            limit=MAX_CAPTION_LENGTH,
            too_long="message caption is too long",
            empty_error=None,
        )
        markup = self._markup(params.get("reply_markup"))
        if (
            caption == message.get("caption", "")
            and entities == message.get("caption_entities", [])
            and markup == message.get("reply_markup")
        ):
            raise _bad(NOT_MODIFIED.removeprefix("Bad Request: "))
        for key in ("caption", "caption_entities", "reply_markup"):
            message.pop(key, None)
        if caption:
            message["caption"] = caption
        if entities:
            message["caption_entities"] = entities
        if markup:
            message["reply_markup"] = markup
        return self._finish_edit(message)

    def _m_editMessageReplyMarkup(
        self, params: dict[str, Any], files: dict[str, UploadedFile]
    ) -> Any:
        _chat, message = self._editable(params)
        markup = self._markup(params.get("reply_markup"))
        if markup == message.get("reply_markup"):
            raise _bad(NOT_MODIFIED.removeprefix("Bad Request: "))
        message.pop("reply_markup", None)
        if markup:
            message["reply_markup"] = markup
        return self._finish_edit(message)

    def _m_deleteMessage(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        chat = self._resolve_chat(params)
        message_id = int(params.get("message_id") or 0)
        message = chat.messages.pop(message_id, None)
        if message is None:
            raise _bad("message to delete not found")
        chat.deleted.add(message_id)
        self._emit("deleted", message)
        return True

    def _m_answerCallbackQuery(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        query_id = str(params.get("callback_query_id") or "")
        if not query_id:
            raise _bad("query is too old and response timeout expired or query ID is invalid")
        if self.strict_replies and query_id not in self._callback_ids:
            raise _bad("query is too old and response timeout expired or query ID is invalid")
        text = params.get("text")
        if text is not None and len(str(text)) > 200:
            raise _bad("MESSAGE_TOO_LONG")
        self._callback_ids.discard(query_id)
        return True

    def _m_sendChatAction(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        self._resolve_chat(params)
        if params.get("action") not in _CHAT_ACTIONS:
            raise _bad("wrong parameter action in request")
        return True

    @staticmethod
    def _scope_key(params: dict[str, Any]) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")

    def _m_setMyCommands(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise _bad("commands must be an array of at most 100 BotCommand")
        for command in commands:
            if not _COMMAND_RE.match(str(command.get("command", ""))):
                raise _bad("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise _bad("BOT_COMMAND_DESCRIPTION_INVALID")
        self.commands[self._scope_key(params)] = [dict(c) for c in commands]
        return True

    def _m_deleteMyCommands(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        self.commands.pop(self._scope_key(params), None)
        return True

    def _m_getMyCommands(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        return _clone(self.commands.get(self._scope_key(params), []))

    def _m_getChat(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        chat = self._resolve_chat(params)
        return {
            **chat.as_dict(),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    def _member(self, chat: _Chat, user_id: int) -> dict[str, Any]:
        user = self._users.get(user_id)
        if user_id == self.bot_id:
            user = dict(self.bot_user)
        if user is None:
            user = {"id": user_id, "is_bot": False, "first_name": f"User {user_id}"}
        status = chat.members.get(user_id)
        if status is None:
            status = "member" if chat.type == "private" else "left"
            if user_id == self.bot_id and chat.type != "private":
                status = "member"
        return _member_dict(user, status)

    def _m_getChatMember(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        chat = self._resolve_chat(params)
        try:
            user_id = int(params.get("user_id") or 0)
        except (TypeError, ValueError) as exc:
            raise _bad("invalid user_id specified") from exc
        if user_id <= 0:
            raise _bad("invalid user_id specified")
        return self._member(chat, user_id)

    def _m_getChatAdministrators(
        self, params: dict[str, Any], files: dict[str, UploadedFile]
    ) -> Any:
        chat = self._resolve_chat(params)
        if chat.type == "private":
            raise _bad("there are no administrators in the private chat")
        return [
            self._member(chat, uid)
            for uid, status in sorted(chat.members.items())
            if status in ("creator", "administrator")
        ]


def _member_dict(user: dict[str, Any], status: str) -> dict[str, Any]:
    data: dict[str, Any] = {"status": status, "user": dict(user)}
    if status == "creator":
        data["is_anonymous"] = False
    elif status == "administrator":
        data.update(
            {
                k: True
                for k in (
                    "can_be_edited",
                    "can_manage_chat",
                    "can_delete_messages",
                    "can_manage_video_chats",
                    "can_restrict_members",
                    "can_promote_members",
                    "can_change_info",
                    "can_invite_users",
                    "can_post_stories",
                    "can_edit_stories",
                    "can_delete_stories",
                )
            }
        )
        data["is_anonymous"] = False
        data["can_be_edited"] = False
    elif status == "restricted":
        data.update(
            {
                k: False
                for k in (
                    "can_change_info",
                    "can_invite_users",
                    "can_pin_messages",
                    "can_send_messages",
                    "can_send_polls",
                    "can_send_other_messages",
                    "can_add_web_page_previews",
                    "can_manage_topics",
                    "can_send_audios",
                    "can_send_documents",
                    "can_send_photos",
                    "can_send_videos",
                    "can_send_video_notes",
                    "can_send_voice_notes",
                    "can_edit_tag",
                    "can_react_to_messages",
                )
            }
        )
        data["is_member"] = True
        data["until_date"] = 0
    elif status == "kicked":
        data["until_date"] = 0
    return data


def _check_button(button: Any) -> None:
    if not isinstance(button, dict):
        raise _bad("can't parse inline keyboard button: InlineKeyboardButton must be an Object")
    if not str(button.get("text") or "").strip():
        raise _bad("BUTTON_TEXT_INVALID")
    if "callback_data" in button:
        data = str(button["callback_data"])
        if not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES:
            raise _bad("BUTTON_DATA_INVALID")
    elif "url" in button:
        url = str(button["url"])
        if not re.match(r"^(https?|tg)://\S+$", url):
            raise _bad(f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")
    elif not any(
        k in button
        for k in (
            "web_app",
            "login_url",
            "switch_inline_query",
            "switch_inline_query_current_chat",
            "switch_inline_query_chosen_chat",
            "copy_text",
            "callback_game",
            "pay",
        )
    ):
        raise _bad("text buttons are unallowed in the inline keyboard")


def _strip(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Trim surrounding whitespace as Telegram does, shifting and clipping entity ranges."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    lead = utf16_len(text[: len(text) - len(text.lstrip())])
    total = utf16_len(stripped)
    result = []
    for entity in entities:
        start = max(0, entity["offset"] - lead)
        end = min(total, entity["offset"] + entity["length"] - lead)
        if end > start:
            result.append({**entity, "offset": start, "length": end - start})
    return stripped, result


_METHODS = {
    name.removeprefix("_m_").lower(): name.removeprefix("_m_")
    for name in dir(LocalBotApi)
    if name.startswith("_m_")
}
