"""Hypothesis settings of the fuzz tier: bounded and seeded in CI, longer on request.

SITREP_FUZZ_EXAMPLES=5000 .venv/bin/pytest -q -p no:cacheprovider tests/handlers/test_fuzz_*.py
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, settings

EXAMPLES = int(os.environ.get("SITREP_FUZZ_EXAMPLES", "0")) or None


def fuzz_settings(ci_examples: int) -> Callable[[Any], Any]:
    """`ci_examples` examples, derandomized (the same ones every run); SITREP_FUZZ_EXAMPLES
    examples instead when set."""
    return settings(
        max_examples=EXAMPLES or ci_examples,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
