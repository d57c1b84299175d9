"""Runs the bot against Telegram: long polling, the webhook server when WEBHOOK_URL is set, or
only the background work (briefing tick and sender) on additional instances."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable

from telegram import Update

from bot.config import Settings
from bot.telegram.app import build_application, post_init, post_shutdown, post_stop
from bot.telegram.context import SitrepApp
from bot.telegram.intake.webhook import WebhookConfig, serve_webhook

log = logging.getLogger(__name__)

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def run_bot(settings: Settings, *, receive_updates: bool = True) -> None:
    """Block running the bot until SIGINT/SIGTERM; both stop it gracefully.

    With ``receive_updates=False`` the instance only ticks and sends (no polling, no webhook):
    run any number of those next to the one instance that receives updates.
    """
    app = build_application(settings)
    app.bot_data.background = True
    # Updates (by webhook or polling) are stored before they are acknowledged (intake.inbox).
    app.bot_data.inbox = receive_updates
    if not receive_updates:
        log.info("starting without receiving updates: briefing tick and sender only")
        asyncio.run(_until_signal(lambda stop: serve_background(app, stop)))
    elif settings.webhook_url:
        config = WebhookConfig.from_settings(settings)
        log.info("starting webhook on %s:%s for %s", config.host, config.port, config.url)
        asyncio.run(_until_signal(lambda stop: serve_webhook(app, config, stop)))
    else:
        log.info("starting long polling")
        # Pending updates are kept: whatever arrived while Sitrep was down is handled now.
        app.run_polling(
            allowed_updates=Update.ALL_TYPES,
            drop_pending_updates=False,
            stop_signals=STOP_SIGNALS,
        )


async def serve_background(app: SitrepApp, stop: asyncio.Event) -> None:
    """Run the application without an update source until `stop`; then stop gracefully."""
    await app.initialize()
    try:
        await post_init(app)
        await app.start()
        try:
            await stop.wait()
        finally:
            await app.stop()
            await post_stop(app)
    finally:
        await app.shutdown()
        await post_shutdown(app)


async def _until_signal(serve: Callable[[asyncio.Event], Awaitable[None]]) -> None:
    """Run `serve(stop)` with SIGINT/SIGTERM setting `stop`."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in STOP_SIGNALS:
        loop.add_signal_handler(sig, stop.set)
    try:
        await serve(stop)
    finally:
        for sig in STOP_SIGNALS:
            loop.remove_signal_handler(sig)
