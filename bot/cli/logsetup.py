"""Logging configuration for the CLI verbs."""

from __future__ import annotations

import logging


def configure_logging(level: str = "INFO") -> None:
    """Log to stderr with timestamps; quiet the chattiest libraries."""
    logging.basicConfig(
        level=level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        force=True,
    )
    for noisy in ("httpx", "apscheduler", "aiosqlite", "asyncio"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLevelName(level)))
