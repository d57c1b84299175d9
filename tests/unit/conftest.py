"""Fixtures of the unit tests."""

from __future__ import annotations

import pytest

from bot.domain.places.gazetteer import Gazetteer
from bot.store.atlas import world_gazetteer


@pytest.fixture(scope="module", params=[(), ("AF",)], ids=["world", "focus-AF"])
def gaz(request: pytest.FixtureRequest) -> Gazetteer:
    """The packaged gazetteer (shared, read-only), with FOCUS_COUNTRIES empty and set."""
    return world_gazetteer(request.param)
