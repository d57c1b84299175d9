"""Fixtures of the source tests: the local feed server."""

from tests.support.feedserver import feed_server  # noqa: F401
