"""The composition root: builds the one typed container of services (`Services`) that the bot's
handlers, the CLI verbs and the benchmarks reach everything through.

It wires the store's repositories into the domain's services, opens the engine and loads the
templates and the gazetteer; it is the only module that knows every part. Start-up builds only
the core every verb and handler shares (engine, gazetteer, actors, templates); every other
service is built, and its modules imported, the first time something asks for it, so `sitrep
ask` never imports the sender, feeds, editions or charts, and `sitrep run` answers before it
has built them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import tzinfo
from functools import cached_property
from typing import TYPE_CHECKING

from bot.config import Settings, instance_name
from bot.domain.clock import Clock

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

    from bot.delivery.outbox import Outbox
    from bot.domain.editions.compose import BriefingService
    from bot.domain.editions.figures import FigureService
    from bot.domain.editions.pushes import PushService
    from bot.domain.ingest.parsing import TextParser
    from bot.domain.ingest.service import IngestService
    from bot.domain.places.gazetteer import Gazetteer
    from bot.domain.questions.answers import AnswerService
    from bot.domain.sources.review import ReviewService
    from bot.domain.sources.service import SourceService
    from bot.feeds.fetch import HttpFeedFetcher
    from bot.render.environment import Renderer
    from bot.store.access import AccessStore, PrivacyStore
    from bot.store.actors import ActorStore
    from bot.store.audit import AuditLog
    from bot.store.bulk import BulkEventStore
    from bot.store.chatstate import ChatStateStore
    from bot.store.event_merges import EventMerges
    from bot.store.events import EventStore
    from bot.store.figures import FigureStore
    from bot.store.health import StoreHealth
    from bot.store.inbox import UpdateInbox
    from bot.store.people import PeopleStore
    from bot.store.places import PlaceStore
    from bot.store.stats import QuestionLog, StatsStore
    from bot.store.subscriptions import SubscriptionStore


@dataclass(eq=False)
class Services:
    """Everything a handler or CLI verb may call: the engine, the session factory and the services
    built on them, closed together at the end of the application's lifecycle (or a verb's).

    The core (engine, sessions, gazetteer, places, actors, renderer) is open from the start; each
    other attribute is built on first use and kept (one instance per container).
    """

    settings: Settings
    clock: Clock
    tz: tzinfo
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    gazetteer: Gazetteer
    places: PlaceStore
    actors: ActorStore
    renderer: Renderer

    async def close(self) -> None:
        """Dispose of the engine (and close the feed fetcher's connections, if it was opened)."""
        fetcher: HttpFeedFetcher | None = vars(self).get("fetcher")
        if fetcher is not None:
            await fetcher.aclose()
        await self.engine.dispose()

    @cached_property
    def events(self) -> EventStore:
        """Events: writes, reads by id, corrections."""
        from bot.store.events import EventStore

        return EventStore(self.sessions, self.clock, place_name=_place_namer(self.gazetteer))

    @cached_property
    def answers(self) -> AnswerService:
        """Questions in words answered from the stored events."""
        from bot.domain.questions.answers import AnswerService
        from bot.store.event_facts import EventFactStore
        from bot.store.event_reader import EventReader

        reader = EventReader(self.sessions)
        return AnswerService(
            reader, self.gazetteer, self.actors.registry, EventFactStore(self.sessions)
        )

    @cached_property
    def people(self) -> PeopleStore:
        """Users and admins."""
        from bot.store.people import PeopleStore

        return PeopleStore(self.sessions, self.clock, self.settings.admin_ids)

    @cached_property
    def subscriptions(self) -> SubscriptionStore:
        """Who follows which places, and when their briefing is due."""
        from bot.store.subscriptions import SubscriptionStore

        briefing = self.settings.default_briefing_time
        return SubscriptionStore(
            self.sessions,
            self.clock,
            default_minute=briefing.hour * 60 + briefing.minute,
            default_timezone=self.settings.default_timezone,
        )

    @cached_property
    def audit(self) -> AuditLog:
        """The admins' audit log."""
        from bot.store.audit import AuditLog

        return AuditLog(self.sessions, self.clock)

    @cached_property
    def access(self) -> AccessStore:
        """Allow lists and bans."""
        from bot.store.access import AccessStore

        return AccessStore(self.sessions, self.clock, self.settings.admin_ids)

    @cached_property
    def privacy(self) -> PrivacyStore:
        """/forget: everything stored about a user."""
        from bot.store.access import PrivacyStore

        return PrivacyStore(self.sessions)

    @cached_property
    def question_log(self) -> QuestionLog:
        """Aggregates of questions asked (never their text)."""
        from bot.store.stats import QuestionLog

        return QuestionLog(self.sessions, self.clock)

    @cached_property
    def stats(self) -> StatsStore:
        """/stats and `sitrep stats`."""
        from bot.store.stats import StatsStore

        return StatsStore(
            self.sessions,
            self.settings.tz,
            _place_namer(self.gazetteer),
            timezone_name=self.settings.default_timezone,
        )

    @cached_property
    def chat_state(self) -> ChatStateStore:
        """Per-chat state shared by every instance (follow-ups, "More" pages, forms)."""
        from bot.store.chatstate import ChatStateStore

        return ChatStateStore(self.sessions, self.clock)

    @cached_property
    def inbox(self) -> UpdateInbox:
        """Received updates, claimed by one instance each."""
        from bot.store.inbox import UpdateInbox

        return UpdateInbox(self.sessions, self.clock, instance_name())

    @cached_property
    def health(self) -> StoreHealth:
        """The health check's database probe."""
        from bot.store.health import StoreHealth

        return StoreHealth(self.sessions)

    @cached_property
    def bulk(self) -> BulkEventStore:
        """Bulk import and export of events."""
        from bot.store.bulk import BulkEventStore

        return BulkEventStore(self.engine, self.sessions, self.events, self.places, self.clock)

    @cached_property
    def merges(self) -> EventMerges:
        """Accounts of one happening joined into one entry (and split again)."""
        from bot.store.event_merges import EventMerges

        return EventMerges(self.sessions)

    @cached_property
    def ingest(self) -> IngestService:
        """Articles turned into events."""
        from bot.domain.ingest.service import IngestService
        from bot.store.articles import ArticleStore

        return IngestService(
            ArticleStore(self.sessions),
            self.clock,
            self.gazetteer,
            self.events,
            actors=self.actors.registry,
            parser=_parser(),
            merges=self.merges,
        )

    @cached_property
    def fetcher(self) -> HttpFeedFetcher:
        """HTTP for feeds (closed with the container)."""
        from bot.feeds.fetch import HttpFeedFetcher

        return HttpFeedFetcher(allow_private=self.settings.sources_allow_private)

    @cached_property
    def sources(self) -> SourceService:
        """Feeds polled for articles."""
        from bot.domain.sources.service import SourceService
        from bot.feeds.parse import parse_feed
        from bot.store.sources import SourceStore

        return SourceService(
            SourceStore(self.sessions),
            self.fetcher,
            parse_feed,
            self.ingest,
            self.events,
            self.clock,
            instance_name(),
        )

    @cached_property
    def review(self) -> ReviewService:
        """Admins' review of events extracted from sources."""
        from bot.domain.sources.review import ReviewService
        from bot.store.source_review import SourceReviewStore

        return ReviewService(
            self.events,
            SourceReviewStore(self.sessions),
            self.outbox,
            self.people.admin_ids,
            self.renderer.render_macro,
            self.clock,
        )

    @cached_property
    def outbox(self) -> Outbox:
        """Messages waiting to be sent."""
        from bot.delivery.outbox import Outbox

        return Outbox(self.sessions, self.clock)

    @cached_property
    def figure_store(self) -> FigureStore:
        """Stored figures (tallies admins keep)."""
        from bot.store.figures import FigureStore

        return FigureStore(self.sessions)

    @cached_property
    def figures(self) -> FigureService:
        """Figures shown in editions."""
        from bot.domain.editions.figures import FigureService

        return FigureService(self.figure_store, self.clock)

    @cached_property
    def briefings(self) -> BriefingService:
        """Daily and weekly editions, composed and queued."""
        from bot.delivery.inserts import EditionQueue
        from bot.delivery.split import split_html
        from bot.domain.editions.compose import BriefingService
        from bot.render.pictures import edition_drawer
        from bot.store.briefings import BriefingStore

        return BriefingService(
            editions=BriefingStore(self.sessions),
            queue=EditionQueue(self.sessions),
            figures=self.figure_store,
            events=self.events,
            gazetteer=self.gazetteer,
            clock=self.clock,
            render=self.renderer.render,
            split=split_html,
            draw=edition_drawer(self.renderer),
        )

    @cached_property
    def pushes(self) -> PushService:
        """Flash alerts to subscribers."""
        from bot.delivery.split import split_html
        from bot.domain.editions.pushes import PushService
        from bot.store.pushes import PushStore

        return PushService(
            pushes=PushStore(self.sessions),
            clock=self.clock,
            events=self.events,
            gazetteer=self.gazetteer,
            briefings=self.briefings,
            outbox=self.outbox,
            render=self.renderer.render,
            split=split_html,
        )


def _parser() -> TextParser:
    from bot.nlp.spacy_parser import shared_parser

    return shared_parser()


def _place_namer(gazetteer: Gazetteer) -> Callable[[str], str | None]:
    def name_of(key: str) -> str | None:
        place = gazetteer.get(key)
        return place.name if place is not None else None

    return name_of


def _install_parser() -> None:
    """Install the language engine as the default for callers that pass none (previews, tests);
    spaCy and its model load on the first article, never here."""
    from bot.domain.ingest.parsing import install_default_parser
    from bot.nlp.spacy_parser import shared_parser

    install_default_parser(shared_parser())


async def build_services(
    settings: Settings, clock: Clock, tz: tzinfo | None = None, *, check: bool = True
) -> Services:
    """Open the store and build the core every verb and handler uses: the engine, the gazetteer
    synced with the places table, the actors, the templates. The rest is built on first use.

    With `check` every template is compiled first, so a broken one stops start-up with a clear
    error; a one-off verb passes False and compiles only the templates it renders.
    """
    from bot.domain.actors.registry import ActorRegistry
    from bot.render.bytecode import template_cache
    from bot.render.environment import Renderer, check_templates, create_environment
    from bot.store.actors import ActorStore
    from bot.store.atlas import cache_dir, world_gazetteer
    from bot.store.places import PlaceStore
    from bot.store.session import create_engine, create_sessionmaker

    env = create_environment(overrides=settings.templates_dir)
    env.bytecode_cache = template_cache(cache_dir() / "templates")  # compiled once, not per start
    if check:
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
    _install_parser()
    return Services(
        settings=settings,
        clock=clock,
        tz=tz or settings.tz,
        engine=engine,
        sessions=sessions,
        gazetteer=gazetteer,
        places=places,
        actors=actors,
        renderer=Renderer(env),
    )


@asynccontextmanager
async def open_services(
    settings: Settings, clock: Clock | None = None, tz: tzinfo | None = None, *, check: bool = True
) -> AsyncIterator[Services]:
    """Build the services for a CLI verb (or a test) and close them afterwards."""
    services = await build_services(settings, clock or Clock(), tz, check=check)
    try:
        yield services
    finally:
        await services.close()


async def check_database(url: str, timeout: float) -> Exception | None:
    """Without a container (the polling-mode health check): None when the database at `url`
    answers within `timeout` seconds, else the error."""
    from bot.store.health import database_problem

    return await database_problem(url, timeout)
