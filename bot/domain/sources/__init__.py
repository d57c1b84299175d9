"""Sources that feed themselves: news feeds and Telegram channels, polled on a schedule.

A source is a feed URL or a channel with a name, a poll interval, a trust level (`review`: its
events wait as drafts; `publish`: published at once) and its health. The poller claims due
sources with a lease in the database (so several instances never poll one twice), fetches them
through a `FeedFetcher` port (the HTTP adapter lives in `bot.feeds`), keeps each item once (by
GUID, else link, else content hash, also across sources) and hands its text to the ingest
service. Pure Python: no SQL, no Telegram, no HTTP of its own.
"""
