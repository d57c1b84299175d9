"""The store: every SQL statement (SQLAlchemy models, repositories, full-text search, migrations,
`db copy`), with the SQLite/PostgreSQL differences kept in `bot.store.dialect`.

May import SQLAlchemy, its drivers and the domain's data types; never `telegram`, `bot.telegram`,
`bot.delivery`, `bot.render`, `bot.cli` or `bot.sim`.
"""
