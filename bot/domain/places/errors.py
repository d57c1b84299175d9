"""Errors about places that the store raises and the handlers and verbs answer."""

from __future__ import annotations


class PlaceError(ValueError):
    """A place cannot be added as asked (the message says why, politely)."""
