"""What is a Telegram update, checked before anything else sees it: a webhook body, or one item of
a getUpdates answer.

- ``read_update`` turns a webhook request body into an Update or raises ``Refused`` (answered
  4xx and set aside): a wrong content type, an oversize body, malformed or deeply nested JSON,
  NaN or Infinity, anything but an object, an update_id, a chat's or user's id, a message id or
  a date that is not a 64-bit integer (PTB passes such values through to the handlers and the
  store), or fields PTB cannot parse (``"message": "hello"``).
- ``screen_updates`` does the same for each update of a getUpdates answer, so that one that
  cannot be parsed no longer fails the whole answer (PTB then asks again with the same offset
  forever, and the bot goes deaf): it is replaced by an empty update with its update_id, which
  moves the offset on, and handed back to be set aside.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from telegram import Bot, Update

MAX_BODY_BYTES = 2 * 1024 * 1024  # updates are small; files are fetched separately
MAX_DEPTH = 32  # JSON nesting; an update nests about ten levels deep
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
NOT_AN_UPDATE = "not a Telegram update"


class Refused(Exception):
    """A request body that is not a Telegram update: answered 4xx and set aside."""

    def __init__(
        self, status: int, error: str, reason: str = "", *, update_id: object = None
    ) -> None:
        super().__init__(error)
        self.status = status
        self.error = error
        self.reason = reason or error
        self.update_id = update_id


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _depth_exceeds(data: Any, limit: int) -> bool:
    """Whether containers nest deeper than `limit` (walked without recursion)."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if not isinstance(value, dict | list):
            continue
        if depth > limit:
            return True
        children = value.values() if isinstance(value, dict) else value
        stack.extend((child, depth + 1) for child in children)
    return False


def _json_object(body: bytes, size: int, content_type: str) -> dict[str, Any]:
    """The body (`size` bytes long; only MAX_BODY_BYTES are kept) as a JSON object, or Refused."""
    media = content_type.split(";", 1)[0].strip().lower()
    if media != "application/json":
        raise Refused(415, "expected application/json", f"content type {media or 'missing'!r}")
    if size > MAX_BODY_BYTES:
        raise Refused(413, "too large", f"{size} bytes")
    try:
        data = json.loads(body, parse_constant=_no_constant)
    except RecursionError:
        raise Refused(400, NOT_AN_UPDATE, "JSON nested too deeply") from None
    except ValueError as exc:  # also UnicodeDecodeError
        raise Refused(400, NOT_AN_UPDATE, f"not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise Refused(400, NOT_AN_UPDATE, f"a JSON {type(data).__name__}")
    if _depth_exceeds(data, MAX_DEPTH):
        update_id = data.get("update_id")
        known = update_id if valid_update_id(update_id) else None
        raise Refused(400, NOT_AN_UPDATE, f"nested deeper than {MAX_DEPTH}", update_id=known)
    return data


# Numbers the handlers and the store take as integers: PTB passes whatever JSON held (null, "x",
# 1.5, 2**70) straight through, and SQL refuses it far from the edge.
INT_FIELDS = frozenset(
    {
        "message_id",
        "date",
        "edit_date",
        "forward_date",
        "message_thread_id",
        "migrate_to_chat_id",
        "migrate_from_chat_id",
    }
)
ENTITY_INTS = frozenset({"offset", "length"})
CHAT_TYPES = frozenset({"private", "group", "supergroup", "channel", "sender"})


def _is_int64(value: object) -> bool:
    return type(value) is int and INT64_MIN <= value <= INT64_MAX


def wrong_number(data: dict[str, Any]) -> str | None:
    """The first id or integer field of `data` that is not a 64-bit integer (a chat's or a user's
    id, a message id, a date, an entity's offset), as "field=value"; None when all are."""
    stack: list[Any] = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, list):
            stack.extend(value)
            continue
        if not isinstance(value, dict):
            continue
        is_party = value.get("type") in CHAT_TYPES or "is_bot" in value
        is_entity = "type" in value and value.keys() >= ENTITY_INTS
        for key, item in value.items():
            checked = (
                key in INT_FIELDS
                or (key == "id" and is_party)
                or (key in ENTITY_INTS and is_entity)
            )
            if checked and not _is_int64(item):
                return f"{key}={item!r}"[:100]
            if isinstance(item, dict | list):
                stack.append(item)
    return None


def valid_update_id(value: object) -> bool:
    """Whether `value` is an update_id: an integer (not a bool) a BIGINT holds."""
    return type(value) is int and INT64_MIN <= value <= INT64_MAX


def parse_update(data: dict[str, Any], bot: Bot | None) -> Update:
    """`data` (a JSON object) as an Update, or Refused (400) saying why it is not one."""
    update_id = data.get("update_id")
    if not valid_update_id(update_id):
        raise Refused(400, NOT_AN_UPDATE, f"update_id {update_id!r}"[:100])
    if _depth_exceeds(data, MAX_DEPTH):
        raise Refused(400, NOT_AN_UPDATE, f"nested deeper than {MAX_DEPTH}", update_id=update_id)
    wrong = wrong_number(data)
    if wrong is not None:
        raise Refused(400, NOT_AN_UPDATE, f"not a 64-bit integer: {wrong}", update_id=update_id)
    try:
        update = Update.de_json(data, bot)
    except Exception as exc:  # PTB raises whatever a wrongly typed field makes it raise
        reason = f"{type(exc).__name__}: {exc}"[:200]
        raise Refused(400, NOT_AN_UPDATE, reason, update_id=update_id) from None
    if update is None:
        raise Refused(400, NOT_AN_UPDATE, "empty", update_id=update_id)
    return update


def read_update(body: bytes, size: int, content_type: str, bot: Bot | None) -> Update:
    """The update a webhook request carries, or Refused (4xx) for anything that is not one."""
    return parse_update(_json_object(body, size, content_type), bot)


@dataclass(frozen=True, slots=True)
class Unreadable:
    """An item of a getUpdates answer that is not an update: set it aside."""

    update_id: int | None
    reason: str
    body: str


def screen_updates(payload: bytes) -> tuple[bytes, list[Unreadable]]:
    """A getUpdates answer with every update PTB cannot parse replaced by an empty update of the
    same update_id (dropped when even that is unusable), and what was replaced. An answer that is
    not a successful list of updates is returned as it came (PTB reports it)."""
    try:
        answer = json.loads(payload)
    except (ValueError, RecursionError):
        return payload, []
    if not isinstance(answer, dict) or not isinstance(answer.get("result"), list):
        return payload, []
    kept: list[Any] = []
    unreadable: list[Unreadable] = []
    for item in answer["result"]:
        raw = _dump(item)
        if not isinstance(item, dict):
            unreadable.append(Unreadable(None, f"a JSON {type(item).__name__}", raw))
            continue
        try:
            parse_update(item, None)
        except Refused as refused:
            update_id = item.get("update_id")
            good_id = update_id if valid_update_id(update_id) else None
            unreadable.append(Unreadable(good_id, refused.reason, raw))
            if good_id is not None:
                kept.append({"update_id": good_id})
            continue
        kept.append(item)
    if not unreadable:
        return payload, []
    answer["result"] = kept
    return json.dumps(answer).encode(), unreadable


def _dump(item: Any) -> str:
    """An item of an answer back as JSON text (as close to what was sent as can be written)."""
    try:
        return json.dumps(item, ensure_ascii=False)
    except (ValueError, RecursionError):
        return "(cannot be written as JSON)"
