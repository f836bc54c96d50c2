"""Rows as JSON-ready dicts, for the account export and the session archives."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection
from decimal import Decimal
from enum import Enum
from typing import Any

import sqlalchemy as sa

from persistence.models import Base


def jsonable(value: Any) -> Any:
    """``value`` with UUIDs, dates, decimals and enums turned into JSON types."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def row_dict(row: Base, *, exclude: Collection[str] = ()) -> dict[str, Any]:
    """Every mapped column of ``row`` by its column name (``metadata``, not the attribute)."""
    mapper = sa.inspect(type(row))
    out: dict[str, Any] = {}
    for attr in mapper.column_attrs:
        name = attr.columns[0].name
        if name in exclude or attr.key in exclude:
            continue
        out[name] = jsonable(getattr(row, attr.key))
    return out
