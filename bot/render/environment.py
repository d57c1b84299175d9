"""The one Jinja2 Environment for everything the bot sends (templates live in `briefings/`)."""

from __future__ import annotations

import html
import logging
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateError

import briefings

log = logging.getLogger(__name__)

TEMPLATES_DIR = Path(briefings.__file__).resolve().parent


class TemplateCheckError(RuntimeError):
    """A template in briefings/ does not compile; start-up stops with this message."""


def create_environment(templates_dir: Path = TEMPLATES_DIR) -> Environment:
    """Build the Environment: HTML autoescaping, undefined names are errors, tidy whitespace."""
    env = Environment(
        loader=FileSystemLoader(str(templates_dir)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        auto_reload=False,
    )
    return env


def check_templates(env: Environment) -> list[str]:
    """Compile every template; raise TemplateCheckError naming the first broken one."""
    names = [n for n in env.list_templates() if n.endswith((".html", ".txt"))]
    for name in names:
        try:
            env.get_template(name)
        except TemplateError as exc:
            lineno = getattr(exc, "lineno", None)
            where = f"{name}:{lineno}" if lineno else name
            raise TemplateCheckError(f"broken template briefings/{where}: {exc}") from exc
    return names


class Renderer:
    """Renders a named template with plain data into Telegram HTML."""

    def __init__(self, env: Environment) -> None:
        self.env = env

    def render(self, name: str, /, **data: Any) -> str:
        """Render `briefings/<name>` and strip surrounding blank space."""
        return self.env.get_template(name).render(**data).strip()

    def render_macro(self, name: str, macro: str, /, **data: Any) -> str:
        """Render one macro of `briefings/<name>` (a file of short messages, one macro each)."""
        module = self.env.get_template(name).make_module()
        render = getattr(module, macro, None)
        if render is None:
            raise KeyError(f"briefings/{name} has no macro {macro!r}")
        return str(render(**data)).strip()

    def render_plain(self, name: str, macro: str, /, **data: Any) -> str:
        """One macro as plain text (button labels, toasts, notes that a template escapes later):
        rendered with autoescaping like any other, then unescaped, so no value is escaped twice."""
        return html.unescape(self.render_macro(name, macro, **data))
