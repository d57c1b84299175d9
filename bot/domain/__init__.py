"""The domain: places, events, questions, ingest, editions, people, bulk import and export.

Pure Python. May import the standard library, well-kept pure libraries and `bot.config`; never
`telegram`, SQLAlchemy or `bot.store`. What it needs from storage it declares as protocols
(each package's `ports.py`), which `bot.store` implements and the composition root
(`bot.bootstrap`) wires.
"""
