"""Update intake: the update inbox (stored before Telegram gets an answer), polling, the webhook."""
