"""Bodies of ``/v1/photos``."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from persistence.enums import PhotoVisibility
from persistence.models import ProgressPhoto
from persistence.storage import DownloadUrl


class PhotoOut(BaseModel):
    """A progress photo's metadata and a short-lived URL to its bytes."""

    id: uuid.UUID
    date: dt.date
    visibility: PhotoVisibility
    s3_key: str = Field(description="object key, chosen by the server")
    content_hash: str | None = Field(description="SHA-256 of the uploaded bytes (dedup key)")
    photo_metadata: dict[str, Any] | None = Field(
        description="width, height, size_bytes, content_type, ..."
    )
    created_at: dt.datetime | None
    download_url: str | None = Field(default=None, description="valid until download_expires_at")
    download_expires_at: dt.datetime | None = None

    @classmethod
    def of(cls, row: ProgressPhoto, url: DownloadUrl | None = None) -> PhotoOut:
        """The response view of a row."""
        return cls(
            id=row.id,
            date=row.date,
            visibility=row.visibility,
            s3_key=row.s3_key,
            content_hash=row.content_hash,
            photo_metadata=row.photo_metadata,
            created_at=row.created_at,
            download_url=url.url if url else None,
            download_expires_at=url.expires_at if url else None,
        )


class PhotoPage(BaseModel):
    """Photos newest first; pass ``next_cursor`` as ``cursor`` for the next page."""

    items: list[PhotoOut]
    next_cursor: str | None


class PhotoUpdate(BaseModel):
    """``PATCH /v1/photos/{id}``: only the visibility can change."""

    model_config = ConfigDict(extra="forbid")

    visibility: PhotoVisibility
