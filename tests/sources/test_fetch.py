"""Fetching and parsing feeds from a local server: formats, conditional GET, errors, limits,
encodings and refused documents."""

from __future__ import annotations

import pytest

from bot.domain.sources.ports import FetchOutcome
from bot.feeds.fetch import FetchLimits, HttpFeedFetcher
from bot.feeds.parse import FeedRefused, parse_feed
from tests.support.feedserver import (
    ADRE,
    KIDAL,
    UNDATED,
    FeedServer,
    Route,
    Story,
    atom,
    json_feed,
    rss,
    rss1,
)


@pytest.fixture
async def fetcher():
    f = HttpFeedFetcher(
        allow_private=True,
        limits=FetchLimits(max_bytes=1024 * 1024, read_timeout=0.5, total_timeout=5),
    )
    yield f
    await f.aclose()


@pytest.mark.parametrize(
    ("body", "ctype"),
    [
        (rss([ADRE, KIDAL]), "application/rss+xml"),
        (rss1([ADRE, KIDAL]), "application/rdf+xml"),
        (atom([ADRE, KIDAL]), "application/atom+xml"),
        (json_feed([ADRE, KIDAL]), "application/feed+json"),
    ],
    ids=["rss2", "rss1", "atom", "jsonfeed"],
)
async def test_every_format_gives_its_items(
    feed_server: FeedServer, fetcher: HttpFeedFetcher, body: bytes, ctype: str
) -> None:
    url = feed_server.add("/feed", Route(body=body, content_type=ctype))
    got = await fetcher.fetch(url)
    assert got.outcome is FetchOutcome.OK
    feed = parse_feed(got.body, got.content_type)
    assert [i.title for i in feed.items] == [ADRE.title, KIDAL.title]
    assert feed.items[0].text == ADRE.text
    assert feed.items[0].link == ADRE.link
    assert feed.items[0].published is not None
    assert feed.items[0].published.isoformat() == "2024-03-08T10:00:00+00:00"


async def test_etag_gives_304(feed_server: FeedServer, fetcher: HttpFeedFetcher) -> None:
    url = feed_server.add("/f", Route(body=rss([ADRE]), etag='"v1"'))
    first = await fetcher.fetch(url)
    assert first.outcome is FetchOutcome.OK and first.etag == '"v1"'
    second = await fetcher.fetch(url, etag=first.etag)
    assert second.outcome is FetchOutcome.NOT_MODIFIED


async def test_server_error_then_recovery_and_retry_after(
    feed_server: FeedServer, fetcher: HttpFeedFetcher
) -> None:
    url = feed_server.add("/f", Route(body=rss([ADRE]), fail_first=1))
    failed = await fetcher.fetch(url)
    assert failed.outcome is FetchOutcome.FAILED and "500" in failed.error
    assert (await fetcher.fetch(url)).outcome is FetchOutcome.OK
    busy = feed_server.add("/busy", Route(status=429, headers={"Retry-After": "120"}))
    got = await fetcher.fetch(busy)
    assert got.outcome is FetchOutcome.FAILED and got.retry_after == 120


async def test_timeout(feed_server: FeedServer, fetcher: HttpFeedFetcher) -> None:
    url = feed_server.add("/slow", Route(body=rss([ADRE]), delay=2.0))
    got = await fetcher.fetch(url)
    assert got.outcome is FetchOutcome.FAILED and got.error == "timed out"


async def test_redirects_followed_up_to_five(
    feed_server: FeedServer, fetcher: HttpFeedFetcher
) -> None:
    feed_server.add("/r0", Route(body=rss([ADRE])))
    for n in range(1, 7):
        feed_server.add(f"/r{n}", Route(redirect=f"/r{n - 1}"))
    got = await fetcher.fetch(feed_server.url("/r5"))
    assert got.outcome is FetchOutcome.OK and got.final_url.endswith("/r0")
    too_many = await fetcher.fetch(feed_server.url("/r6"))
    assert too_many.outcome is FetchOutcome.FAILED and "redirects" in too_many.error


async def test_gzip(feed_server: FeedServer, fetcher: HttpFeedFetcher) -> None:
    url = feed_server.add("/gz", Route(body=rss([ADRE, KIDAL]), gzip=True))
    got = await fetcher.fetch(url)
    assert len(parse_feed(got.body, got.content_type).items) == 2


async def test_huge_bodies_are_capped(feed_server: FeedServer, fetcher: HttpFeedFetcher) -> None:
    endless = feed_server.add("/endless", Route(endless=True))
    got = await fetcher.fetch(endless)
    assert got.outcome is FetchOutcome.FAILED and "larger than 1 MB" in got.error
    # 20 MB declared up front, and 20 MB that gzip squeezes into a few KB: both stop at the cap
    big = b"<rss>" + b" " * (20 * 1024 * 1024) + b"</rss>"
    for route in (Route(body=big), Route(body=big, gzip=True)):
        url = feed_server.add("/big", route)
        got = await fetcher.fetch(url)
        assert got.outcome is FetchOutcome.FAILED and "larger than" in got.error


async def test_content_type_checked(feed_server: FeedServer, fetcher: HttpFeedFetcher) -> None:
    url = feed_server.add("/img", Route(body=b"\x89PNG", content_type="image/png"))
    got = await fetcher.fetch(url)
    assert got.outcome is FetchOutcome.FAILED and "image/png" in got.error


async def test_private_addresses_and_other_schemes_refused(feed_server: FeedServer) -> None:
    url = feed_server.add("/f", Route(body=rss([ADRE])))
    strict = HttpFeedFetcher()
    try:
        got = await strict.fetch(url)
        assert got.outcome is FetchOutcome.FAILED and "SOURCES_ALLOW_PRIVATE" in got.error
        for bad in ("http://169.254.169.254/latest/", "http://[::1]/", "http://10.1.2.3/"):
            assert (await strict.fetch(bad)).outcome is FetchOutcome.FAILED
        assert "only http and https" in (await strict.fetch("file:///etc/passwd")).error
        assert feed_server.hits["/f"] == 0
    finally:
        await strict.aclose()


async def test_every_redirect_hop_is_checked(
    feed_server: FeedServer, fetcher: HttpFeedFetcher
) -> None:
    url = feed_server.add("/hop", Route(redirect="file:///etc/passwd"))
    got = await fetcher.fetch(url)
    assert got.outcome is FetchOutcome.FAILED and "only http and https" in got.error


async def test_full_text_of_a_linked_page(
    feed_server: FeedServer, fetcher: HttpFeedFetcher
) -> None:
    page = (
        "<html><head><script>var x = 1;</script></head><body><nav>Menu</nav>"
        f"<p>{KIDAL.text} Residents said the attackers fled on motorbikes.</p>"
        "<p>Short.</p></body></html>"
    ).encode("windows-1251")
    url = feed_server.add("/page", Route(body=page, content_type="text/html; charset=windows-1251"))
    text = await fetcher.article_text(url)
    assert KIDAL.text in text and "motorbikes" in text
    assert "Menu" not in text and "var x" not in text
    feed_url = feed_server.add("/feed-not-page", Route(body=rss([KIDAL])))
    assert await fetcher.article_text(feed_url) == ""  # not an HTML page


def test_malformed_feed_refused() -> None:
    with pytest.raises(FeedRefused):
        parse_feed(b"<html><body>Not a feed at all</body></html>", "text/html")
    with pytest.raises(FeedRefused):
        parse_feed(b'{"title": "no version"}', "application/json")
    with pytest.raises(FeedRefused):
        parse_feed(b"", "application/rss+xml")


async def test_entity_bomb_refused(feed_server: FeedServer, fetcher: HttpFeedFetcher) -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">'
        + "".join(
            f'<!ENTITY {chr(98 + i)} "&{chr(97 + i)};&{chr(97 + i)};' * 5 + '">' for i in range(8)
        )
        + ']><rss version="2.0"><channel><title>&i;</title></channel></rss>'
    ).encode()
    url = feed_server.add("/bomb", Route(body=bomb))
    got = await fetcher.fetch(url)
    assert got.outcome is FetchOutcome.OK  # fetched like any document, refused by the parser
    with pytest.raises(FeedRefused, match="entities"):
        parse_feed(got.body, got.content_type)
    external = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<rss version="2.0"><channel><title>&x;</title></channel></rss>'
    )
    with pytest.raises(FeedRefused):
        parse_feed(external.decode().encode("utf-16"), "application/rss+xml")


async def test_windows_1251_and_utf16(feed_server: FeedServer, fetcher: HttpFeedFetcher) -> None:
    story = Story("urn:test:ru", "Обстрел рынка в Харькове", "Снаряд попал в рынок в Харькове.")
    # declared in the XML declaration, in the HTTP header only, or by a byte-order mark
    undeclared = rss([story]).decode().replace(' encoding="utf-8"', "").encode("windows-1251")
    for path, body, ctype in (
        ("/cp1251", rss([story], encoding="windows-1251"), "application/rss+xml"),
        ("/header", undeclared, "application/rss+xml; charset=windows-1251"),
        ("/utf16", rss([story], encoding="utf-16"), "application/rss+xml"),
    ):
        url = feed_server.add(path, Route(body=body, content_type=ctype))
        got = await fetcher.fetch(url)
        items = parse_feed(got.body, got.content_type).items
        assert [(i.title, i.text) for i in items] == [(story.title, story.text)], path


def test_items_without_dates() -> None:
    items = parse_feed(rss([UNDATED]), "application/rss+xml").items
    assert len(items) == 1 and items[0].published is None and items[0].title == UNDATED.title
