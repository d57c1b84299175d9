"""python-telegram-bot request backend that answers from a LocalBotApi instead of the network."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram._utils.types import ODVInput
from telegram.request import BaseRequest, RequestData

from bot.sim.api.records import UploadedFile
from bot.sim.api.server import LocalBotApi

__all__ = ["LocalRequest"]

logger = logging.getLogger(__name__)

EMPTY_POLL_SLEEP = 0.05


class LocalRequest(BaseRequest):
    """PTB request backend that answers from a LocalBotApi instead of the network.

    Goes through PTB's real ``_request_wrapper``, so API errors surface as PTB's own exceptions
    (``BadRequest``, ``Forbidden``, ``RetryAfter``, ...). ``api.latency`` is awaited per call.
    """

    __slots__ = ("api",)

    def __init__(self, api: LocalBotApi) -> None:
        self.api = api

    @property
    def read_timeout(self) -> float | None:
        """Default read timeout (only used by PTB to compute long-polling timeouts)."""
        return 5.0

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Answer a Bot API call (or a file download) from the LocalBotApi."""
        half = self.api.latency / 2
        if half > 0:
            await asyncio.sleep(half)
        if "/file/bot" in url:
            status, payload = self._download(url)
        else:
            api_method = url.rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0]
            params, files = _unpack(request_data)
            status, body = self.api.handle(api_method, params, files)
            if api_method.lower() == "getupdates" and status == 200 and not body["result"]:
                timeout = float(params.get("timeout") or 0)
                if timeout > 0:
                    await asyncio.sleep(min(timeout, EMPTY_POLL_SLEEP))
            payload = json.dumps(body).encode("utf-8")
        if half > 0:
            await asyncio.sleep(half)
        return status, payload

    def _download(self, url: str) -> tuple[int, bytes]:
        upload = self.api.file_by_path(url.split("/file/bot", 1)[1].split("/", 1)[-1])
        if upload is None:
            body = {"ok": False, "error_code": 404, "description": "Not Found"}
            return 404, json.dumps(body).encode("utf-8")
        return 200, upload.content


def _unpack(request_data: RequestData | None) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
    """Parameters (native Python values) and uploaded files of a PTB request."""
    if request_data is None:
        return {}, {}
    params: dict[str, Any] = dict(request_data.parameters)
    files: dict[str, UploadedFile] = {}
    if request_data.contains_files:
        for name, field in request_data.multipart_data.items():
            filename, content, mime_type = field
            data = content if isinstance(content, bytes) else content.read()
            files[name] = UploadedFile(str(filename), bytes(data), str(mime_type))
    return params, files
