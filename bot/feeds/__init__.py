"""The feeds adapter: fetching feeds and linked pages over HTTP(S) safely, and parsing RSS 2.0,
RSS 1.0, Atom and JSON Feed into the domain's plain items (`bot.domain.sources.model`).

It implements the domain's `FeedFetcher` and `FeedParser` ports; it may import the domain's data
types and httpx/feedparser, never SQL, the store or Telegram. Created in the application's
lifecycle (one HTTP client per process), closed with it.
"""
