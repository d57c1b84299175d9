"""Inline keyboards. Button labels come from macros in briefings/ through `Labels`."""

from __future__ import annotations

from typing import Any

from bot.render.environment import Renderer


class Labels:
    """The short texts (labels, toasts, notes) kept as macros in one briefings/ file."""

    def __init__(self, renderer: Renderer, file: str) -> None:
        self.renderer = renderer
        self.file = file

    def __call__(self, macro: str, /, **data: Any) -> str:
        """Render one macro of the file as a plain `str`."""
        return self.renderer.render_plain(self.file, macro, **data)
