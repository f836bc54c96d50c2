"""``/v1/health``: the API's own health check (the probes are ``/healthz`` and ``/readyz``)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from api.deps import State
from api.errors import ApiError
from api.routers.ops import check_postgres

router = APIRouter(tags=["health"])


class Health(BaseModel):
    """Service status."""

    status: str
    database: str


@router.get(
    "/health",
    response_model=Health,
    responses={503: {"description": "the database is unavailable"}},
)
async def health(state: State) -> Health:
    """200 when the database answers, 503 when it does not."""
    failure = await check_postgres(state)
    if failure is not None:
        raise ApiError(503, f"database unavailable: {failure}", headers={"Retry-After": "5"})
    return Health(status="ok", database="ok")
