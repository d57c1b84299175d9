"""The composition root: builds the Application, opens and closes its resources."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import tzinfo

from telegram import BotCommand, BotCommandScopeChat, BotCommandScopeDefault
from telegram.error import BadRequest, Forbidden
from telegram.ext import Application, ContextTypes
from telegram.request import BaseRequest

from bot.clock import Clock
from bot.commands import ADMIN_COMMANDS, USER_COMMANDS
from bot.config import Settings
from bot.context import BotData, Services, SitrepApp, SitrepContext
from bot.handlers import register_handlers
from bot.rendering import Renderer, check_templates, create_environment
from bot.services.domain import build_domain

log = logging.getLogger(__name__)

LOCAL_TOKEN = "123456:LOCAL-sitrep-offline-token"


def build_application(
    settings: Settings,
    *,
    clock: Clock | None = None,
    tz: tzinfo | None = None,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
) -> SitrepApp:
    """Build the Application with every handler registered; resources open in post_init."""
    context_types = ContextTypes(context=SitrepContext, bot_data=BotData)
    token = (
        settings.telegram_bot_token.get_secret_value()
        if settings.telegram_bot_token is not None
        else LOCAL_TOKEN
    )
    builder = (
        Application.builder()
        .token(token)
        .context_types(context_types)
        .post_init(post_init)
        .post_shutdown(post_shutdown)
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(get_updates_request or request)
    else:
        builder = builder.base_url(settings.telegram_api_base_url)
    app: SitrepApp = builder.build()
    app.bot_data.settings = settings
    app.bot_data.clock = clock or Clock()
    app.bot_data.tz = tz or settings.tz
    register_handlers(app)
    return app


async def open_resources(app: SitrepApp) -> Services:
    """Create the engine, session factory, templates and services; attach them to the app."""
    if app.bot_data.is_open:
        return app.bot_data.services
    data = app.bot_data
    if data.settings is None:
        raise RuntimeError("build_application() sets the settings before start-up")
    settings, clock = data.settings, data.clock
    env = create_environment()
    check_templates(env)
    domain = await build_domain(settings, clock)
    services = Services(domain=domain, renderer=Renderer(env), tz=data.tz or settings.tz)
    app.bot_data.services = services
    return services


async def close_resources(app: SitrepApp) -> None:
    """Dispose of what open_resources created."""
    if not app.bot_data.is_open:
        return
    services = app.bot_data.services
    app.bot_data.services = None
    await services.domain.close()


async def publish_commands(app: SitrepApp) -> None:
    """setMyCommands: user commands for everyone, admin commands scoped to each admin's chat."""
    services = app.bot_data.services
    user = [BotCommand(c.command, c.description) for c in USER_COMMANDS]
    await app.bot.set_my_commands(user, scope=BotCommandScopeDefault())
    if not ADMIN_COMMANDS:
        return
    admin = user + [BotCommand(c.command, c.description) for c in ADMIN_COMMANDS]
    for admin_id in sorted(await services.people.admin_ids()):
        try:
            await app.bot.set_my_commands(admin, scope=BotCommandScopeChat(admin_id))
        except (BadRequest, Forbidden) as exc:
            # An admin who never opened a chat with the bot: Telegram answers "chat not found".
            log.info("admin commands not set for %s: %s", admin_id, exc.message)


async def post_init(app: SitrepApp) -> None:
    """Lifecycle start: open resources and publish the command menus."""
    await open_resources(app)
    await publish_commands(app)


async def post_shutdown(app: SitrepApp) -> None:
    """Lifecycle end: close resources."""
    await close_resources(app)


@asynccontextmanager
async def lifespan(app: SitrepApp) -> AsyncIterator[SitrepApp]:
    """Initialise the app and its resources outside run_polling (local chat, CLI verbs, tests)."""
    await app.initialize()
    try:
        await post_init(app)
        yield app
    finally:
        await post_shutdown(app)
        await app.shutdown()
