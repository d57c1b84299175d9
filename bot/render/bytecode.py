"""Compiled templates kept between starts: Jinja's bytecode cache in Sitrep's cache directory.

Compiling every template in `briefings/` costs a few hundred milliseconds at each start; with
the cache, a start whose templates are unchanged loads them compiled. Jinja checks each cached
entry against the template's source and the Python version, so an edited template or another
interpreter compiles afresh. A directory that cannot be written means no cache, never an error.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from jinja2 import BytecodeCache, FileSystemBytecodeCache

log = logging.getLogger(__name__)


def template_cache(directory: Path) -> BytecodeCache | None:
    """A bytecode cache in `directory` (created if need be); None when it cannot be written."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        log.info("no template cache in %s: %s", directory, exc)
        return None
    if not os.access(directory, os.W_OK | os.X_OK):
        log.info("no template cache in %s: not writable", directory)
        return None
    return FileSystemBytecodeCache(str(directory), pattern="sitrep-%s.cache")
