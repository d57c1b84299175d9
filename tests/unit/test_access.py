"""Pure pieces of access and privacy: id parsing, allowlist kinds, the /forget report, clipping."""

from __future__ import annotations

import pytest

from bot.domain.people.access import ForgetReport, kind_of, parse_id
from bot.render.environment import Renderer, create_environment
from bot.store.audit import _clip
from bot.telegram.handlers.forget import forget_choice, forget_result

RENDERER = Renderer(create_environment())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("123456789", 123456789),
        (" 42 ", 42),
        ("-1001234567890", -1001234567890),
        ("-42", -42),
        ("0", None),
        ("-0", None),
        ("", None),
        ("abc", None),
        ("12a", None),
        ("1.5", None),
        ("+5", None),
        ("1 2", None),
        ("12345678901234567", None),  # 17 digits: no Telegram id is that long
        ("9999999999999999", None),  # 16 digits but beyond 52 bits
        ("4503599627370495", 4503599627370495),  # 2**52 - 1
    ],
)
def test_parse_id(text: str, expected: int | None) -> None:
    assert parse_id(text) == expected


@pytest.mark.parametrize(
    ("ident", "kind"), [(1001, "user"), (-1001234567890, "chat"), (-42, "chat"), (7, "user")]
)
def test_kind_of(ident: int, kind: str) -> None:
    assert kind_of(ident) == kind


@pytest.mark.parametrize(
    ("data", "choice"),
    [
        ("fg:yes", "yes"),
        ("fg:no", "no"),
        ("fg:YES", None),
        ("fg:yes:1", None),
        ("fg:yes\n", None),
        ("xfg:yes", None),
        ("fg:", None),
        ("s:time", None),
        (None, None),
    ],
)
def test_forget_button_data(data: str | None, choice: str | None) -> None:
    assert forget_choice(data) == choice


@pytest.mark.parametrize(
    ("report", "private", "present", "absent"),
    [
        (
            ForgetReport(user_row=True, chat_row=True, subscription=True, messages=1, questions=1),
            True,
            ["your user record", "1 message queued", "1 question-log entry\n"],
            ["Kept:", "messages"],
        ),
        (
            ForgetReport(chat_row=True, messages=3, questions=2, allowlisted=True, admin=True),
            False,
            [
                "this chat's record",
                "3 messages",
                "2 question-log entries",
                "allowlist",
                "admin role",
            ],
            ["your user record", "subscription"],
        ),
        (
            ForgetReport(),
            True,
            ["Sitrep held nothing about you."],
            ["deleted:"],
        ),
        (
            ForgetReport(),
            False,
            ["Sitrep held nothing about this chat."],
            ["deleted:"],
        ),
    ],
)
def test_forget_result(
    report: ForgetReport, private: bool, present: list[str], absent: list[str]
) -> None:
    text = forget_result(RENDERER, report, private)
    for part in present:
        assert part in text
    for part in absent:
        assert part not in text
    assert text.endswith("Events and their sources are not personal data and stay.")


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("short", 10, "short"),
        ("x" * 10, 10, "x" * 10),
        ("x" * 11, 10, "x" * 9 + "…"),
        ("/ingest\nline two\n  three", 40, "/ingest line two three"),
    ],
)
def test_clip(text: str, limit: int, expected: str) -> None:
    assert _clip(text, limit) == expected
