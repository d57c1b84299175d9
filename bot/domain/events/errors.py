"""Errors about events that the store raises and the handlers answer."""

from __future__ import annotations


class EventNotFound(LookupError):
    """No event has that id."""
