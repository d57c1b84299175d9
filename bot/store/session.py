"""Engine and session factory, created in the application's lifecycle, never at import time."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from bot.store.dialect import dialect_for


def ensure_sqlite_dir(url: str) -> None:
    """Create the directory of a file-based SQLite URL so a fresh checkout just works."""
    dialect_for(url).ensure_database_dir(url)


def create_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    """An async engine for the URL; SQLite gets WAL, foreign keys and a busy timeout."""
    dialect = dialect_for(url)
    dialect.ensure_database_dir(url)
    engine = create_async_engine(url, echo=echo, **dialect.engine_options())
    dialect.configure_engine(engine, url)
    return engine


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """The one session factory of a process: one session per unit of work."""
    return async_sessionmaker(engine, expire_on_commit=False)


def sqlite_engine(sessions: async_sessionmaker[AsyncSession]) -> AsyncEngine | None:
    """The engine behind a session factory when it is SQLite's, else None."""
    bind = sessions.kw.get("bind")
    if isinstance(bind, AsyncEngine) and dialect_for(bind).is_sqlite:
        return bind
    return None
