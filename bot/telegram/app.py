"""The composition root: builds the Application, opens and closes its resources."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import tzinfo

from telegram import BotCommand, BotCommandScopeChat, BotCommandScopeDefault
from telegram.error import BadRequest, Forbidden
from telegram.ext import Application, ContextTypes
from telegram.request import BaseRequest, HTTPXRequest

from bot.bootstrap import Services, build_services
from bot.config import Settings
from bot.delivery.pictures import EditionFiles
from bot.delivery.ratelimit import make_limiter
from bot.delivery.sender import Sender
from bot.delivery.telegram_transport import TelegramTransport
from bot.domain.clock import Clock
from bot.telegram.commands import ADMIN_COMMANDS, USER_COMMANDS
from bot.telegram.context import BotData, SitrepApp, SitrepApplication, SitrepContext
from bot.telegram.handlers import register_handlers
from bot.telegram.handlers.pdf import pdf_markup
from bot.telegram.handlers.sources import start_jobs as start_source_jobs
from bot.telegram.intake.deadletter import UpdateScreen
from bot.telegram.intake.inbox import InboxQueue, start_inbox, stop_inbox
from bot.telegram.intake.lanes import UpdateLanes
from bot.telegram.replies import ReplyLimiter

log = logging.getLogger(__name__)

LOCAL_TOKEN = "123456:LOCAL-sitrep-offline-token"
TICK_SECONDS = 30
FREEZE_AFTER_SECONDS = 5.0


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
    lanes = UpdateLanes(settings.handler_timeout_s)
    token = (
        settings.telegram_bot_token.get_secret_value()
        if settings.telegram_bot_token is not None
        else LOCAL_TOKEN
    )
    builder = (
        Application.builder()
        .application_class(SitrepApplication)
        .update_queue(InboxQueue())
        .token(token)
        .context_types(context_types)
        .post_init(post_init)
        .post_stop(post_stop)
        .post_shutdown(post_shutdown)
        .rate_limiter(ReplyLimiter())
        .concurrent_updates(lanes)  # chats side by side, each update within a time limit
    )
    # getUpdates answers are screened: an update PTB cannot parse is set aside (intake.deadletter).
    if request is not None:
        screen = UpdateScreen(get_updates_request or request)
        builder = builder.request(request).get_updates_request(screen)
    else:
        screen = UpdateScreen(HTTPXRequest(connection_pool_size=1))
        builder = builder.base_url(settings.telegram_api_base_url).get_updates_request(screen)
    app: SitrepApp = builder.build()
    screen.attach(app)
    lanes.attach(app)
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
    services = await build_services(settings, clock, data.tz)
    # The global send rate is shared by every instance: through Redis when configured, else
    # through PostgreSQL; SQLite runs one instance, so the process keeps it.
    limiter = make_limiter(
        settings.send_rate,
        redis_url=settings.redis_url,
        engine=None if settings.is_sqlite else services.engine,
    )
    data.sender = Sender(
        services.outbox,
        TelegramTransport(
            app.bot,
            files=EditionFiles(services.sessions).read,
            markup=pdf_markup(services.renderer),
        ),
        rate=settings.send_rate,
        concurrency=settings.send_concurrency,
        per_chat_interval=settings.send_chat_interval,
        group_per_minute=settings.send_group_per_minute,
        on_chat_gone=services.subscriptions.mark_blocked,
        limiter=limiter,
        instance=settings.sender_instance,
        heartbeat=settings.sender_heartbeat_seconds,
        dead_after=settings.sender_dead_after_seconds,
    )
    if isinstance(app.bot.rate_limiter, ReplyLimiter):
        # replies keep the sender's per-chat pacing and global rate
        app.bot.rate_limiter.attach(data.sender.pacer, data.sender.limiter, data.sender.arrivals)
    data.services = services
    return services


async def close_resources(app: SitrepApp) -> None:
    """Dispose of what open_resources created."""
    if not app.bot_data.is_open:
        return
    data = app.bot_data
    services = data.services
    data.services = None
    if data.sender is not None:
        await data.sender.aclose()
        data.sender = None
    await services.close()


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


async def briefing_tick(context: SitrepContext) -> None:
    """Scheduler job: enqueue due editions (the database is the truth; this is only a clock)."""
    report = await context.services.briefings.tick()
    if report.due or report.skipped_missed:
        log.info(
            "tick: %d due, %d rows enqueued, %d editions rendered, %d missed",
            report.due,
            report.enqueued,
            report.editions_rendered,
            report.skipped_missed,
        )


async def purge_question_log(context: SitrepContext) -> None:
    """Daily job: delete question logs older than QUESTION_LOG_DAYS and expired chat state."""
    services = context.services
    removed = await services.question_log.purge(services.settings.question_log_days)
    if removed:
        log.info("deleted %d question log entries past retention", removed)
    await services.chat_state.purge()


def _freeze_start_up() -> None:
    gc.collect()
    gc.freeze()


def start_background(app: SitrepApp) -> None:
    """Start the briefing tick (JobQueue/APScheduler) and the sender loop."""
    # What start-up loaded (gazetteer, templates, ORM) lives as long as the process: keep it out
    # of the garbage collector's full passes, which would otherwise pause sending for ~50 ms.
    # Done a few seconds in, not before the first updates are answered (the pass itself costs that).
    asyncio.get_running_loop().call_later(FREEZE_AFTER_SECONDS, _freeze_start_up)
    if app.job_queue is not None:
        app.job_queue.run_repeating(briefing_tick, interval=TICK_SECONDS, first=1, name="tick")
        app.job_queue.run_repeating(
            purge_question_log, interval=24 * 3600, first=60, name="purge-questions"
        )
        start_source_jobs(app)  # poll due sources, extract items, the review digest
    stop = asyncio.Event()
    app.bot_data.stop_sender = stop
    sender = app.bot_data.sender
    if sender is None:
        raise RuntimeError("start_background() needs the sender open_resources() makes")
    app.bot_data.sender_task = asyncio.create_task(sender.run(stop), name="sender")


async def stop_background(app: SitrepApp) -> None:
    """Stop the sender after its in-flight messages; claimed-but-unsent rows are released."""
    data = app.bot_data
    if data.stop_sender is not None and data.sender_task is not None:
        data.stop_sender.set()
        await data.sender_task
        data.stop_sender = data.sender_task = None


async def post_init(app: SitrepApp) -> None:
    """Lifecycle start: open resources, publish the command menus, start background work."""
    await open_resources(app)
    if app.bot_data.inbox:
        await start_inbox(app)
    await publish_commands(app)
    if app.bot_data.background:
        start_background(app)


async def post_stop(app: SitrepApp) -> None:
    """Lifecycle stop (after updates stop): finish sending what is in flight."""
    await stop_inbox(app)
    await stop_background(app)


async def post_shutdown(app: SitrepApp) -> None:
    """Lifecycle end: close resources."""
    await stop_inbox(app)
    await stop_background(app)
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
