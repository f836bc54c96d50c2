"""Helpers shared by the user-data routes: field errors, keyset cursors, dates, numbers."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from decimal import Decimal

from api.errors import ApiError


def invalid(field: str, message: str, *, status: int = 422) -> ApiError:
    """A validation error in the API's format, naming ``field`` (``query.from``, ...)."""
    return ApiError(
        status,
        f"{field}: {message}",
        title="Validation failed",
        errors=[{"field": field, "message": message}],
    )


def encode_date_cursor(day: dt.date) -> str:
    """An opaque keyset cursor: rows strictly older than ``day`` come next."""
    return base64.urlsafe_b64encode(f"d:{day.isoformat()}".encode()).decode().rstrip("=")


def decode_date_cursor(cursor: str | None) -> dt.date | None:
    """The date a cursor from :func:`encode_date_cursor` holds; 422 when it is not one."""
    if cursor is None:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, value = raw.partition(":")
        if kind != "d":
            raise ValueError(kind)
        return dt.date.fromisoformat(value)
    except (ValueError, UnicodeDecodeError, binascii.Error) as exc:
        raise invalid("query.cursor", "not a cursor returned by this endpoint") from exc


def check_range(start: dt.date | None, end: dt.date | None) -> None:
    """422 when ``from`` is after ``to``."""
    if start is not None and end is not None and start > end:
        raise invalid("query.from", f"{start} is after to={end}")


def to_float(value: Decimal | float | int | None) -> float | None:
    """A JSON number for a NUMERIC column (None stays None)."""
    return None if value is None else float(value)
