"""Operations endpoints at the root: liveness, readiness and Prometheus metrics.

- ``GET /healthz``: 200 while the process serves requests; touches nothing else.
- ``GET /readyz``: 200 when PostgreSQL answers and, when ``REDIS_URL`` is set, Redis too;
  otherwise 503 problem+json naming each failing part (``checks``). Each check gives up
  after :data:`CHECK_TIMEOUT_S`, so a probe never hangs on a dead dependency.
- ``GET /metrics``: Prometheus text, behind the admin key (``ADMIN_API_KEY``), sent as
  ``X-Admin-Key`` or as ``Authorization: Bearer`` (what Prometheus' ``authorization``
  scrape setting sends); 404 when no key is configured or metrics are off.
"""

from __future__ import annotations

import asyncio
import hmac
from typing import Annotated

import redis.asyncio as aioredis
import sqlalchemy as sa
from fastapi import APIRouter, Header, Response
from pydantic import BaseModel

from api.deps import State
from api.errors import ApiError
from api.routers.admin_audit import configured_admin_key
from api.state import AppState

router = APIRouter(tags=["operations"])

#: Seconds each readiness check may take.
CHECK_TIMEOUT_S = 2.0


class Liveness(BaseModel):
    """The process is up."""

    status: str


class Readiness(BaseModel):
    """Every dependency answered."""

    status: str
    checks: dict[str, str]


async def check_postgres(state: AppState) -> str | None:
    """``None`` when PostgreSQL answers ``SELECT 1`` in time, else why not."""
    try:
        async with asyncio.timeout(CHECK_TIMEOUT_S), state.engine.connect() as conn:
            await conn.execute(sa.text("SELECT 1"))
    except TimeoutError:
        return f"no answer within {CHECK_TIMEOUT_S:g} s"
    except Exception as exc:
        return _reason(exc)
    return None


async def check_redis(url: str) -> str | None:
    """``None`` when Redis answers ``PING`` in time, else why not."""
    client = aioredis.Redis.from_url(
        url, socket_connect_timeout=CHECK_TIMEOUT_S, socket_timeout=CHECK_TIMEOUT_S
    )
    try:
        async with asyncio.timeout(CHECK_TIMEOUT_S):
            await client.ping()
    except TimeoutError:
        return f"no answer within {CHECK_TIMEOUT_S:g} s"
    except Exception as exc:
        return _reason(exc)
    finally:
        await client.aclose()
    return None


def _reason(exc: BaseException) -> str:
    cause = getattr(exc, "orig", None) or exc
    text = str(cause).strip().splitlines()[0] if str(cause).strip() else ""
    return f"{type(cause).__name__}: {text}"[:200] if text else type(cause).__name__


@router.get("/healthz", response_model=Liveness)
async def healthz() -> Liveness:
    """200 while the process is alive (no dependency is checked)."""
    return Liveness(status="ok")


@router.get(
    "/readyz",
    response_model=Readiness,
    responses={503: {"description": "a dependency is unavailable (named in `checks`)"}},
)
async def readyz(state: State) -> Readiness:
    """200 when PostgreSQL (and Redis, when configured) answer; 503 naming what does not."""
    names = ["postgresql"]
    checks = [check_postgres(state)]
    if state.config.api.redis_url:
        names.append("redis")
        checks.append(check_redis(state.config.api.redis_url))
    failures = dict(zip(names, await asyncio.gather(*checks), strict=True))
    results = {name: failure or "ok" for name, failure in failures.items()}
    failing = [name for name, failure in failures.items() if failure is not None]
    if failing:
        raise ApiError(
            503,
            f"not ready: {', '.join(failing)} unavailable",
            title="Service Unavailable",
            headers={"Retry-After": "5"},
            checks=results,
        )
    return Readiness(status="ok", checks=results)


@router.get(
    "/metrics",
    response_class=Response,
    responses={200: {"content": {"text/plain": {}}, "description": "Prometheus text format"}},
)
async def metrics(
    state: State,
    x_admin_key: Annotated[str | None, Header()] = None,
    authorization: Annotated[str | None, Header()] = None,
) -> Response:
    """Prometheus metrics (admin key in ``X-Admin-Key`` or ``Authorization: Bearer``)."""
    expected = configured_admin_key(state)
    telemetry = state.telemetry
    if expected is None or telemetry is None or telemetry.metrics is None:
        raise ApiError(404, "Not Found")
    scheme, _, bearer = (authorization or "").partition(" ")
    given = x_admin_key or (bearer if scheme.lower() == "bearer" else "")
    if not given:
        raise ApiError(401, "missing admin key (X-Admin-Key or Authorization: Bearer)")
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise ApiError(403, "wrong admin key")
    body, content_type = telemetry.metrics.render()
    return Response(content=body, media_type=content_type)
