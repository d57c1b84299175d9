"""Bot-level methods of the fake Bot API: getMe, logOut, close, getUpdates and webhooks."""

from __future__ import annotations

from typing import Any

from bot.sim.api.errors import ApiError, bad
from bot.sim.api.records import UploadedFile, clone
from bot.sim.api.state import ApiState


class BotMethods(ApiState):
    """The bot's identity, its session, and how it receives updates (polling or a webhook)."""

    def _m_getMe(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _m_logOut(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        return True

    def _m_close(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        return True

    def _m_getUpdates(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        if self.webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = int(params.get("offset") or 0)
        limit = max(1, min(100, int(params.get("limit") or 100)))
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        elif offset < 0:
            self._updates = self._updates[offset:]
        return clone(self._updates[:limit])

    def _m_setWebhook(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        url = str(params.get("url") or "")
        if url and not url.startswith("https://"):
            raise bad("bad webhook: An HTTPS URL must be provided for webhook")
        self.webhook_url = url
        return True

    def _m_deleteWebhook(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        self.webhook_url = ""
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _m_getWebhookInfo(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        return {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
