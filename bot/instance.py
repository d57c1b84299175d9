"""Who this process is, for rows it claims (outbox messages, webhook updates)."""

from __future__ import annotations

import os
import socket


def instance_name() -> str:
    """host:pid — who claimed a row."""
    return f"{socket.gethostname()}:{os.getpid()}"
