"""Inline keyboards of the admin side: /forget's prompt, ingest review, push Confirm/Cancel.

Labels are plain text rendered from macros in briefings/ (the caller passes a `LabelFn`); the
button data comes from the codecs in `bot.telegram.callbacks.admin`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from telegram import InlineKeyboardButton as Button
from telegram import InlineKeyboardMarkup

from bot.domain.editions.model import PushView
from bot.domain.ingest.review import ReviewAction, one_button_rows
from bot.telegram.callbacks.admin import ForgetChoice, ForgetPress, PushPress, ReviewPress


class LabelFn(Protocol):
    """Renders one label macro as plain text."""

    def __call__(self, macro: str, /, **data: Any) -> str:
        """The label."""


def forget_keyboard(label: LabelFn) -> InlineKeyboardMarkup:
    """Yes, delete / No under the /forget prompt."""
    return InlineKeyboardMarkup(
        [
            [
                Button(label("forget_yes"), callback_data=ForgetPress(ForgetChoice.YES).encode()),
                Button(label("forget_no"), callback_data=ForgetPress(ForgetChoice.NO).encode()),
            ]
        ]
    )


def review_keyboard(
    label: LabelFn, article_id: int, draft_ids: Sequence[int]
) -> InlineKeyboardMarkup:
    """Publish all / Discard all, then a "discard one" button per draft (at most 16)."""
    rows = [
        [
            Button(
                label("publish_all", count=len(draft_ids)),
                callback_data=ReviewPress(ReviewAction.PUBLISH, article_id).encode(),
            ),
            Button(
                label("discard_all"),
                callback_data=ReviewPress(ReviewAction.DISCARD_ALL, article_id).encode(),
            ),
        ]
    ]
    rows += [
        [
            Button(
                label("discard_one", event_id=event_id),
                callback_data=ReviewPress(ReviewAction.DISCARD_ONE, article_id, event_id).encode(),
            )
            for event_id in row
        ]
        for row in one_button_rows(draft_ids)
    ]
    return InlineKeyboardMarkup(rows)


def push_controls(label: LabelFn, push: PushView) -> InlineKeyboardMarkup:
    """Confirm (with the number of chats) / Cancel under a push preview."""
    return InlineKeyboardMarkup(
        [
            [
                Button(
                    label("confirm", recipients=push.recipients),
                    callback_data=PushPress(True, push.id).encode(),
                ),
                Button(label("cancel"), callback_data=PushPress(False, push.id).encode()),
            ]
        ]
    )
