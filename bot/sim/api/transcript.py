"""Plain-terminal rendering of bot messages for `sitrep chat`, with numbered inline buttons."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.sim.api.html import utf16_to_index

__all__ = ["Button", "ButtonIndex", "render_entities", "render_event", "render_message"]

_INDENT = "    "


@dataclass(frozen=True)
class Button:
    """An inline button as typed by number in the terminal chat."""

    number: int
    text: str
    callback_data: str | None
    url: str | None
    message: dict[str, Any]


def _buttons(message: dict[str, Any]) -> list[list[dict[str, Any]]]:
    markup = message.get("reply_markup") or {}
    rows = markup.get("inline_keyboard") or []
    return [list(row) for row in rows if row]


def render_entities(text: str, entities: list[dict[str, Any]]) -> str:
    """Render text + entities readably: links as "text (url)", pre indented, spoilers ||x||."""
    spans = []
    for entity in entities:
        start = utf16_to_index(text, entity["offset"])
        end = utf16_to_index(text, entity["offset"] + entity["length"])
        spans.append((start, end, entity))
    spans.sort(key=lambda s: (s[0], -s[1]))
    return _render(text, 0, len(text), spans)


def _render(text: str, start: int, end: int, spans: list[tuple[int, int, dict[str, Any]]]) -> str:
    out: list[str] = []
    pos = start
    index = 0
    while index < len(spans):
        s_start, s_end, entity = spans[index]
        children = []
        index += 1
        while index < len(spans) and spans[index][0] < s_end:
            children.append((spans[index][0], min(spans[index][1], s_end), spans[index][2]))
            index += 1
        out.append(text[pos:s_start])
        inner = _render(text, s_start, s_end, children)
        out.append(_decorate(inner, entity))
        pos = s_end
    out.append(text[pos:end])
    return "".join(out)


def _decorate(inner: str, entity: dict[str, Any]) -> str:
    kind = entity["type"]
    if kind == "text_link":
        url = entity.get("url", "")
        return inner if inner == url else f"{inner} ({url})"
    if kind == "pre":
        body = "\n".join(_INDENT + line for line in inner.strip("\n").split("\n"))
        return f"\n{body}\n"
    if kind in ("blockquote", "expandable_blockquote"):
        return "\n".join("│ " + line for line in inner.split("\n"))
    if kind == "spoiler":
        return f"||{inner}||"
    return inner


def _render_buttons(message: dict[str, Any]) -> list[str]:
    lines = []
    number = 0
    for row in _buttons(message):
        cells = []
        for button in row:
            number += 1
            label = f"[{number}] {button.get('text', '')}"
            if button.get("url"):
                label += f" ({button['url']})"
            cells.append(label)
        lines.append("  ".join(cells))
    return lines


def render_message(message: dict[str, Any]) -> str:
    """A sent or edited message as readable terminal text, buttons listed as "[1] More"."""
    parts: list[str] = []
    if "document" in message:
        parts.append(f"[document: {message['document'].get('file_name', 'file')}]")
    if "photo" in message:
        parts.append("[photo]")
    if "text" in message:
        parts.append(render_entities(message["text"], message.get("entities", [])).strip("\n"))
    elif "caption" in message:
        caption = message["caption"]
        parts.append(render_entities(caption, message.get("caption_entities", [])).strip("\n"))
    body = "\n".join(parts)
    if message.get("edit_date"):
        body = f"(edited) {body}"
    lines = [body, *_render_buttons(message)]
    return "\n".join(line for line in lines if line)


def render_event(kind: str, message: dict[str, Any]) -> str:
    """Render a LocalBotApi event: "sent", "edited" (marked edited) or "deleted"."""
    if kind == "deleted":
        return f"(deleted) message {message.get('message_id')}"
    return render_message(message)


class ButtonIndex:
    """Maps the numbers shown by render_message to the buttons of the last message with buttons.

    Typing ``1`` in the terminal chat presses button 1 of that message. Edits of that message
    refresh the buttons; deleting it (or editing the buttons away) clears the index.
    """

    def __init__(self) -> None:
        self.message: dict[str, Any] | None = None
        self._buttons: list[Button] = []

    def observe(self, kind: str, message: dict[str, Any]) -> None:
        """Feed every sent/edited/deleted event in order."""
        same = self.message is not None and _same_message(self.message, message)
        if kind == "deleted":
            if same:
                self.message, self._buttons = None, []
            return
        buttons = [b for row in _buttons(message) for b in row]
        if buttons:
            self.message = message
            self._buttons = [
                Button(n, b.get("text", ""), b.get("callback_data"), b.get("url"), message)
                for n, b in enumerate(buttons, start=1)
            ]
        elif same:
            self.message, self._buttons = None, []

    def press(self, choice: str | int) -> Button | None:
        """The button with that number, or None if there is none."""
        try:
            number = int(str(choice).strip())
        except ValueError:
            return None
        if 1 <= number <= len(self._buttons):
            return self._buttons[number - 1]
        return None

    def __len__(self) -> int:
        return len(self._buttons)


def _same_message(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return bool(a.get("message_id") == b.get("message_id") and a["chat"]["id"] == b["chat"]["id"])
