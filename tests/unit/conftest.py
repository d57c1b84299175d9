"""Fixtures of the unit tests."""

from __future__ import annotations

import pytest

from bot.domain.places.gazetteer import Gazetteer
from bot.store.atlas import world_gazetteer


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    """The packaged gazetteer (shared, read-only)."""
    return world_gazetteer()
