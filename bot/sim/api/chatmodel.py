"""A chat as the fake Bot API keeps it, and the ChatMember dicts it answers with."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

_ADMIN_RIGHTS = (
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
_RESTRICTED_RIGHTS = (
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


@dataclass(slots=True)
class ChatState:
    """One chat: its Telegram fields, messages, members, topics and send history."""

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
        """The Telegram Chat dict."""
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


def infer_type(chat_id: int) -> str:
    """The chat type Telegram's id ranges imply: private, supergroup (-100...) or group."""
    if chat_id > 0:
        return "private"
    return "supergroup" if str(chat_id).startswith("-100") else "group"


def member_dict(user: dict[str, Any], status: str) -> dict[str, Any]:
    """A ChatMember dict for ``user`` with ``status``, with the fields that status carries."""
    data: dict[str, Any] = {"status": status, "user": dict(user)}
    if status == "creator":
        data["is_anonymous"] = False
    elif status == "administrator":
        data.update({k: True for k in _ADMIN_RIGHTS})
        data["is_anonymous"] = False
        data["can_be_edited"] = False
    elif status == "restricted":
        data.update({k: False for k in _RESTRICTED_RIGHTS})
        data["is_member"] = True
        data["until_date"] = 0
    elif status == "kicked":
        data["until_date"] = 0
    return data
