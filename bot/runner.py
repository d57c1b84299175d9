"""Runs the bot against Telegram: long polling, or a webhook when WEBHOOK_URL is set."""

from __future__ import annotations

import logging
from urllib.parse import urlparse

from telegram import Update

from bot.app import build_application
from bot.config import Settings

log = logging.getLogger(__name__)


def run_bot(settings: Settings) -> None:
    """Block running the bot until interrupted (PTB owns the event loop here)."""
    app = build_application(settings)
    app.bot_data.background = True
    if settings.webhook_url:
        host, port = settings.listen_host_port
        path = urlparse(settings.webhook_url).path.lstrip("/")
        secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
        log.info("starting webhook on %s:%s for %s", host, port, settings.webhook_url)
        app.run_webhook(
            listen=host,
            port=port,
            url_path=path,
            webhook_url=settings.webhook_url,
            secret_token=secret,
            allowed_updates=Update.ALL_TYPES,
        )
    else:
        log.info("starting long polling")
        app.run_polling(allowed_updates=Update.ALL_TYPES)
