"""The buttons under a draft shown by /review: Publish / Edit / Discard / Merge, and the events
a draft may merge into. Labels come from briefings/sources_messages.html."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton as Button
from telegram import InlineKeyboardMarkup

from bot.domain.events.model import EventView
from bot.telegram.callbacks.sources import QueueAction, QueuePress
from bot.telegram.keyboards.admin import LabelFn


def queue_keyboard(label: LabelFn, event_id: int) -> InlineKeyboardMarkup:
    """Publish, Edit, Discard and Merge for one draft."""

    def button(action: QueueAction, macro: str) -> Button:
        return Button(label(macro), callback_data=QueuePress(action, event_id).encode())

    return InlineKeyboardMarkup(
        [
            [
                button(QueueAction.PUBLISH, "btn_publish"),
                button(QueueAction.EDIT, "btn_edit"),
            ],
            [
                button(QueueAction.DISCARD, "btn_discard"),
                button(QueueAction.MERGE, "btn_merge"),
            ],
        ]
    )


def merge_keyboard(
    label: LabelFn, event_id: int, targets: Sequence[EventView]
) -> InlineKeyboardMarkup:
    """One button per event the draft may merge into."""
    return InlineKeyboardMarkup(
        [
            [
                Button(
                    label("btn_into", id=t.id),
                    callback_data=QueuePress(QueueAction.INTO, event_id, t.id).encode(),
                )
            ]
            for t in targets
        ]
    )
