"""The account as a whole: export everything stored about the user, soft-delete it.

Soft deletion (``DELETE /v1/me``): the user row becomes inactive and its password hash is
replaced by a deletion marker that records the time (``persistence.retention``), every
refresh token is revoked, and the photo objects and rows are removed at once. The rest
stays for 30 days (a support window), then ``coach retention run`` hard-deletes the
account with everything it owns.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from api.deps import CurrentUser, DbSession, State, bump_user_data
from api.errors import ApiError
from api.routers.photos import storage_of
from persistence.models import (
    AIPolicyViolationLog,
    AISession,
    AIToolCallLog,
    Base,
    CheckIn,
    DietPreferences,
    NutritionDay,
    ProgressPhoto,
    RefreshToken,
    UserGoal,
    UserProfile,
    table_of,
)
from persistence.repositories import tokens
from persistence.retention import deletion_marker
from persistence.serialize import jsonable, row_dict
from persistence.storage import StorageError

log = logging.getLogger(__name__)

router = APIRouter(prefix="/me", tags=["account"])

EXPORT_FORMAT_VERSION = 1


async def _all(db: AsyncSession, model: type[Base], user_id: uuid.UUID, *order: str) -> list[Any]:
    table = table_of(model)
    stmt = sa.select(model).where(table.c.user_id == user_id)
    stmt = stmt.order_by(*(table.c[name] for name in order), table.c.id)
    return list((await db.scalars(stmt)).all())


async def _one(db: AsyncSession, model: type[Base], user_id: uuid.UUID) -> dict[str, Any] | None:
    rows = await _all(db, model, user_id)
    return row_dict(rows[0]) if rows else None


@router.get(
    "/export",
    responses={200: {"description": "every stored record of the user, as JSON"}},
)
async def export_account(user: CurrentUser, db: DbSession, state: State) -> JSONResponse:
    """Everything stored about the user: account, profile, goal, preferences, check-ins,
    nutrition, photo metadata, AI sessions with their history, tool-call and policy logs,
    and refresh-token metadata (never the token hashes or the password hash)."""
    uid = user.id
    payload: dict[str, Any] = {
        "format_version": EXPORT_FORMAT_VERSION,
        "exported_at": jsonable(state.clock()),
        "user": row_dict(user, exclude={"hashed_password"}),
        "profile": await _one(db, UserProfile, uid),
        "goal": await _one(db, UserGoal, uid),
        "preferences": await _one(db, DietPreferences, uid),
        "check_ins": [row_dict(r) for r in await _all(db, CheckIn, uid, "date")],
        "nutrition": [row_dict(r) for r in await _all(db, NutritionDay, uid, "date")],
        "photos": [row_dict(r) for r in await _all(db, ProgressPhoto, uid, "date")],
        "ai_sessions": [row_dict(r) for r in await _all(db, AISession, uid, "started_at")],
        "tool_call_logs": [row_dict(r) for r in await _all(db, AIToolCallLog, uid, "created_at")],
        "policy_violation_logs": [
            row_dict(r) for r in await _all(db, AIPolicyViolationLog, uid, "created_at")
        ],
        "refresh_tokens": [
            row_dict(r, exclude={"token_hash"})
            for r in await _all(db, RefreshToken, uid, "created_at")
        ],
    }
    day = state.clock().date().isoformat()
    return JSONResponse(
        payload,
        headers={
            "Content-Disposition": f'attachment; filename="sleek-coach-export-{day}.json"',
            "Cache-Control": "no-store",
        },
    )


@router.delete("", status_code=204)
async def delete_account(user: CurrentUser, db: DbSession, state: State) -> None:
    """Soft-delete the account: it stops working at once (tokens revoked, access 403) and
    photos are removed now; everything else is erased by the retention job after 30 days."""
    storage = storage_of(state)
    now = state.clock()
    uid = user.id
    user.is_active = False
    user.hashed_password = deletion_marker(now)
    await tokens.revoke_all_for_user(db, user_id=uid, now=now)
    photo = table_of(ProgressPhoto)
    keys = list((await db.scalars(sa.select(photo.c.s3_key).where(photo.c.user_id == uid))).all())
    await db.execute(sa.delete(photo).where(photo.c.user_id == uid))
    await db.flush()
    try:
        for key in keys:
            await storage.delete(key)
        await storage.delete_prefix(f"photos/{uid}/")
    except StorageError as exc:
        log.error("account delete: storage failed: %s", exc)
        raise ApiError(503, "photo storage is unavailable; try again later") from exc
    await db.commit()
    await bump_user_data(state, uid)
