"""Admins' actor edits read from one line ("NAME | alias, alias"), checked before any store."""

from __future__ import annotations

import re
import unicodedata

from bot.domain.actors.model import MAX_NAME, ActorError

_LETTER_OR_DIGIT = re.compile(r"[^\W_]")
MAX_ALIASES = 20  # aliases given at once


def clean_name(raw: str, what: str = "name") -> str:
    """A name with its spaces tidied; ActorError when it cannot name an actor."""
    name = " ".join(raw.split())
    if not name:
        raise ActorError(f"The {what} is empty.")
    if len(name) > MAX_NAME:
        raise ActorError(f"The {what} is longer than {MAX_NAME} characters.")
    if any(
        unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co") for c in name if c not in "\u200c\u200d"
    ):
        raise ActorError(f"The {what} holds control characters.")
    if not _LETTER_OR_DIGIT.search(name) or len(name) < 2:
        raise ActorError(f"The {what} needs at least two characters and a letter or digit.")
    return name


def read_new_actor(rest: str) -> tuple[str, list[str]]:
    """NAME [| alias, alias …] → the canonical name and its aliases."""
    name_part, _, alias_part = rest.partition("|")
    name = clean_name(name_part)
    aliases = [clean_name(a, "alias") for a in alias_part.split(",") if a.strip()]
    if len(aliases) > MAX_ALIASES:
        raise ActorError(f"Give at most {MAX_ALIASES} aliases at once.")
    return name, list(dict.fromkeys(a for a in aliases if a != name))


def read_alias(rest: str) -> tuple[str, str]:
    """NAME | ALIAS → the actor's name and the new alias."""
    name_part, bar, alias_part = rest.partition("|")
    if not bar:
        raise ActorError("Separate the actor and the alias with “|”.")
    return clean_name(name_part), clean_name(alias_part, "alias")
