"""The one Jinja2 Environment for everything the bot sends (templates live in `briefings/`).

Operators own the wording: files in `TEMPLATES_DIR` override the packaged templates one by one
(same file name). An override that does not compile is reported at start with its file and
line, and the packaged template is used instead.
"""

from __future__ import annotations

import html
import logging
from pathlib import Path
from typing import Any

from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
)

import briefings

log = logging.getLogger(__name__)

TEMPLATES_DIR = Path(briefings.__file__).resolve().parent


class TemplateCheckError(RuntimeError):
    """A template in briefings/ does not compile; start-up stops with this message."""


TEMPLATE_SUFFIXES = (".html", ".txt")


def _options() -> dict[str, Any]:
    return {
        "autoescape": True,
        "undefined": StrictUndefined,
        "trim_blocks": True,
        "lstrip_blocks": True,
        "keep_trailing_newline": False,
        "auto_reload": False,
    }


def upper_first(text: object) -> str:
    """The text with its first letter in capitals and the rest as written (Jinja's
    `capitalize` lowercases the rest, which spoils place and actor names)."""
    value = str(text)
    return value[:1].upper() + value[1:]


def _add_filters(env: Environment) -> Environment:
    env.filters["upper_first"] = upper_first
    return env


def usable_overrides(
    directory: Path, packaged: Path = TEMPLATES_DIR
) -> tuple[dict[str, Path], list[str]]:
    """The override files that compile (name -> path), and a report line ("file:line: why")
    for each one that does not or that overrides nothing."""
    good: dict[str, Path] = {}
    problems: list[str] = []
    if not directory.is_dir():
        return good, [f"{directory}: TEMPLATES_DIR is not a directory; packaged templates used"]
    checker = _add_filters(Environment(**_options()))
    for path in sorted(directory.iterdir()):
        if not path.is_file() or path.suffix not in TEMPLATE_SUFFIXES:
            continue
        try:
            source = path.read_text(encoding="utf-8")
            checker.parse(source, path.name, str(path))
        except TemplateError as exc:
            line = getattr(exc, "lineno", None)
            problems.append(f"{path}:{line or 1}: {exc.message or exc}; the packaged one is used")
            continue
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(f"{path}:1: unreadable ({exc}); the packaged one is used")
            continue
        if not (packaged / path.name).is_file():
            problems.append(f"{path}:1: overrides no packaged template (kept for includes)")
        good[path.name] = path
    return good, problems


class _Overrides(BaseLoader):
    """The operator's templates that compiled, by name."""

    def __init__(self, paths: dict[str, Path]) -> None:
        self._paths = paths

    def get_source(self, environment: Environment, template: str) -> tuple[str, str, Any]:
        """The override's text, its file name, and an up-to-date check."""
        path = self._paths.get(template)
        if path is None:
            raise TemplateNotFound(template)
        mtime = path.stat().st_mtime
        return path.read_text(encoding="utf-8"), str(path), lambda: path.stat().st_mtime == mtime

    def list_templates(self) -> list[str]:
        """The overrides' names."""
        return sorted(self._paths)


def create_environment(
    templates_dir: Path = TEMPLATES_DIR, overrides: Path | None = None
) -> Environment:
    """Build the Environment: HTML autoescaping, undefined names are errors, tidy whitespace;
    templates in `overrides` (TEMPLATES_DIR) replace packaged ones of the same name when they
    compile (each broken one is logged with file and line, and left out)."""
    loader: BaseLoader = FileSystemLoader(str(templates_dir))
    if overrides is not None:
        good, problems = usable_overrides(overrides, templates_dir)
        for problem in problems:
            log.error("template override %s", problem)

        loader = ChoiceLoader([_Overrides(good), loader])
        log.info("templates: %d override(s) from %s", len(good), overrides)
    return _add_filters(Environment(loader=loader, **_options()))


def check_templates(env: Environment) -> list[str]:
    """Compile every template; raise TemplateCheckError naming the first broken one."""
    names = [n for n in env.list_templates() if n.endswith(TEMPLATE_SUFFIXES)]
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
