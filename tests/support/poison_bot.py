"""`sitrep run` (long polling) with one planted bug: a handler that raises on /poison, for the
test that a poison update does not hold back the next one (test_polling_subprocess.py).

Usage: python -m tests.support.poison_bot   (settings from the environment, as `sitrep run`)
"""

from __future__ import annotations

import os
import string
import sys
from typing import Any

from telegram import Update
from telegram.ext import CommandHandler

from bot.cli.main import main
from bot.config import Settings
from bot.telegram.context import SitrepApp, SitrepContext
from bot.telegram.intake import runner

_build = runner.build_application


async def poison(update: Update, context: SitrepContext) -> None:
    """The planted bug."""
    raise RuntimeError("poison")


def build_with_poison(settings: Settings, **kwargs: Any) -> SitrepApp:
    """The real application, plus the planted bug ahead of every other handler (and, with
    SITREP_TEST_PREWARM_TYPOS set, the place lookups' typo caches filled at start)."""
    app = _build(settings, **kwargs)
    app.add_handler(CommandHandler("poison", poison), group=-4)
    if os.environ.get("SITREP_TEST_PREWARM_TYPOS"):
        started = app.post_init

        async def prewarm(app: SitrepApp) -> None:
            if started is not None:
                await started(app)
            gazetteer = app.bot_data.services.gazetteer
            for first in string.ascii_lowercase + string.digits:
                gazetteer._typo_bucket(first)

        app.post_init = prewarm
    return app


if __name__ == "__main__":
    runner.build_application = build_with_poison
    sys.argv = ["sitrep", "run", "--no-migrate"]
    main()
