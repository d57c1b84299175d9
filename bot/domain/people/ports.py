"""What the Telegram glue needs from storage about people and their updates: subscription
settings, the audit log and the update inbox (``bot.store`` implements them)."""

from __future__ import annotations

from typing import Any, Protocol

from bot.domain.people.access import AuditEntry
from bot.domain.people.subscriptions import SubscriptionView


class SubscriptionSettings(Protocol):
    """Changes a chat's subscription settings (see SubscriptionStore)."""

    async def change(self, chat_id: int, **values: object) -> SubscriptionView:
        """Change settings; SubscriptionError when not subscribed or a value is not allowed."""
        ...

    async def toggle(self, chat_id: int, field: str, item: str) -> SubscriptionView:
        """Add or remove one place key or event type."""
        ...


class AuditTrail(Protocol):
    """Writes and reads the audit log of admin actions (see AuditLog)."""

    async def record(
        self, actor_id: int | None, action: str, target: str = "", detail: str = ""
    ) -> None:
        """Append one entry."""
        ...

    async def recent(self, limit: int = 20, offset: int = 0) -> list[AuditEntry]:
        """The newest entries first."""
        ...


class UpdateStore(Protocol):
    """Stores updates until handled (see UpdateInbox)."""

    async def accept(self, update_id: int, body: dict[str, Any]) -> bool:
        """Store an update; False when it was stored before."""
        ...
