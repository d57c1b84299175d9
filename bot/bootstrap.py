"""The composition root: builds the one typed container of services (`Services`) that the bot's
handlers, the CLI verbs and the benchmarks reach everything through.

It wires the store's repositories into the domain's services, opens the engine and loads the
templates and the gazetteer; it is the only module that knows every part.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import tzinfo

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.config import Settings, instance_name
from bot.delivery.inserts import EditionQueue
from bot.delivery.outbox import Outbox
from bot.delivery.split import split_html
from bot.domain.actors.registry import ActorRegistry
from bot.domain.clock import Clock
from bot.domain.editions.compose import BriefingService
from bot.domain.editions.figures import FigureService
from bot.domain.editions.pushes import PushService
from bot.domain.ingest.parsing import install_default_parser
from bot.domain.ingest.service import IngestService
from bot.domain.places.gazetteer import Gazetteer
from bot.domain.questions.answers import AnswerService
from bot.domain.sources.review import ReviewService
from bot.domain.sources.service import SourceService
from bot.feeds.fetch import HttpFeedFetcher
from bot.feeds.parse import parse_feed
from bot.nlp.spacy_parser import shared_parser
from bot.render.bytecode import template_cache
from bot.render.environment import Renderer, check_templates, create_environment
from bot.render.pictures import edition_drawer
from bot.store.access import AccessStore, PrivacyStore
from bot.store.actors import ActorStore
from bot.store.articles import ArticleStore
from bot.store.atlas import cache_dir, world_gazetteer
from bot.store.audit import AuditLog
from bot.store.briefings import BriefingStore
from bot.store.bulk import BulkEventStore
from bot.store.chatstate import ChatStateStore
from bot.store.event_facts import EventFactStore
from bot.store.event_merges import EventMerges
from bot.store.event_reader import EventReader
from bot.store.events import EventStore
from bot.store.figures import FigureStore
from bot.store.health import StoreHealth, database_problem
from bot.store.inbox import UpdateInbox
from bot.store.people import PeopleStore
from bot.store.places import PlaceStore
from bot.store.pushes import PushStore
from bot.store.session import create_engine, create_sessionmaker
from bot.store.source_review import SourceReviewStore
from bot.store.sources import SourceStore
from bot.store.stats import QuestionLog, StatsStore
from bot.store.subscriptions import SubscriptionStore


@dataclass
class Services:
    """Everything a handler or CLI verb may call: the engine, the session factory and the services
    built on them, created together in the application's lifecycle (or a verb's) and closed
    together."""

    settings: Settings
    clock: Clock
    tz: tzinfo
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    gazetteer: Gazetteer
    places: PlaceStore
    events: EventStore
    bulk: BulkEventStore
    people: PeopleStore
    answers: AnswerService
    renderer: Renderer
    subscriptions: SubscriptionStore
    briefings: BriefingService
    outbox: Outbox
    ingest: IngestService
    pushes: PushService
    figures: FigureService
    audit: AuditLog
    access: AccessStore
    privacy: PrivacyStore
    question_log: QuestionLog
    stats: StatsStore
    chat_state: ChatStateStore
    inbox: UpdateInbox
    health: StoreHealth
    actors: ActorStore
    sources: SourceService
    fetcher: HttpFeedFetcher
    review: ReviewService
    merges: EventMerges

    async def close(self) -> None:
        """Dispose of the engine (and close the feed fetcher's connections)."""
        await self.fetcher.aclose()
        await self.engine.dispose()


def _place_namer(gazetteer: Gazetteer) -> Callable[[str], str | None]:
    def name_of(key: str) -> str | None:
        place = gazetteer.get(key)
        return place.name if place is not None else None

    return name_of


async def build_services(settings: Settings, clock: Clock, tz: tzinfo | None = None) -> Services:
    """Open the store and build every domain service (the gazetteer synced with the table).

    Templates are compiled first: a broken template stops start-up with a clear error.
    """
    env = create_environment(overrides=settings.templates_dir)
    env.bytecode_cache = template_cache(cache_dir() / "templates")  # compiled once, not per start
    check_templates(env)
    engine = create_engine(settings.database_url)
    sessions = create_sessionmaker(engine)
    gazetteer = world_gazetteer(settings.focus_countries)
    places = PlaceStore(sessions, clock, gazetteer)
    actors = ActorStore(sessions, clock, ActorRegistry())
    try:
        await places.sync()
        await actors.load()
    except Exception:
        await engine.dispose()
        raise
    events = EventStore(sessions, clock, place_name=_place_namer(gazetteer))
    renderer = Renderer(env)
    outbox = Outbox(sessions, clock)
    figure_store = FigureStore(sessions)
    briefings = BriefingService(
        editions=BriefingStore(sessions),
        queue=EditionQueue(sessions),
        figures=figure_store,
        events=events,
        gazetteer=gazetteer,
        clock=clock,
        render=renderer.render,
        split=split_html,
        draw=edition_drawer(renderer),
    )
    parser = shared_parser()  # the language engine; its model loads on the first article
    install_default_parser(parser)
    merges = EventMerges(sessions)
    ingest = IngestService(
        ArticleStore(sessions),
        clock,
        gazetteer,
        events,
        actors=actors.registry,
        parser=parser,
        merges=merges,
    )
    fetcher = HttpFeedFetcher(allow_private=settings.sources_allow_private)
    return Services(
        settings=settings,
        clock=clock,
        tz=tz or settings.tz,
        engine=engine,
        sessions=sessions,
        gazetteer=gazetteer,
        places=places,
        events=events,
        bulk=BulkEventStore(engine, sessions, events, places, clock),
        people=PeopleStore(sessions, clock, settings.admin_ids),
        answers=AnswerService(
            EventReader(sessions), gazetteer, actors.registry, EventFactStore(sessions)
        ),
        renderer=renderer,
        subscriptions=SubscriptionStore(
            sessions,
            clock,
            default_minute=settings.default_briefing_time.hour * 60
            + settings.default_briefing_time.minute,
            default_timezone=settings.default_timezone,
        ),
        briefings=briefings,
        outbox=outbox,
        ingest=ingest,
        audit=AuditLog(sessions, clock),
        access=AccessStore(sessions, clock, settings.admin_ids),
        privacy=PrivacyStore(sessions),
        question_log=QuestionLog(sessions, clock),
        stats=StatsStore(
            sessions,
            settings.tz,
            _place_namer(gazetteer),
            timezone_name=settings.default_timezone,
        ),
        figures=FigureService(figure_store, clock),
        pushes=PushService(
            pushes=PushStore(sessions),
            clock=clock,
            events=events,
            gazetteer=gazetteer,
            briefings=briefings,
            outbox=outbox,
            render=renderer.render,
            split=split_html,
        ),
        chat_state=ChatStateStore(sessions, clock),
        inbox=UpdateInbox(sessions, clock, instance_name()),
        health=StoreHealth(sessions),
        actors=actors,
        sources=SourceService(
            SourceStore(sessions), fetcher, parse_feed, ingest, events, clock, instance_name()
        ),
        fetcher=fetcher,
        merges=merges,
        review=ReviewService(
            events,
            SourceReviewStore(sessions),
            outbox,
            PeopleStore(sessions, clock, settings.admin_ids).admin_ids,
            renderer.render_macro,
            clock,
        ),
    )


@asynccontextmanager
async def open_services(settings: Settings, clock: Clock | None = None) -> AsyncIterator[Services]:
    """Build the services for a CLI verb (or a test) and close them afterwards."""
    services = await build_services(settings, clock or Clock())
    try:
        yield services
    finally:
        await services.close()


async def check_database(url: str, timeout: float) -> Exception | None:
    """Without a container (the polling-mode health check): None when the database at `url`
    answers within `timeout` seconds, else the error."""
    return await database_problem(url, timeout)
