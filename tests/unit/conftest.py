"""Fixtures of the unit tests."""

from __future__ import annotations

import pytest

from bot.domain.places.gazetteer import Gazetteer


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    """The packaged gazetteer (shared, read-only)."""
    return Gazetteer.load_default()
