"""Typed callback data: every button's data is written and read here, strictly.

Each kind of button is a small frozen dataclass: `encode()` writes its data and the classmethod
`decode()` reads it, returning None for anything stale, tampered or unknown (the handler then
refuses it politely). `settings` holds the /settings buttons, `answers` the buttons under an
answer, `admin` the admin side's (/forget, ingest review, push controls).
"""

MAX_DATA = 64  # Telegram's limit on callback data, in bytes
MAX_ROW_ID = 2**31 - 1  # ids in button data address INTEGER columns: larger ones are tampered
