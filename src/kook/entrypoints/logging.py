"""structlog: readable lines in dev, JSON otherwise; every line carries the
request id (and the user once known) from context variables; secrets are
masked whatever key they hide under."""

from __future__ import annotations

import logging
import sys
from collections.abc import MutableMapping
from typing import Any

import structlog

SECRET_KEYS = frozenset(
    {
        "password",
        "current_password",
        "new_password",
        "code",
        "otp",
        "key",
        "api_key",
        "secret",
        "token",
        "csrf_token",
        "authorization",
        "cookie",
        "session_id",
        "text",
        "card",
        "pan",
    }
)


def redact_secrets(_logger: Any, _name: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    for key in list(event.keys()):
        if key.lower() in SECRET_KEYS:
            event[key] = "***"
    return event


def configure_logging(level: str = "info", fmt: str = "console") -> None:
    log_level = getattr(logging, level.upper(), logging.INFO)
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        redact_secrets,
    ]
    renderer: Any = (
        structlog.processors.JSONRenderer() if fmt == "json" else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[*shared, structlog.processors.format_exc_info, renderer] if fmt == "json" else [*shared, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(log_level),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=False,
    )
    # Libraries that log through the standard library go through the same renderer.
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer], foreign_pre_chain=shared
        )
    )
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(log_level)
    for noisy in ("uvicorn.access", "sqlalchemy.engine", "aiosqlite", "asyncio", "httpx", "httpcore", "alembic"):
        logging.getLogger(noisy).setLevel(max(log_level, logging.WARNING))
