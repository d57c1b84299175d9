"""Hypothesis strategies for hostile Telegram updates, and the checks the fuzz tier makes.

The strategies build Bot API update dicts (fed through ``Update.de_json``): random Unicode text
with lone surrogates, NULs, HTML and full-text-search syntax, commands with junk arguments,
tampered callback data, buttons pressed without a message, edited messages, channel posts,
messages in groups the bot never saw, stickers and documents without text, and ids at the ends of
Telegram's ranges.
"""

from __future__ import annotations

import itertools
import logging
import re
import sqlite3
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from bot.sim.api import LocalBotApi, text_entities
from bot.telegram.commands import ADMIN_COMMANDS, USER_COMMANDS

BOT_USERNAME = "sitrep_local_bot"
# Telegram's ids: users and chats fit in 52 bits; supergroups and channels are -100…; message
# ids are 32-bit.
MAX_ID = 2**52 - 1
MAX_MESSAGE_ID = 2**31 - 1
# User-supplied markup the bot must never pass on unescaped: a <script> and a marker in a tag
# the fake Bot API accepts (so an unescaped one would not be caught by its HTML parser).
SCRIPT = "<script>alert(1)</script>"
MARKER = "<u>zqx"
FRAGMENTS = (
    SCRIPT,
    MARKER,
    "<b>",
    "</b>",
    "<a href='javascript:x'>",
    "&amp;",
    "&",
    "&#0;",
    "<",
    ">",
    '"',
    "'",
    "*",
    "NEAR(",
    "a NEAR/2 b",
    " OR ",
    " AND NOT ",
    "^",
    ":",
    "(",
    ")",
    "-",
    "%",
    "_",
    "\\",
    "\x00",
    "\ud800",
    "\udfff",
    "\u202e",
    "\ufeff",
    "\n",
    "|",
    "@",
    "#",
    "2021-07-10",
    "99999999999999999999",
    "-1",
    "0",
    "Kabul",
    "Islam Qala",
    "today",
    "since",
    "all",
    "chat",
    "add",
    "remove",
    "find",
    "alias",
    f"@{BOT_USERNAME}",
    "📍",
    "👨‍👩‍👧",
)
COMMANDS = (*(c.command for c in USER_COMMANDS + ADMIN_COMMANDS), "edit", "nosuchcommand")
ADMIN_ONLY = tuple(c.command for c in ADMIN_COMMANDS)
CALLBACK_PREFIXES = ("s:", "sub:", "more:", "ing:", "pc:", "px:", "fg:", "s:tz:", "ing:pub:")

# Every code point, surrogates included (JSON may carry them as \\ud800 escapes).
chars = st.characters(min_codepoint=0, max_codepoint=0x10FFFF)
fragments = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(chars, max_size=8)), max_size=12)
hostile_text = st.one_of(
    st.text(chars, max_size=60),
    fragments.map("".join),
    st.sampled_from(FRAGMENTS).map(lambda f: f * (100_000 // len(f))),
)
short_text = st.one_of(st.text(chars, max_size=20), fragments.map(lambda f: "".join(f[:4])))
user_ids = st.one_of(st.sampled_from((1001, 1002, 424242)), st.integers(1, MAX_ID))
group_ids = st.one_of(
    st.just(-1001234567890),
    st.integers(-(10**13) - MAX_ID, -1),
)


def _fits_callback(data: str) -> bool:
    return len(data.encode("utf-8", "surrogatepass")) <= 64


callback_data = st.one_of(
    st.text(chars, max_size=64),
    st.tuples(st.sampled_from(CALLBACK_PREFIXES), short_text).map("".join),
    st.tuples(st.sampled_from(CALLBACK_PREFIXES), st.integers(-(2**70), 2**70).map(str)).map(
        "".join
    ),
).filter(_fits_callback)


@st.composite
def command_text(draw: st.DrawFn, names: tuple[str, ...] = COMMANDS) -> str:
    """A command, maybe addressed to the bot or another, with junk arguments."""
    name = draw(st.sampled_from(names))
    suffix = draw(st.sampled_from(("", "", f"@{BOT_USERNAME}", "@other_bot", "@")))
    args = draw(st.one_of(st.just(""), hostile_text, short_text))
    sep = draw(st.sampled_from((" ", " ", "\n", "  ", "")))
    return f"/{name}{suffix}{sep}{args}" if args else f"/{name}{suffix}"


class Builder:
    """Numbers updates and messages; registers them with the fake Bot API like UpdateFactory."""

    def __init__(self, api: LocalBotApi, start: int = 10_000_000) -> None:
        self.api = api
        self._ids = itertools.count(start)

    def next_id(self) -> int:
        """A fresh update id."""
        return next(self._ids)

    def user(self, user_id: int, name: str) -> dict[str, Any]:
        """A human User dict."""
        return {"id": user_id, "is_bot": False, "first_name": name or "x"}

    def chat(self, chat_id: int, chat_type: str, title: str) -> dict[str, Any]:
        """A Chat dict."""
        if chat_type == "private":
            return {"id": chat_id, "type": "private", "first_name": title or "x"}
        return {"id": chat_id, "type": chat_type, "title": title or "x"}

    def finish(self, update: dict[str, Any]) -> dict[str, Any]:
        """Give the update its id and tell the fake API about it."""
        update["update_id"] = self.next_id()
        self.api.observe_update(update)
        return update


@st.composite
def message_body(draw: st.DrawFn, text: str, chat: dict[str, Any], sender: dict[str, Any]) -> dict:
    """A Message dict with `text`, or a sticker/document/photo (maybe captioned) instead."""
    message: dict[str, Any] = {
        "message_id": draw(st.one_of(st.integers(1, 10_000), st.just(MAX_MESSAGE_ID))),
        "date": draw(st.sampled_from((1625891400, 0, 2**31 - 1))),
        "chat": chat,
    }
    if chat["type"] != "channel":
        message["from"] = sender
    kind = draw(st.sampled_from(("text", "text", "text", "sticker", "document", "photo")))
    if kind == "sticker":
        message["sticker"] = {
            "file_id": "STK",
            "file_unique_id": "STKU",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        }
    elif kind == "document":
        message["document"] = {"file_id": "DOC", "file_unique_id": "DOCU", "file_name": text[:50]}
    elif kind == "photo":
        message["photo"] = [{"file_id": "PH", "file_unique_id": "PHU", "width": 1, "height": 1}]
    key, ents_key = ("text", "entities") if kind == "text" else ("caption", "caption_entities")
    if text and (kind == "text" or draw(st.booleans())):
        message[key] = text
        entities = _entities(text)
        if entities:
            message[ents_key] = entities
    return message


def _entities(text: str) -> list[dict[str, Any]]:
    """The command/mention entities Telegram would mark (none when the text cannot be measured)."""
    try:
        return text_entities(text)
    except UnicodeError:
        return []


@st.composite
def message_update(
    draw: st.DrawFn, builder: Builder, *, texts: Any = None, user: Any = None
) -> dict[str, Any]:
    """A message, edited message, channel post or edited channel post from anywhere."""
    text = draw(texts if texts is not None else st.one_of(hostile_text, command_text()))
    uid = draw(user if user is not None else user_ids)
    sender = builder.user(uid, draw(short_text))
    where = draw(st.sampled_from(("private", "private", "group", "supergroup", "channel")))
    if where == "private":
        chat = builder.chat(uid, "private", sender["first_name"])
    else:
        chat = builder.chat(draw(group_ids), where, draw(short_text))
    message = draw(message_body(text, chat, sender))
    if draw(st.integers(0, 4)) == 0:
        message["reply_to_message"] = {
            "message_id": 1,
            "date": 1625891400,
            "chat": chat,
            "from": {"id": 7000000001, "is_bot": True, "first_name": "Sitrep"},
            "text": draw(short_text) or "x",
        }
    if where == "channel":
        kind = draw(st.sampled_from(("channel_post", "edited_channel_post")))
    else:
        kind = draw(st.sampled_from(("message", "message", "message", "edited_message")))
    if kind.startswith("edited"):
        message["edit_date"] = message["date"]
    return builder.finish({kind: message})


@st.composite
def callback_update(
    draw: st.DrawFn, builder: Builder, targets: list[dict[str, Any]], *, user: Any = None
) -> dict[str, Any]:
    """A button press with tampered data: on a real bot message, an unknown one, or inline."""
    uid = draw(user if user is not None else user_ids)
    query: dict[str, Any] = {
        "id": str(builder.next_id()),
        "from": builder.user(uid, "x"),
        "chat_instance": str(draw(st.integers(-(2**63), 2**63 - 1))),
    }
    if draw(st.integers(0, 9)):
        query["data"] = draw(callback_data)
    where = draw(st.sampled_from(("target", "target", "unknown", "inline")))
    if where == "target" and targets:
        query["message"] = draw(st.sampled_from(targets))
    elif where == "unknown":
        chat_id = draw(st.one_of(st.just(uid), group_ids))
        chat_type = "private" if chat_id > 0 else "supergroup"
        query["message"] = {
            "message_id": draw(st.integers(1, MAX_MESSAGE_ID)),
            "date": draw(st.sampled_from((0, 1625891400))),
            "chat": builder.chat(chat_id, chat_type, "x"),
            "text": "x",
        }
    else:
        query["inline_message_id"] = draw(st.text(chars, min_size=1, max_size=20))
    return builder.finish({"callback_query": query})


# --------------------------------------------------------------------------- checks


class Tracebacks(logging.Handler):
    """Collects every record logged with a traceback, or at ERROR and above, from any logger."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        """Keep the record when it carries a traceback or is an error."""
        if record.exc_info or record.levelno >= logging.ERROR:
            self.records.append(record)

    def take(self) -> list[str]:
        """The collected records as text (with tracebacks), and forget them."""
        formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
        out = [_clip(formatter.format(r)) for r in self.records]
        self.records.clear()
        return out


def _clip(text: str) -> str:
    """The head and the tail (where the traceback ends) of a long log line."""
    return text if len(text) <= 3000 else f"{text[:500]} … {text[-2500:]}"


_CAN_T_PARSE = re.compile(r"can't parse|unsupported start tag|unclosed", re.IGNORECASE)


def reply_problems(api: LocalBotApi, since: int) -> list[str]:
    """What is wrong with the bot's calls since call number `since`: HTML the fake Bot API could
    not parse, or user markup (a <script>, the marker tag) passed on unescaped."""
    problems = []
    for call in api.calls[since:]:
        if not call.ok and _CAN_T_PARSE.search(call.description or ""):
            problems.append(f"{call.method}: {call.description}")
        for key in ("text", "caption"):
            value = call.params.get(key)
            if not isinstance(value, str) or str(call.params.get("parse_mode")).upper() != "HTML":
                continue
            lowered = value.lower()
            if "<script" in lowered or MARKER in lowered:
                problems.append(f"{call.method}: raw user markup in {value[:300]!r}")
    return problems


PROTECTED_TABLES = (
    "events",
    "places",
    "sources",
    "articles",
    "admins",
    "allowlist",
    "pushes",
    "key_figures",
    "audit_log",
    "editions",
    "outbox",
)


def snapshot(path: Path, tables: tuple[str, ...] = PROTECTED_TABLES) -> dict[str, list[Any]]:
    """Every row of `tables` in a SQLite file, sorted, to compare before and after."""
    con = sqlite3.connect(path, timeout=30)
    try:
        return {t: sorted(map(repr, con.execute(f"SELECT * FROM {t}").fetchall())) for t in tables}
    finally:
        con.close()


def dead_letter_rows(path: Path) -> list[tuple[int | None, str, str, str]]:
    """The dead letters of a SQLite file, oldest first: (update_id, source, reason, body)."""
    con = sqlite3.connect(path, timeout=30)
    try:
        rows = con.execute(
            "SELECT update_id, source, reason, body FROM dead_letters ORDER BY id"
        ).fetchall()
    finally:
        con.close()
    return [(u, s, r, b) for u, s, r, b in rows]
