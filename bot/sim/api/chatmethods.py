"""Chat methods of the fake Bot API: chats and members, chat actions, commands, callback answers."""

from __future__ import annotations

import json
import re
from typing import Any

from bot.sim.api.chatmodel import ChatState, member_dict
from bot.sim.api.errors import bad
from bot.sim.api.records import UploadedFile, clone
from bot.sim.api.state import ApiState

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
_QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"


class ChatMethods(ApiState):
    """getChat, getChatMember, getChatAdministrators, sendChatAction, *MyCommands and
    answerCallbackQuery."""

    def _m_answerCallbackQuery(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        query_id = str(params.get("callback_query_id") or "")
        if not query_id:
            raise bad(_QUERY_INVALID)
        if self.strict_replies and query_id not in self._callback_ids:
            raise bad(_QUERY_INVALID)
        text = params.get("text")
        if text is not None and len(str(text)) > 200:
            raise bad("MESSAGE_TOO_LONG")
        self._callback_ids.discard(query_id)
        return True

    def _m_sendChatAction(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        self._resolve_chat(params)
        if params.get("action") not in _CHAT_ACTIONS:
            raise bad("wrong parameter action in request")
        return True

    @staticmethod
    def _scope_key(params: dict[str, Any]) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")

    def _m_setMyCommands(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad("commands must be an array of at most 100 BotCommand")
        for command in commands:
            if not _COMMAND_RE.match(str(command.get("command", ""))):
                raise bad("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise bad("BOT_COMMAND_DESCRIPTION_INVALID")
        self.commands[self._scope_key(params)] = [dict(c) for c in commands]
        return True

    def _m_deleteMyCommands(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        self.commands.pop(self._scope_key(params), None)
        return True

    def _m_getMyCommands(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        return clone(self.commands.get(self._scope_key(params), []))

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

    def _member(self, chat: ChatState, user_id: int) -> dict[str, Any]:
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
        return member_dict(user, status)

    def _m_getChatMember(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        chat = self._resolve_chat(params)
        try:
            user_id = int(params.get("user_id") or 0)
        except (TypeError, ValueError) as exc:
            raise bad("invalid user_id specified") from exc
        if user_id <= 0:
            raise bad("invalid user_id specified")
        return self._member(chat, user_id)

    def _m_getChatAdministrators(
        self, params: dict[str, Any], files: dict[str, UploadedFile]
    ) -> Any:
        chat = self._resolve_chat(params)
        if chat.type == "private":
            raise bad("there are no administrators in the private chat")
        return [
            self._member(chat, uid)
            for uid, status in sorted(chat.members.items())
            if status in ("creator", "administrator")
        ]
