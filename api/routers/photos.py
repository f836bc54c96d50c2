"""Progress photos: upload (sniffed, EXIF-stripped, deduplicated), list, get, patch, delete.

Bytes live in object storage under ``photos/{user_id}/{photo_id}.{ext}`` (the server picks
the key); rows hold the metadata. ``GET`` answers carry a short-lived download URL: an S3
presigned URL, or for local storage an HMAC-signed URL served by ``/v1/photos/files``.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import datetime as dt
import hashlib
import logging
import uuid
from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, File, Form, Query, Response, UploadFile
from sqlalchemy.ext.asyncio import AsyncSession

from api import adherence
from api.checkin_sync import check_not_future
from api.data_common import check_range, invalid
from api.deps import CurrentUser, DbSession, State, bump_user_data
from api.errors import ApiError
from api.photos_processing import PhotoRejected, ProcessedPhoto, process
from api.schemas.dates import IsoDate, LogDay
from api.schemas.photos import PhotoOut, PhotoPage, PhotoUpdate
from api.state import AppState
from api.upload_limit import body_limited_route
from persistence.enums import PhotoVisibility
from persistence.models import ProgressPhoto, table_of
from persistence.repositories import photos
from persistence.storage import LocalStorage, ObjectMissing, ObjectStorage, StorageError

log = logging.getLogger(__name__)

_routes = APIRouter(prefix="/photos", tags=["photos"])

#: The route-level cap on the request body; the file itself is checked against
#: ``ApiSettings.photo_max_bytes`` (15 MB by default, never more than this cap allows).
PHOTO_HARD_LIMIT = 15 * 1024 * 1024
FORM_OVERHEAD = 64 * 1024
URL_TTL = dt.timedelta(minutes=5)
MAX_PAGE = 200
#: The upload route, with the body cap answered as problem+json (see ``api.upload_limit``).
_upload = APIRouter(
    prefix="/photos",
    tags=["photos"],
    route_class=body_limited_route(PHOTO_HARD_LIMIT + FORM_OVERHEAD),
)


def storage_of(state: AppState) -> ObjectStorage:
    """The configured storage (503 when the app has none)."""
    if state.storage is None:
        raise ApiError(503, "photo storage is not configured")
    return state.storage


def photo_key(user_id: uuid.UUID, photo_id: uuid.UUID, extension: str) -> str:
    """The object key of a photo; never derived from client input."""
    return f"photos/{user_id}/{photo_id}.{extension}"


async def _with_url(state: AppState, row: ProgressPhoto) -> PhotoOut:
    url = await storage_of(state).download_url(row.s3_key, now=state.clock(), expires_in=URL_TTL)
    return PhotoOut.of(row, url)


async def _lock_hash(db: AsyncSession, user_id: uuid.UUID, content_hash: str) -> None:
    # Serialises concurrent uploads of the same bytes by the same user until commit, so
    # deduplication holds without a unique index on (user_id, content_hash).
    await db.execute(
        sa.select(
            sa.func.pg_advisory_xact_lock(sa.func.hashtextextended(f"{user_id}:{content_hash}", 0))
        )
    )


@_upload.post(
    "",
    response_model=PhotoOut,
    status_code=201,
    responses={
        200: {"model": PhotoOut, "description": "the same bytes were uploaded before"},
        413: {"description": "larger than 15 MB"},
        415: {"description": "not a JPEG, PNG, WebP or HEIC image"},
    },
)
async def upload_photo(
    file: Annotated[UploadFile, File(description="JPEG, PNG, WebP or HEIC, at most 15 MB")],
    date: Annotated[LogDay, Form(description="the day the photo shows (YYYY-MM-DD)")],
    user: CurrentUser,
    db: DbSession,
    state: State,
    response: Response,
    visibility: Annotated[PhotoVisibility, Form()] = PhotoVisibility.PRIVATE,
) -> PhotoOut:
    """Store a photo (201), or return the existing one when these bytes were uploaded
    before by this user (200). EXIF (GPS included) is stripped before storage."""
    storage = storage_of(state)
    user_id = user.id  # the session is rolled back below, which expires `user`
    limit = min(state.config.api.photo_max_bytes, PHOTO_HARD_LIMIT)
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise ApiError(413, f"file: larger than {limit} bytes")
    inputs = await adherence.load_inputs(db, user_id=user_id)
    check_not_future(
        date, today=adherence.user_today(inputs.timezone, state.clock()), field="body.date"
    )
    content_hash = hashlib.sha256(data).hexdigest()
    existing = await photos.find_by_hash(db, user_id=user_id, content_hash=content_hash)
    if existing is not None:
        response.status_code = 200
        return await _with_url(state, existing)
    await db.rollback()  # release the connection while decoding (CPU work, no DB)
    try:
        processed: ProcessedPhoto = await asyncio.to_thread(process, data)
    except PhotoRejected as exc:
        raise ApiError(
            exc.status, str(exc), errors=[{"field": "body.file", "message": str(exc)}]
        ) from exc
    await _lock_hash(db, user_id, content_hash)
    existing = await photos.find_by_hash(db, user_id=user_id, content_hash=content_hash)
    if existing is not None:
        response.status_code = 200
        return await _with_url(state, existing)
    photo_id = uuid.uuid4()
    key = photo_key(user_id, photo_id, processed.extension)
    metadata = {
        "width": processed.width,
        "height": processed.height,
        "size_bytes": len(processed.data),
        "original_size_bytes": len(data),
        "content_type": processed.content_type,
        "format": processed.kind,
        "metadata_stripped": True,
        **({"notes": processed.notes} if processed.notes else {}),
    }
    try:
        await storage.put(key, processed.data, content_type=processed.content_type)
    except StorageError as exc:
        log.error("photo upload: storage failed: %s", exc)
        raise ApiError(503, "photo storage is unavailable; try again later") from exc
    try:
        row = await photos.add(
            db,
            user_id=user_id,
            photo_id=photo_id,
            day=date,
            s3_key=key,
            content_hash=content_hash,
            visibility=visibility,
            photo_metadata=metadata,
        )
        await db.commit()
    except BaseException:
        await _forget(storage, key)
        raise
    await bump_user_data(state, user_id)
    return await _with_url(state, row)


async def _forget(storage: ObjectStorage, key: str) -> None:
    try:
        await storage.delete(key)
    except StorageError as exc:  # an orphan object; the row was never committed
        log.error("could not remove orphan photo object %s: %s", key, exc)


def _encode_cursor(row: ProgressPhoto) -> str:
    raw = f"p:{row.date.isoformat()}:{row.id}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[dt.date, uuid.UUID]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, day, photo_id = raw.split(":")
        if kind != "p":
            raise ValueError(kind)
        return dt.date.fromisoformat(day), uuid.UUID(photo_id)
    except (ValueError, UnicodeDecodeError, binascii.Error) as exc:
        raise invalid("query.cursor", "not a cursor returned by this endpoint") from exc


@_routes.get("", response_model=PhotoPage)
async def list_photos(
    user: CurrentUser,
    db: DbSession,
    state: State,
    start: Annotated[IsoDate | None, Query(alias="from", description="inclusive")] = None,
    end: Annotated[IsoDate | None, Query(alias="to", description="inclusive")] = None,
    visibility: PhotoVisibility | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
    cursor: Annotated[str | None, Query(description="next_cursor of the previous page")] = None,
) -> PhotoPage:
    """The user's photos newest first (by date, then id), each with a download URL."""
    check_range(start, end)
    table = table_of(ProgressPhoto)
    stmt = sa.select(ProgressPhoto).where(table.c.user_id == user.id)
    if start is not None:
        stmt = stmt.where(table.c.date >= start)
    if end is not None:
        stmt = stmt.where(table.c.date <= end)
    if visibility is not None:
        stmt = stmt.where(table.c.visibility == visibility)
    if cursor is not None:
        day, photo_id = _decode_cursor(cursor)
        stmt = stmt.where(
            sa.tuple_(table.c.date, table.c.id) < sa.tuple_(sa.literal(day), sa.literal(photo_id))
        )
    stmt = stmt.order_by(table.c.date.desc(), table.c.id.desc()).limit(limit + 1)
    rows = list((await db.scalars(stmt)).all())
    page = rows[:limit]
    items = [await _with_url(state, row) for row in page]
    next_cursor = _encode_cursor(page[-1]) if len(rows) > limit else None
    return PhotoPage(items=items, next_cursor=next_cursor)


@_routes.get("/files/{key:path}", include_in_schema=False)
async def download_file(key: str, state: State, expires: int = 0, sig: str = "") -> Response:
    """Serve an object of local storage to the holder of a valid signed URL."""
    storage = storage_of(state)
    if not isinstance(storage, LocalStorage):
        raise ApiError(404, "not found")
    try:
        valid = storage.verify(key, expires=expires, sig=sig, now=state.clock())
        data = await storage.get(key) if valid else b""
    except (ValueError, ObjectMissing) as exc:
        raise ApiError(404, "not found") from exc
    if not valid:
        raise ApiError(403, "this download link is invalid or has expired")
    extension = key.rsplit(".", 1)[-1].lower()
    media = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp", "heic": "image/heic"}
    return Response(
        content=data,
        media_type=media.get(extension, "application/octet-stream"),
        headers={"Cache-Control": "private, max-age=300", "Content-Disposition": "inline"},
    )


@_routes.get("/{photo_id}", response_model=PhotoOut)
async def get_photo(
    photo_id: uuid.UUID, user: CurrentUser, db: DbSession, state: State
) -> PhotoOut:
    """One photo with a download URL valid for a few minutes."""
    return await _with_url(state, await photos.get(db, user_id=user.id, photo_id=photo_id))


@_routes.patch("/{photo_id}", response_model=PhotoOut)
async def update_photo(
    photo_id: uuid.UUID, body: PhotoUpdate, user: CurrentUser, db: DbSession, state: State
) -> PhotoOut:
    """Change who may see the photo (``private`` or ``coach_only``)."""
    row = await photos.set_visibility(
        db, user_id=user.id, photo_id=photo_id, visibility=body.visibility
    )
    await db.commit()
    await bump_user_data(state, user.id)
    return await _with_url(state, row)


@_routes.delete("/{photo_id}", status_code=204)
async def delete_photo(photo_id: uuid.UUID, user: CurrentUser, db: DbSession, state: State) -> None:
    """Delete the photo and its stored object."""
    storage = storage_of(state)
    row = await photos.delete(db, user_id=user.id, photo_id=photo_id)
    try:
        await storage.delete(row.s3_key)
    except StorageError as exc:
        log.error("photo delete: storage failed: %s", exc)
        raise ApiError(503, "photo storage is unavailable; try again later") from exc
    await db.commit()
    await bump_user_data(state, user.id)


router = APIRouter()
router.include_router(_upload)
router.include_router(_routes)
