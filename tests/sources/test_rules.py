"""The pure rules of sources: item keys, intervals and backoff, reading /sources add, the
address guard and the /review button codec."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.domain.sources.commands import SourceInputError, new_source, read_add_words
from bot.domain.sources.keys import item_keys, normalise_link
from bot.domain.sources.model import FeedItem, Source, SourceKind, Trust
from bot.domain.sources.ports import PollResult
from bot.domain.sources.schedule import BACKOFF_CAP, next_poll_at, parse_interval
from bot.feeds.guard import UnsafeURL, check_scheme, is_public
from bot.telegram.callbacks.sources import QueueAction, QueuePress

NOW = datetime(2024, 3, 9, 12, 0, tzinfo=UTC)


def test_links_compare_without_tracking_fragment_or_scheme() -> None:
    a = normalise_link("https://News.Example.org/a/b/?utm_source=x&id=7#top")
    assert a == normalise_link("http://news.example.org/a/b?id=7&fbclid=abc")
    assert a != normalise_link("https://news.example.org/a/b?id=8")
    assert normalise_link("javascript:alert(1)") == normalise_link("not a url") == ""


def test_guids_are_scoped_unless_they_are_links() -> None:
    local = FeedItem(guid="1234", title="t", text="Same words in two feeds, told alike.")
    assert item_keys(1, local).guid != item_keys(2, local).guid
    assert item_keys(1, local).content == item_keys(2, local).content
    web = FeedItem(guid="https://e.org/story/9", title="x")
    assert item_keys(1, web).guid == item_keys(2, web).guid
    assert item_keys(1, web).link == item_keys(2, FeedItem(link="http://e.org/story/9/")).link
    assert item_keys(1, FeedItem(title="short")).item == ""  # nothing to know it by: skipped


@pytest.mark.parametrize(
    ("text", "seconds"), [("30m", 1800), ("2h", 7200), ("90s", 90), ("1d", 86400), ("45", 2700)]
)
def test_intervals(text: str, seconds: int) -> None:
    assert parse_interval(text) == seconds


@pytest.mark.parametrize("text", ["", "5x", "10s", "8d", "-3m", "1.5h"])
def test_bad_intervals(text: str) -> None:
    with pytest.raises(ValueError):
        parse_interval(text)


def _source(failures: int = 0, interval: int = 900) -> Source:
    return Source(
        id=1, kind=SourceKind.FEED, url="https://e.org/f", name="e", interval=interval,
        trust=Trust.REVIEW, full_text=False, focus="", since=None, chat_id=None, paused=False,
        created_at=NOW, failures=failures,
    )  # fmt: skip


def test_backoff_doubles_up_to_a_cap_and_honours_retry_after() -> None:
    ok = PollResult(ok=True)
    failed = PollResult(ok=False, error="HTTP 500")
    assert next_poll_at(_source(), ok, NOW) == NOW + timedelta(minutes=15)
    delays = [next_poll_at(_source(n), failed, NOW) - NOW for n in range(8)]
    assert delays[:4] == [timedelta(minutes=m) for m in (15, 30, 60, 120)]
    assert max(delays) == timedelta(seconds=BACKOFF_CAP)
    busy = PollResult(ok=False, error="HTTP 429", retry_after=7200)
    assert next_poll_at(_source(), busy, NOW) == NOW + timedelta(hours=2)


def test_reading_sources_add() -> None:
    new = read_add_words(
        "https://e.org/rss every 2h publish full since 2024-03-01 name The Wire".split()
    )
    assert (new.url, new.interval, new.trust, new.full_text) == (
        "https://e.org/rss",
        7200,
        Trust.PUBLISH,
        True,
    )
    assert (new.since, new.name) == (date(2024, 3, 1), "The Wire")
    channel = new_source("tg:-1001234")
    assert (channel.kind, channel.chat_id, channel.name) == (
        SourceKind.CHANNEL,
        -1001234,
        "channel -1001234",
    )
    assert new_source("https://www.Example.org/feed").name == "example.org"
    for words in (["gopher://x"], ["https://e.org", "sometimes"], ["https://e.org", "since", "x"]):
        with pytest.raises(SourceInputError):
            read_add_words(words)


def test_address_guard() -> None:
    for address in ("127.0.0.1", "10.0.0.8", "169.254.169.254", "::1", "::ffff:192.168.1.1",
                    "fd00:ec2::254", "100.64.0.1", "224.0.0.1", "0.0.0.0"):  # fmt: skip
        assert not is_public(address), address
    assert is_public("93.184.216.34") and is_public("2606:2800:220:1::1")
    assert check_scheme("https://e.org:8443/x") == ("e.org", 8443)
    for url in ("ftp://e.org/", "file:///etc/passwd", "https:///nohost", "http://[::1"):
        with pytest.raises(UnsafeURL):
            check_scheme(url)


def test_review_button_codec() -> None:
    for press in (QueuePress(QueueAction.PUBLISH, 5), QueuePress(QueueAction.INTO, 5, 9)):
        assert QueuePress.decode(press.encode()) == press
    for data in ("rv:pub:5:9", "rv:into:5", "rv:zap:5", "rv:pub:99999999999", "rv:pub:-1", None):
        assert QueuePress.decode(data) is None
