"""Token pairs: issuing, rotating and revoking refresh tokens; email verification tokens.

Refresh tokens are opaque 256-bit random strings (``secrets.token_urlsafe(32)``). Only their
SHA-256 is stored (``refresh_token.token_hash``): a database leak yields nothing usable, and
a fast hash is enough because the input has 256 bits of entropy (no dictionary to try).

Rotation (:func:`rotate`) locks the presented token's row (``SELECT ... FOR UPDATE``),
revokes it and issues the next one in the same transaction. A second request holding the
same token waits for the lock, then finds the token revoked; that is reuse, because a
rotated token is never presented again by an honest client that kept the answer. Reuse
revokes every active token of the user (the thief's and the victim's alike) and answers
401, so a stolen token works at most until its owner's next refresh.

Verification tokens are JWTs of the kind ``verify`` (their own audience, so an access
token is never accepted as one and vice versa), valid ``verify_token_hours``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from api.deps import ensure_active
from api.errors import ApiError
from api.mailer import verification_email
from api.schemas.auth import TokenPair
from api.security import InvalidToken
from api.state import AppState
from persistence.models import User
from persistence.repositories import tokens

log = logging.getLogger(__name__)

VERIFY_KIND = "verify"
_INVALID_REFRESH = "invalid or expired refresh token"


def hash_token(raw: str) -> str:
    """The stored form of a refresh token: SHA-256, hex."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


async def issue_pair(
    db: AsyncSession,
    state: AppState,
    *,
    user_id: uuid.UUID,
    user_agent: str | None,
    ip_address: str | None,
) -> TokenPair:
    """A new access token and a new stored refresh token (flushed, not committed)."""
    now = state.clock()
    raw = secrets.token_urlsafe(32)
    await tokens.add(
        db,
        user_id=user_id,
        token_hash=hash_token(raw),
        expires_at=now + dt.timedelta(days=state.config.api.refresh_token_days),
        user_agent=user_agent,
        ip_address=ip_address,
    )
    return TokenPair(
        access_token=state.tokens.encode(user_id, now=now),
        refresh_token=raw,
        expires_in=int(state.tokens.ttl.total_seconds()),
    )


async def rotate(
    db: AsyncSession,
    state: AppState,
    *,
    raw: str,
    user_agent: str | None,
    ip_address: str | None,
) -> TokenPair:
    """Exchange a refresh token for a new pair, committing; ``ApiError`` 401/403 otherwise."""
    now = state.clock()
    token = await tokens.find_by_hash(db, token_hash=hash_token(raw), for_update=True)
    if token is None:
        raise ApiError(401, _INVALID_REFRESH)
    if token.revoked_at is not None:
        revoked = await tokens.revoke_all_for_user(db, user_id=token.user_id, now=now)
        await db.commit()
        log.warning(
            "refresh token reuse for user %s: revoked %d active tokens", token.user_id, revoked
        )
        raise ApiError(401, _INVALID_REFRESH)
    if token.expires_at <= now:
        raise ApiError(401, _INVALID_REFRESH)
    ensure_active(await db.get(User, token.user_id))
    await tokens.revoke(db, token=token, now=now)
    pair = await issue_pair(
        db, state, user_id=token.user_id, user_agent=user_agent, ip_address=ip_address
    )
    await db.commit()
    return pair


async def revoke(db: AsyncSession, state: AppState, *, raw: str) -> bool:
    """Revoke one refresh token (committing); False when unknown or already revoked."""
    token = await tokens.find_by_hash(db, token_hash=hash_token(raw), for_update=True)
    if token is None or token.revoked_at is not None:
        return False
    await tokens.revoke(db, token=token, now=state.clock())
    await db.commit()
    return True


def verification_token(state: AppState, user_id: uuid.UUID) -> str:
    """A signed token proving control of the user's mailbox, valid ``verify_token_hours``."""
    return state.tokens.encode(
        user_id,
        now=state.clock(),
        kind=VERIFY_KIND,
        ttl=dt.timedelta(hours=state.config.api.verify_token_hours),
    )


def user_of_verification_token(state: AppState, token: str) -> uuid.UUID:
    """The user id a verification token was issued for; ``ApiError`` 400 when invalid."""
    try:
        return state.tokens.decode(token, kind=VERIFY_KIND)
    except InvalidToken as exc:
        raise ApiError(400, "invalid or expired verification token") from exc


async def send_verification(state: AppState, *, user_id: uuid.UUID, email: str) -> None:
    """Email the verification link; a mailer failure is logged, never raised."""
    base = state.config.api.public_base_url.rstrip("/")
    link = f"{base}/v1/auth/verify?token={verification_token(state, user_id)}"
    message = verification_email(to=email, link=link, hours=state.config.api.verify_token_hours)
    try:
        await state.mailer.send(message)
    except Exception:
        log.exception("could not send the verification email to user %s", user_id)


__all__ = [
    "hash_token",
    "issue_pair",
    "revoke",
    "rotate",
    "send_verification",
    "user_of_verification_token",
    "verification_token",
]
