"""The buttons under an answer: "More" and "Subscribe to <place>"."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.questions.answers import Answer
from bot.telegram.callbacks import MAX_DATA
from bot.telegram.callbacks.answers import MoreButton, SubscribeButton
from bot.telegram.keyboards import Labels

MESSAGES = "questions_messages.html"
MAX_LABEL = 64  # longest button label kept


def answer_keyboard(
    labels: Labels, answer: Answer, token: str | None, subscribe: bool
) -> InlineKeyboardMarkup | None:
    """ "More" when there is a next page; "Subscribe to <place>" when subscriptions are on."""
    rows: list[list[InlineKeyboardButton]] = []
    if answer.has_more and token:
        more = MoreButton(token).encode()
        rows.append([InlineKeyboardButton(labels("more_button"), callback_data=more)])
    place = answer.subscribe_place
    if subscribe and place is not None and answer.kind != "unknown_place":
        label = labels("subscribe_button", name=place.name)[:MAX_LABEL]
        data = SubscribeButton(place.key).encode()[:MAX_DATA]
        rows.append([InlineKeyboardButton(label, callback_data=data)])
    return InlineKeyboardMarkup(rows) if rows else None
