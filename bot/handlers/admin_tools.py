"""Admin tools: access gate, /admins, /audit, /stats, /forget (being filled in)."""

from __future__ import annotations

from typing import Any

from telegram import Update

from bot.context import SitrepContext


async def access_gate(update: Update, context: SitrepContext) -> None:
    """Runs before every handler; with ACCESS=allowlist it stops updates from others."""
    return None


def handlers() -> list[Any]:
    """Admin tool handlers."""
    return []
