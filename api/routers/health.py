"""Liveness and readiness."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi import APIRouter
from pydantic import BaseModel

from api.deps import DbSession

router = APIRouter(tags=["health"])


class Health(BaseModel):
    """Service status."""

    status: str
    database: str


@router.get("/health", response_model=Health)
async def health(db: DbSession) -> Health:
    """200 when the database answers."""
    await db.execute(sa.text("SELECT 1"))
    return Health(status="ok", database="ok")
