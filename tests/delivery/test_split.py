"""split_html: parts within Telegram's limit in UTF-16 units, cut at boundaries, tags closed and
reopened, entities never cut, each part valid Telegram HTML; and broken templates stop start-up."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from bot.bootstrap import build_services
from bot.delivery.split import TELEGRAM_LIMIT, split_html, utf16_len
from bot.domain.clock import Clock
from bot.render import environment as environment_module
from bot.render.environment import (
    TEMPLATES_DIR,
    TemplateCheckError,
    check_templates,
    create_environment,
)
from bot.sim.api import parse_html
from tests.support.delivery import settings_for


def _squash(text: str) -> str:
    return "".join(text.split())


def check_parts(text: str, parts: list[str], limit: int) -> None:
    """Each part fits and is valid Telegram HTML; together they say what the text said."""
    assert parts
    for part in parts:
        assert utf16_len(part) <= limit, part
        parse_html(part)
    original = _squash(parse_html(text)[0])
    assert _squash("".join(parse_html(p)[0] for p in parts)) == original


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("a" * TELEGRAM_LIMIT, 1),
        ("a" * (TELEGRAM_LIMIT + 1), 2),
        ("🙂" * (TELEGRAM_LIMIT // 2), 1),  # 2 UTF-16 units each: exactly at the limit
        ("🙂" * (TELEGRAM_LIMIT // 2) + "a", 2),
        ("<b>" + "a" * TELEGRAM_LIMIT + "</b>", 2),  # markup counts too: conservative
    ],
)
def test_at_the_limit(text: str, count: int) -> None:
    parts = split_html(text)
    assert len(parts) == count
    check_parts(text, parts, TELEGRAM_LIMIT)


def test_len_counts_utf16_units() -> None:
    assert utf16_len("🙂") == 2 and utf16_len("é") == 1 and utf16_len("اسلام قلعه") == 10
    text = "🇦🇫 " * 1000  # a flag is two astral characters: 5 units with the space
    parts = split_html(text)
    assert len(text) < TELEGRAM_LIMIT < utf16_len(text) and len(parts) == 2
    check_parts(text, parts, TELEGRAM_LIMIT)
    assert all(not p.replace("🇦🇫", "").strip() for p in parts)  # no flag cut in half


def test_prefers_paragraphs_then_lines_then_words() -> None:
    para = "First paragraph line.\nSecond line of it."
    text = "\n\n".join([para] * 200)
    parts = split_html(text, limit=500)
    assert all(p.endswith("Second line of it.") for p in parts)
    check_parts(text, parts, 500)
    words = "alpha beta gamma delta " * 100
    parts = split_html(words, limit=100)
    assert all(not p.endswith(("alph", "bet", "gamm", "delt")) for p in parts)
    check_parts(words, parts, 100)


def test_tags_closed_and_reopened() -> None:
    link = '<a href="https://example.org/report?id=1&amp;lang=en">'
    text = f"<b>Herat: {link}<i>{'the crossing was closed again ' * 40}</i></a> end</b>"
    parts = split_html(text, limit=300)
    assert len(parts) > 3
    for part in parts[:-1]:
        assert part.endswith("</i></a></b>") or part.endswith("</a></b>") or part.endswith("</b>")
    for part in parts[1:]:
        assert part.startswith("<b>")
    middle = parts[1]
    assert middle.startswith(f"<b>{link}<i>") and middle.endswith("</i></a></b>")
    check_parts(text, parts, 300)
    # the link still covers its text in every part
    for part in parts[1:-1]:
        _, entities = parse_html(part)
        assert any(e["type"] == "text_link" and e["length"] > 0 for e in entities), entities


def test_entities_and_tags_never_cut() -> None:
    text = "&lt;b&gt;&amp;&quot;" * 300 + "<b>x</b><i>y</i>" * 300
    for limit in (37, 64, 101, 256):
        parts = split_html(text, limit=limit)
        check_parts(text, parts, limit)
        for part in parts:
            tail = part.rsplit("&", 1)[-1] if "&" in part else ";"
            assert ";" in tail  # no part ends inside an entity


ALPHABET = ["Islam", "Qala", "🙂", "&amp;", "&lt;", "اسلام", "قلعه", "\n", "\n\n", " ", "x" * 30]
TAGS = [
    ("<b>", "</b>"),
    ("<i>", "</i>"),
    ("<u>", "</u>"),
    ("<code>", "</code>"),
    ('<a href="https://example.org/a?b=1&amp;c=2">', "</a>"),
    ("<s>", "</s>"),
]


def _random_html(rng: random.Random, size: int) -> str:
    out: list[str] = []
    stack: list[str] = []
    for _ in range(size):
        roll = rng.random()
        if roll < 0.08 and len(stack) < 3:
            opening, closing = rng.choice(TAGS)
            if closing not in stack and not (closing == "</code>" and stack):
                out.append(opening)
                stack.append(closing)
        elif roll < 0.14 and stack:
            out.append(stack.pop())
        else:
            out.append(rng.choice(ALPHABET) + " ")
    out.extend(reversed(stack))
    return "".join(out)


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("limit", [120, 300, TELEGRAM_LIMIT])
def test_random_html_splits_into_valid_parts(seed: int, limit: int) -> None:
    rng = random.Random(seed)
    text = _random_html(rng, 1500 if limit == TELEGRAM_LIMIT else 300)
    parse_html(text)
    check_parts(text, split_html(text, limit=limit), limit)


def test_markup_longer_than_the_limit_still_ends() -> None:
    """A pathological limit: the reopened tags alone nearly fill a part. It must not loop."""
    link = '<a href="https://example.org/' + "x" * 80 + '">'
    text = f"<b>{link}{'word ' * 40}</a></b>"
    parts = split_html(text, limit=60)
    assert 1 < len(parts) <= len(_squash(parse_html(text)[0]))  # at least a character each
    for part in parts:
        assert _squash(parse_html(part)[0])  # never an empty message
    assert _squash("".join(parse_html(p)[0] for p in parts)) == _squash(parse_html(text)[0])


def test_no_empty_parts() -> None:
    assert split_html("") == [] and split_html("<b> </b>") == []
    assert split_html("<b>hi</b>") == ["<b>hi</b>"]


def test_shipped_templates_compile() -> None:
    names = check_templates(create_environment())
    assert {"daily.html", "daily_empty.html"} <= set(names)


def _broken_templates(tmp_path: Path) -> Path:
    target = tmp_path / "briefings"
    shutil.copytree(TEMPLATES_DIR, target)
    daily = target / "daily.html"
    daily.write_text(daily.read_text() + "\n{% if d.more %}\nunclosed block\n", encoding="utf-8")
    return target


def test_broken_template_is_named(tmp_path: Path) -> None:
    with pytest.raises(TemplateCheckError, match=r"briefings/daily\.html.*endif|daily\.html"):
        check_templates(create_environment(_broken_templates(tmp_path)))


async def test_broken_template_stops_start_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = _broken_templates(tmp_path)
    monkeypatch.setattr(
        environment_module, "create_environment", lambda **_: create_environment(broken)
    )
    db = tmp_path / "db" / "sitrep.db"
    with pytest.raises(TemplateCheckError) as err:
        await build_services(settings_for(f"sqlite+aiosqlite:///{db}"), Clock())
    assert "daily.html" in str(err.value)
    assert not db.exists()  # stopped before the store was opened
