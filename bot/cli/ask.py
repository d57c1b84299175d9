"""`sitrep ask "QUESTION"`: the bot's own answer, printed as plain text.

The answer is the one the bot's question handler sends in a private chat: the same service
(`Services.answers`), the same template (answer.html) and button labels, turned into text the way
`sitrep chat` shows a message. It runs without python-telegram-bot and builds only what answering
needs (the store's reader, the question understanding, the gazetteer and the templates), so it
starts quickly. Being one-off, it keeps no follow-up memory and logs no question.
"""

from __future__ import annotations

from datetime import tzinfo
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from bot.bootstrap import Services
    from bot.config import Settings
    from bot.domain.clock import Clock

MAX_CLI_QUESTION = 4096  # Telegram's own message limit
MESSAGES = "questions_messages.html"  # the question handler's short texts and button labels
MAX_LABEL = 64  # longest button label kept (as the bot's answer keyboard does)


async def answer_message(services: Services, question: str) -> dict[str, Any]:
    """The message the bot sends in a private chat for `question`: HTML text and button labels,
    as a Bot API message dict (text, parse mode, inline keyboard of labels)."""
    renderer = services.renderer
    text = question[:MAX_CLI_QUESTION].strip()
    labels: list[str] = []
    if not text:
        html = renderer.render_macro(MESSAGES, "ask_hint")
    else:
        now = services.clock.local_now(services.tz)
        answer = await services.answers.ask(text, now, None)
        html = renderer.render("answer.html", a=answer)
        if answer.has_more:
            labels.append(renderer.render_plain(MESSAGES, "more_button"))
        place = answer.subscribe_place
        if place is not None and answer.kind != "unknown_place":
            label = renderer.render_plain(MESSAGES, "subscribe_button", name=place.name)
            labels.append(label[:MAX_LABEL])
    keyboard = [[{"text": label}] for label in labels]
    return {"text": html, "parse_mode": "HTML", "reply_markup": {"inline_keyboard": keyboard}}


def plain_text(message: dict[str, Any]) -> str:
    """A message dict with HTML text as `sitrep chat` prints it (buttons as "[1] More")."""
    from bot.sim.api.html import parse_html
    from bot.sim.api.transcript import render_message

    text, entities = parse_html(message["text"])
    return render_message({**message, "text": text, "entities": entities})


async def ask_once(settings: Settings, question: str, *, clock: Clock, tz: tzinfo) -> list[str]:
    """Answer one question as the bot would in a private chat; return its reply as text."""
    from bot.bootstrap import open_services

    # Only the templates it renders are compiled (a broken one is reported by the verb).
    async with open_services(settings, clock, tz, check=False) as services:
        return [plain_text(await answer_message(services, question))]


def register(app: typer.Typer) -> None:
    """Add the `ask` verb to the `sitrep` command line."""

    @app.command()
    def ask(
        question: Annotated[str, typer.Argument(help="The question, in your own words.")],
        now: Annotated[
            str | None,
            typer.Option(
                "--now",
                help="Pretend it is this ISO date-time (e.g. 2021-07-10T09:00+04:30); its offset "
                "is the zone unless --tz is given.",
            ),
        ] = None,
        tz: Annotated[
            str | None, typer.Option("--tz", help="IANA time zone of the reader, e.g. Asia/Kabul.")
        ] = None,
        db: Annotated[
            str | None,
            typer.Option("--db", help="Database URL (overrides DATABASE_URL)."),
        ] = None,
    ) -> None:
        """Answer one question from the stored events, exactly as the bot would."""
        from bot.cli.common import clock_or_exit, fail, migrate_or_exit, settings_or_exit
        from bot.cli.logsetup import configure_logging

        settings = settings_or_exit(db)
        clock, zone = clock_or_exit(now, tz, settings)
        configure_logging("WARNING" if settings.log_level == "INFO" else settings.log_level)
        migrate_or_exit(settings)
        import asyncio

        from jinja2 import TemplateError

        try:
            replies = asyncio.run(ask_once(settings, question, clock=clock, tz=zone))
        except TemplateError as exc:
            where = ":".join(
                str(p) for p in (getattr(exc, "name", None), getattr(exc, "lineno", None)) if p
            )
            raise fail(f"broken template {where}: {exc}", 1) from None
        typer.echo("\n\n".join(replies))
