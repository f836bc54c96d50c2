"""``/v1/auth``: register, login, refresh, logout, password change, email verification.

Register and login are limited to ``rate_limit_auth_per_15min`` attempts per 15 minutes per
(client IP, email) and action, counted before any password work (a blocked caller costs no
hashing). Password changes and verification resends get the same budget per (IP, user), so
a stolen access token cannot brute-force the current password or flood a mailbox. Every
authenticated route also falls under the per-user limit of :func:`api.deps.get_token_user_id`.

Status codes: 401 for bad credentials or tokens (the same answer for an unknown email and a
wrong password), 403 for an inactive account, 409 for a taken email, 422 for invalid bodies
(and a wrong current password on ``/change-password``, as a field error), 400 for an
invalid verification token, 429 past a limit.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Query, Request, Response, status

from api import credentials
from api.deps import CurrentUser, DbSession, State, client_ip, enforce_rate_limit, ensure_active
from api.errors import ApiError
from api.schemas.auth import (
    ChangePasswordRequest,
    LoginRequest,
    RefreshRequest,
    RegisterRequest,
    TokenPair,
    UserOut,
    VerifyRequest,
)
from api.state import AppState
from persistence.models import User
from persistence.repositories import tokens, users

log = logging.getLogger(__name__)

router = APIRouter(prefix="/auth", tags=["auth"])

AUTH_WINDOW_S = 15 * 60
_BAD_CREDENTIALS = "incorrect email or password"
# RFC 6749 section 5.1: token responses must not be cached.
_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


async def _limit_auth(state: AppState, *, action: str, request: Request, subject: str) -> None:
    # The email is hashed so raw addresses never sit in Redis keys.
    digest = hashlib.sha256(subject.strip().lower().encode("utf-8")).hexdigest()[:32]
    await enforce_rate_limit(
        state,
        key=f"auth:{action}:{client_ip(request)}:{digest}",
        limit=state.config.api.rate_limit_auth_per_15min,
        window_s=AUTH_WINDOW_S,
    )


def _user_agent(request: Request) -> str | None:
    return request.headers.get("user-agent")


@router.post("/register", status_code=status.HTTP_201_CREATED, response_model=UserOut)
async def register(
    body: RegisterRequest,
    request: Request,
    state: State,
    db: DbSession,
    background: BackgroundTasks,
) -> UserOut:
    """Create an account (409 when the email is taken) and email a verification link."""
    await _limit_auth(state, action="register", request=request, subject=body.email)
    # Before the (costly) hash: a taken address, or one a concurrent request is registering,
    # is refused at once; the reservation lasts until the commit.
    await users.reserve_email(db, email=body.email)
    hashed = await state.passwords.hash(body.password)
    user = await users.create(db, email=body.email, hashed_password=hashed)
    await db.commit()
    background.add_task(credentials.send_verification, state, user_id=user.id, email=user.email)
    return UserOut.model_validate(user)


@router.post("/login", response_model=TokenPair)
async def login(
    body: LoginRequest, request: Request, response: Response, state: State, db: DbSession
) -> TokenPair:
    """Exchange email and password for a token pair (401 for any mismatch)."""
    await _limit_auth(state, action="login", request=request, subject=body.email)
    user = await users.find_by_email(db, email=body.email)
    if user is None:
        # Same work and same answer as a wrong password: no account enumeration by timing.
        await state.passwords.verify_dummy(body.password)
        raise ApiError(401, _BAD_CREDENTIALS)
    if not await state.passwords.verify(user.hashed_password, body.password):
        raise ApiError(401, _BAD_CREDENTIALS)
    ensure_active(user)
    if state.passwords.needs_rehash(user.hashed_password):
        user.hashed_password = await state.passwords.hash(body.password)
    pair = await credentials.issue_pair(
        db, state, user_id=user.id, user_agent=_user_agent(request), ip_address=client_ip(request)
    )
    await db.commit()
    response.headers.update(_NO_STORE)
    return pair


@router.post("/refresh", response_model=TokenPair)
async def refresh(
    body: RefreshRequest, request: Request, response: Response, state: State, db: DbSession
) -> TokenPair:
    """Rotate a refresh token: the old one is revoked, a new pair is issued.

    A revoked token presented again is reuse: every active token of the user is revoked.
    """
    pair = await credentials.rotate(
        db,
        state,
        raw=body.refresh_token,
        user_agent=_user_agent(request),
        ip_address=client_ip(request),
    )
    response.headers.update(_NO_STORE)
    return pair


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
async def logout(body: RefreshRequest, state: State, db: DbSession) -> None:
    """Revoke one refresh token. Always 204, so it reveals nothing about the token."""
    await credentials.revoke(db, state, raw=body.refresh_token)


@router.post("/logout-all", status_code=status.HTTP_204_NO_CONTENT)
async def logout_all(user: CurrentUser, state: State, db: DbSession) -> None:
    """Revoke every refresh token of the caller (access tokens expire on their own)."""
    await tokens.revoke_all_for_user(db, user_id=user.id, now=state.clock())
    await db.commit()


@router.post("/change-password", status_code=status.HTTP_204_NO_CONTENT)
async def change_password(
    body: ChangePasswordRequest, request: Request, user: CurrentUser, state: State, db: DbSession
) -> None:
    """Replace the password and revoke every refresh token; sign in again afterwards."""
    await _limit_auth(state, action="change-password", request=request, subject=str(user.id))
    if not await state.passwords.verify(user.hashed_password, body.old_password):
        raise _field_error(422, "body.old_password", "does not match the current password")
    if body.new_password == body.old_password:
        raise _field_error(422, "body.new_password", "must differ from the current password")
    user.hashed_password = await state.passwords.hash(body.new_password)
    await tokens.revoke_all_for_user(db, user_id=user.id, now=state.clock())
    await db.commit()


async def _verify(token: str, state: AppState, db: DbSession) -> UserOut:
    user_id = credentials.user_of_verification_token(state, token)
    user = ensure_active(await db.get(User, user_id))
    if not user.is_verified:
        user.is_verified = True
        await db.commit()
    return UserOut.model_validate(user)


@router.post("/verify", response_model=UserOut)
async def verify(body: VerifyRequest, state: State, db: DbSession) -> UserOut:
    """Mark the email of the token's user verified (400 for an invalid or expired token)."""
    return await _verify(body.token, state, db)


@router.get("/verify", response_model=UserOut)
async def verify_link(
    state: State, db: DbSession, token: Annotated[str, Query(min_length=1, max_length=2048)]
) -> UserOut:
    """The emailed link: same as ``POST /verify`` (idempotent)."""
    return await _verify(token, state, db)


@router.post("/verify/resend", status_code=status.HTTP_202_ACCEPTED)
async def resend_verification(
    request: Request, user: CurrentUser, state: State, background: BackgroundTasks
) -> Response:
    """Email a new verification link (409 when already verified)."""
    if user.is_verified:
        raise ApiError(409, "this email address is already verified")
    await _limit_auth(state, action="verify-resend", request=request, subject=str(user.id))
    background.add_task(credentials.send_verification, state, user_id=user.id, email=user.email)
    return Response(status_code=status.HTTP_202_ACCEPTED, background=background)


def _field_error(status_code: int, field: str, message: str) -> ApiError:
    return ApiError(
        status_code,
        f"{field}: {message}",
        title="Validation failed",
        errors=[{"field": field, "message": message}],
    )


__all__ = ["router"]
