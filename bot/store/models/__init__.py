"""The SQLAlchemy models, one module per group of tables; importing this package registers every
table on `Base.metadata` (Alembic, `db copy`, tests)."""

from bot.store.models import (  # noqa: F401
    actors,
    deadletters,
    delivery,
    edition_files,
    events,
    newsroom,
    people,
    sources,
    splits,
    state,
)
from bot.store.models.base import Base

__all__ = ["Base"]
