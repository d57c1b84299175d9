"""Imports every model module so Base.metadata knows all tables (Alembic, tests)."""

from bot.db import models  # noqa: F401
