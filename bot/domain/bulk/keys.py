"""Export keys: every event's stable identity in an export, whether it has a key of its own or not.

An event imported from a dataset keeps that dataset's key (``acled:…``, ``ucdp:…``); an event
from an article or an admin has none and is exported as ``sitrep:<hash of its creation
instant>`` (``-2``, ``-3``… for events created at the same instant, by id). The same keys are
given to the store's keyless events when an export of it is imported back (see reimport.py), so
the export's rows find the events they came from instead of becoming duplicates.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

SITREP_PREFIX = "sitrep:"
UCDP_PREFIX = "ucdp:"
ACLED_PREFIX = "acled:"
ACLED_HASH_PREFIX = "acled-row:"
# Keys an ACLED file's event_id_cnty may carry whole (Sitrep's exports of events of other origins).
OWN_KEY_PREFIXES = (SITREP_PREFIX, UCDP_PREFIX, ACLED_HASH_PREFIX)


@dataclass(frozen=True, slots=True)
class Identity:
    """What an event's export key is made of."""

    id: int
    created_at: datetime
    external_key: str | None


def sitrep_base(created_at: datetime) -> str:
    """The export key of a keyless event created at this instant (before any -2, -3 suffix)."""
    digest = hashlib.sha256(created_at.isoformat().encode()).hexdigest()
    return SITREP_PREFIX + digest[:20]


def export_keys(events: Iterable[Identity], taken: Iterable[str] = ()) -> dict[int, str]:
    """Each event's export key by id: its own key, else a Sitrep key (see the module). `taken`:
    keys stored on events not given here, which a Sitrep key must not repeat."""
    items = list(events)
    used = {e.external_key for e in items if e.external_key} | set(taken)
    out: dict[int, str] = {}
    seen: dict[str, int] = {}
    for e in sorted(items, key=lambda e: (e.external_key is not None, e.created_at, e.id)):
        if e.external_key:
            out[e.id] = e.external_key
            continue
        base = sitrep_base(e.created_at)
        n = seen.get(base, 0) + 1
        key = base if n == 1 else f"{base}-{n}"
        while key in used:
            n += 1
            key = f"{base}-{n}"
        seen[base] = n
        used.add(key)
        out[e.id] = key
    return out


def dataset_of(key: str | None) -> str | None:
    """The dataset a key belongs to ("acled", "ucdp"); None for Sitrep's own events (articles,
    admins: no key, or a ``sitrep:`` key given by an export)."""
    if not key or ":" not in key or key.startswith(SITREP_PREFIX):
        return None
    return key.split(":", 1)[0].split("-", 1)[0].lower() or None
