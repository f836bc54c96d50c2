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


def get_state(request: Request) -> AppState:
    """The app's state, built by the lifespan."""
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


def get_token_user_id(
    request: Request,
    state: State,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> uuid.UUID:
    """The user id of a valid access token (401 otherwise), without touching the database."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise ApiError(401, "missing bearer token", headers=_UNAUTHORIZED)
    try:
        user_id = state.tokens.decode(credentials.credentials)
    except InvalidToken as exc:
        raise ApiError(401, "invalid or expired token", headers=_UNAUTHORIZED) from exc
    request.state.user_id = user_id
    return user_id


TokenUserId = Annotated[uuid.UUID, Depends(get_token_user_id)]


async def get_current_user(user_id: TokenUserId, db: DbSession) -> User:
    """The active user of the access token: 401 when unknown, 403 when inactive."""
    user = await db.get(User, user_id)
    if user is None:
        raise ApiError(401, "invalid or expired token", headers=_UNAUTHORIZED)
    if not user.is_active:
        raise ApiError(403, "this account is inactive")
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]
