"""Imports every model module so Base.metadata knows all tables (Alembic, tests)."""

from bot.db import admin_models, delivery_models, event_models, models, state_models  # noqa: F401
