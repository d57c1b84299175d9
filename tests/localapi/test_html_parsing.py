"""The in-process Bot API's Telegram HTML parser: what it accepts and rejects; UTF-16 offsets."""

from __future__ import annotations

import pytest

from bot.sim.api import HtmlParseError, parse_html

# ---------------------------------------------------------------- HTML


@pytest.mark.parametrize(
    ("html", "plain", "types"),
    [
        ("plain text", "plain text", []),
        ("<b>x</b>", "x", ["bold"]),
        (
            "<strong>x</strong> <em>y</em> <ins>u</ins> <del>d</del>",
            "x y u d",
            ["bold", "italic", "underline", "strikethrough"],
        ),
        ("<b>bold <i>both</i></b>", "bold both", ["bold", "italic"]),
        ('<a href="https://apnews.com/x">AP</a>', "AP", ["text_link"]),
        ("&lt;br&gt; &amp; &quot;q&quot; &#39; &#x1F600;", '<br> & "q" \' 😀', []),
        ("<code>x &lt; y</code>", "x < y", ["code"]),
        ('<pre><code class="language-python">print(1)</code></pre>', "print(1)", ["pre"]),
        (
            '<span class="tg-spoiler">s</span> <tg-spoiler>t</tg-spoiler>',
            "s t",
            ["spoiler", "spoiler"],
        ),
        ("<blockquote expandable>quote</blockquote>", "quote", ["expandable_blockquote"]),
        ('<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>', "👍", ["custom_emoji"]),
        ("<B>upper</B>", "upper", ["bold"]),
        ("a > b", "a > b", []),
        ("<b></b>empty", "empty", []),
    ],
)
def test_parse_html_accepts_telegram_html(html: str, plain: str, types: list[str]) -> None:
    text, entities = parse_html(html)
    assert text == plain
    assert [e["type"] for e in entities] == types


@pytest.mark.parametrize(
    ("html", "error"),
    [
        ("line one<br>two", 'Unsupported start tag "br" at byte offset 8'),
        ("<p>para</p>", 'Unsupported start tag "p" at byte offset 0'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("é<div>", 'Unsupported start tag "div" at byte offset 2'),  # UTF-8 byte offsets
        ("x <b", "Unclosed start tag at byte offset 2"),
        ("AT&T", 'Unsupported HTML entity "&T" at byte offset 2'),
        ("&foo; bar", 'Unsupported HTML entity "&foo;" at byte offset 0'),
        ('<span class="x">s</span>', 'Tag "span" must have class "tg-spoiler"'),
        ("<a href>x</a>", 'Expected equal sign in declaration of an attribute of the tag "a"'),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
    ],
)
def test_parse_html_rejects_what_telegram_rejects(html: str, error: str) -> None:
    with pytest.raises(HtmlParseError) as info:
        parse_html(html)
    assert str(info.value).startswith(error)


def test_parse_html_offsets_are_utf16() -> None:
    text, entities = parse_html("😀 <b>Herat</b>")
    assert text == "😀 Herat"
    assert entities == [{"type": "bold", "offset": 3, "length": 5}]


def test_lenient_mode_keeps_bare_ampersand_like_telegram() -> None:
    assert parse_html("AT&T &foo;", strict=False) == ("AT&T &foo;", [])
