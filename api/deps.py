"""Request dependencies: app state, a database session, the current user."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession

from api.errors import ApiError
from api.security import InvalidToken
from api.state import AppState
from persistence.models import User

_bearer = HTTPBearer(auto_error=False, description="access token from /v1/auth/login")


async def get_state(request: Request) -> AppState:
    """The app's state, built by the lifespan (async: a sync dependency would run in a thread)."""
    state: AppState = request.app.state.coach
    return state


State = Annotated[AppState, Depends(get_state)]


async def get_db(state: State) -> AsyncIterator[AsyncSession]:
    """One session per request. Routes commit explicitly; anything uncommitted rolls back."""
    async with state.session_factory() as session:
        try:
            yield session
        except BaseException:
            await session.rollback()
            raise


DbSession = Annotated[AsyncSession, Depends(get_db)]

_UNAUTHORIZED = {"WWW-Authenticate": "Bearer"}


def client_ip(request: Request) -> str:
    """The client's address: the peer, or what a trusted proxy (``FORWARDED_ALLOW_IPS``) says."""
    return request.client.host if request.client else "unknown"


async def enforce_rate_limit(state: AppState, *, key: str, limit: int, window_s: float) -> None:
    """Count one request under ``key``; 429 with ``Retry-After`` past the limit."""
    if not state.config.api.rate_limit_enabled:
        return
    decision = await state.rate_limiter.hit(key, limit=limit, window_s=window_s)
    if not decision.allowed:
        if state.telemetry is not None:
            state.telemetry.rate_limited(key.partition(":")[0])  # "auth" or "user"
        raise ApiError(
            429,
            f"too many requests; retry in {decision.retry_after_header} s",
            headers={"Retry-After": decision.retry_after_header},
        )


async def get_token_user_id(
    request: Request,
    state: State,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> uuid.UUID:
    """The user id of a valid access token (401 otherwise), without touching the database.

    Every authenticated route depends on this, so the per-user rate limit
    (``rate_limit_user_per_minute``) is enforced here, once, for all of them.
    """
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise ApiError(401, "missing bearer token", headers=_UNAUTHORIZED)
    try:
        user_id = state.tokens.decode(credentials.credentials)
    except InvalidToken as exc:
        raise ApiError(401, "invalid or expired token", headers=_UNAUTHORIZED) from exc
    request.state.user_id = user_id
    await enforce_rate_limit(
        state,
        key=f"user:{user_id}",
        limit=state.config.api.rate_limit_user_per_minute,
        window_s=60,
    )
    return user_id


TokenUserId = Annotated[uuid.UUID, Depends(get_token_user_id)]


def ensure_active(user: User | None) -> User:
    """``user`` when it exists and is active: 401 when unknown, 403 when inactive."""
    if user is None:
        raise ApiError(401, "invalid or expired token", headers=_UNAUTHORIZED)
    if not user.is_active:
        raise ApiError(403, "this account is inactive")
    return user


async def get_current_user(user_id: TokenUserId, db: DbSession) -> User:
    """The active user of the access token: 401 when unknown, 403 when inactive."""
    return ensure_active(await db.get(User, user_id))


CurrentUser = Annotated[User, Depends(get_current_user)]


async def bump_user_data(state: AppState, user_id: uuid.UUID) -> None:
    """Invalidate the user's cached tool results; call after committing a write to their data.

    Called after the commit (not before), so a tool can never cache a value computed from
    data older than the version it is stored under. The cache logs its own failures.
    """
    await state.cache.bump_user_version(user_id)
