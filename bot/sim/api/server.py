"""In-memory Telegram Bot API: chats, users, messages, Telegram's limits and a record of calls.

The state lives in :mod:`bot.sim.api.state`; the methods in :mod:`bot.sim.api.messages`,
:mod:`bot.sim.api.chatmethods`, :mod:`bot.sim.api.botmethods` and :mod:`bot.sim.api.files`.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from bot.sim.api.botmethods import BotMethods
from bot.sim.api.chatmethods import ChatMethods
from bot.sim.api.errors import ApiError, bad
from bot.sim.api.messages import MessageMethods
from bot.sim.api.records import ApiCall, UploadedFile, clone

__all__ = ["LocalBotApi"]

logger = logging.getLogger(__name__)

_JSON_PARAMS = frozenset(
    {
        "reply_markup",
        "reply_parameters",
        "link_preview_options",
        "entities",
        "caption_entities",
        "commands",
        "scope",
        "allowed_updates",
    }
)


class LocalBotApi(MessageMethods, ChatMethods, BotMethods):
    """In-memory Telegram Bot API: chats, users, messages, limits, and a record of every call.

    ``handle(method, params)`` is the core; :class:`bot.sim.api.request.LocalRequest` feeds it
    from python-telegram-bot's real request path. Unknown methods answer 404 (PTB raises
    ``InvalidToken``/``EndPointNotFound``) and are appended to ``unexpected``.
    """

    def handle(
        self,
        method: str,
        params: dict[str, Any],
        files: dict[str, UploadedFile] | None = None,
    ) -> tuple[int, dict[str, Any]]:
        """Answer one Bot API call: (HTTP status, Telegram-shaped JSON body); records it."""
        files = files or {}
        canonical = _METHODS.get(method.lower())
        recorded = {k: self._recorded_value(v, files) for k, v in params.items()}
        for name, upload in files.items():
            if not any(v == f"attach://{name}" for v in params.values()):
                recorded[name] = upload.filename
        if canonical is None:
            return self._not_found(method, recorded)
        status, body = self._answer(canonical, params, files, recorded)
        if self.keep_history or status != 200:
            call = ApiCall(canonical, recorded, status == 200, status, body, self.clock())
        else:
            call = ApiCall(canonical, recorded, True, status, {"ok": True}, self.clock())
        self.calls.append(call)
        if status == 500:
            self.unexpected.append(call)
        if status != 200:
            logger.info("%s -> %s %s", canonical, status, body.get("description"))
        return status, clone(body) if self.keep_history else body

    def _not_found(self, method: str, recorded: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        status, body = (
            404,
            {
                "ok": False,
                "error_code": 404,
                "description": f"Not Found: method {method!r} is not implemented by LocalBotApi",
            },
        )
        call = ApiCall(method, recorded, False, status, body, self.clock())
        self.calls.append(call)
        self.unexpected.append(call)
        logger.error("Unexpected Bot API call %s(%s)", method, recorded)
        return status, body

    def _answer(
        self,
        canonical: str,
        params: dict[str, Any],
        files: dict[str, UploadedFile],
        recorded: dict[str, Any],
    ) -> tuple[int, dict[str, Any]]:
        try:
            decoded = {k: self._decode(k, v) for k, v in params.items()}
            result = getattr(self, f"_m_{canonical}")(decoded, files)
            return 200, {"ok": True, "result": result}
        except ApiError as exc:
            return exc.status, exc.body()
        except Exception as exc:  # a bug in the fake: answer 500 and make tests fail loudly
            logger.exception("LocalBotApi failed on %s(%s)", canonical, recorded)
            return 500, {
                "ok": False,
                "error_code": 500,
                "description": f"Internal Server Error: LocalBotApi bug: {exc!r}",
            }

    @staticmethod
    def _recorded_value(value: Any, files: dict[str, UploadedFile]) -> Any:
        if isinstance(value, str) and value.startswith("attach://"):
            upload = files.get(value.removeprefix("attach://"))
            return upload.filename if upload else value
        return value

    @staticmethod
    def _decode(name: str, value: Any) -> Any:
        if name in _JSON_PARAMS and isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError as exc:
                if name == "reply_markup":
                    raise bad("can't parse reply keyboard markup JSON object") from exc
                raise bad(f"can't parse {name} JSON object") from exc
        return value


_METHODS = {
    name.removeprefix("_m_").lower(): name.removeprefix("_m_")
    for name in dir(LocalBotApi)
    if name.startswith("_m_")
}
