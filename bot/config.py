"""Settings read from the environment and `.env` (pydantic-settings)."""

from __future__ import annotations

import os
import re
import socket
from datetime import time
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_DB_PATH = Path("var") / "sitrep.db"
TELEGRAM_API_BASE_URL = "https://api.telegram.org/bot"


class ConfigError(Exception):
    """A setting has a bad value; the message names the variable."""


class Settings(BaseSettings):
    """Everything Sitrep can be configured with; each field is documented in `.env.example`."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str = TELEGRAM_API_BASE_URL
    database_url: str = f"sqlite+aiosqlite:///{DEFAULT_DB_PATH}"
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    # ISO 3166-1 alpha-2 codes of the countries this deployment follows ("AF,PK", "SD,TD"):
    # their places win over namesakes elsewhere; empty means the whole world alike.
    focus_countries: Annotated[tuple[str, ...], NoDecode] = ()
    default_timezone: str = "UTC"
    default_briefing_time: time = time(7, 0)
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "0.0.0.0:8443"
    log_level: str = "INFO"
    send_rate: float = Field(default=30.0, gt=0)
    send_concurrency: int = Field(default=8, ge=1, le=1000)
    # Telegram's per-chat limits, kept by the sender and by replies (0 switches one off)
    send_chat_interval: float = Field(default=1.0, ge=0, le=60)
    send_group_per_minute: int = Field(default=20, ge=0, le=1000)
    redis_url: str | None = None
    # Who this sender is across restarts (its claimed outbox rows are its own): a restart under
    # the same name takes them back at once. Default: the host name (stable in a container).
    instance_name: str | None = Field(default=None, max_length=55)
    sender_heartbeat_seconds: float = Field(default=2.0, gt=0, le=60)
    sender_dead_after_seconds: float = Field(default=10.0, gt=0, le=3600)
    handler_timeout_s: float = Field(default=30.0, gt=0, le=3600)
    access: Literal["open", "allowlist"] = "open"
    question_log_days: int = Field(default=30, ge=0, le=3650)
    # Feed sources may be on loopback, private or link-local addresses (tests, intranet feeds).
    sources_allow_private: bool = False
    # A folder of templates overriding the packaged ones (briefings/*.html) one by one.
    templates_dir: Path | None = None

    @field_validator(
        "telegram_bot_token",
        "webhook_secret",
        "webhook_url",
        "redis_url",
        "instance_name",
        mode="before",
    )
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _parse_admin_ids(cls, value: object) -> object:
        if isinstance(value, int):
            return frozenset({value})
        if isinstance(value, str):
            parts = [p.strip() for p in value.split(",") if p.strip()]
            bad = [p for p in parts if not re.fullmatch(r"-?\d{1,20}", p)]
            if bad:
                raise ValueError(
                    "expected comma-separated numeric Telegram user ids like 777,888; "
                    f"got {bad[0]!r}"
                )
            return frozenset(int(p) for p in parts)
        return value

    @field_validator("focus_countries", mode="before")
    @classmethod
    def _parse_focus(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p.strip().upper() for p in value.split(",") if p.strip()]
            bad = [p for p in parts if not re.fullmatch(r"[A-Z]{2}", p)]
            if bad:
                raise ValueError(
                    f"expected comma-separated ISO 3166 country codes like AF,PK; got {bad[0]!r}"
                )
            return tuple(dict.fromkeys(parts))
        return value

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str) -> str:
        value = value.strip()
        if value.startswith("sqlite+aiosqlite://") or value.startswith("postgresql+asyncpg://"):
            return value
        if value.startswith(("sqlite://", "sqlite:///")):
            return "sqlite+aiosqlite://" + value.removeprefix("sqlite://")
        if value.startswith(("postgresql://", "postgres://")):
            return "postgresql+asyncpg://" + value.split("://", 1)[1]
        raise ValueError(
            "expected an async SQLAlchemy URL such as sqlite+aiosqlite:///var/sitrep.db "
            "or postgresql+asyncpg://user@host:5432/db"
        )

    @field_validator("default_timezone")
    @classmethod
    def _check_tz(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown IANA time zone {value!r} (e.g. Asia/Kabul, UTC)") from exc
        return value

    @field_validator("telegram_api_base_url")
    @classmethod
    def _check_base_url(cls, value: str) -> str:
        if not re.match(r"^https?://", value):
            raise ValueError("expected an http(s) URL such as https://api.telegram.org/bot")
        return value

    @field_validator("webhook_listen")
    @classmethod
    def _check_listen(cls, value: str) -> str:
        host, sep, port = value.rpartition(":")
        if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError("expected HOST:PORT such as 0.0.0.0:8443")
        return value

    @field_validator("log_level")
    @classmethod
    def _check_log_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("expected one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
        return level

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> Settings:
        if self.webhook_url and not self.webhook_secret:
            raise ValueError("WEBHOOK_SECRET is required when WEBHOOK_URL is set")
        return self

    @property
    def tz(self) -> ZoneInfo:
        """The default time zone as a ZoneInfo."""
        return ZoneInfo(self.default_timezone)

    @property
    def is_sqlite(self) -> bool:
        """Whether the configured store is SQLite."""
        return self.database_url.startswith("sqlite")

    @property
    def sender_instance(self) -> str:
        """INSTANCE_NAME, else the host name: the sender's identity across restarts."""
        return self.instance_name or socket.gethostname()[:55]

    @property
    def listen_host_port(self) -> tuple[str, int]:
        """WEBHOOK_LISTEN split into host and port."""
        host, _, port = self.webhook_listen.rpartition(":")
        return host, int(port)


def load_settings(env_file: str | None = ".env", **overrides: object) -> Settings:
    """Read settings, turning a validation error into a one-line ConfigError naming the variable."""
    try:
        return Settings(_env_file=env_file, **overrides)  # type: ignore[call-arg,arg-type]
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = [str(p) for p in err.get("loc", ()) if p != "__root__"]
        msg = str(err.get("msg", "invalid value")).removeprefix("Value error, ")
        line = f"{loc[0].upper()}: {msg}" if loc else msg
        raise ConfigError(line) from None


def instance_name() -> str:
    """host:pid: which process claimed a row (outbox messages, inbox updates)."""
    return f"{socket.gethostname()}:{os.getpid()}"
