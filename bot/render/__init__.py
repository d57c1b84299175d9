"""Rendering: the one Jinja2 environment (templates in `briefings/`), HTML to plain text.

May import Jinja2 and the domain's data types; never `telegram`, SQLAlchemy or `bot.store`.
"""
