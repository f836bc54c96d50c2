"""Access tokens: anything but a valid, current, fully-claimed HS256 token is a 401."""

from __future__ import annotations

import base64
import datetime as dt
import json
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import jwt
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.security import REQUIRED_CLAIMS, TokenCodec
from api.state import AppState
from tests.support import deactivate_user

PASSWORD = "correct horse battery"


def codec_of(app: FastAPI) -> TokenCodec:
    """The app's token codec."""
    state: AppState = app.state.coach
    return state.tokens


async def new_user(client: httpx.AsyncClient, email: str) -> uuid.UUID:
    """Register a user and return its id."""
    response = await client.post("/v1/auth/register", json={"email": email, "password": PASSWORD})
    assert response.status_code == 201
    return uuid.UUID(response.json()["id"])


def claims_for(codec: TokenCodec, user_id: uuid.UUID) -> dict[str, Any]:
    """A complete, valid claim set."""
    now = dt.datetime.now(dt.UTC)
    return {
        "iss": codec.issuer,
        "aud": codec.audience,
        "sub": str(user_id),
        "iat": int(now.timestamp()),
        "exp": int((now + dt.timedelta(minutes=5)).timestamp()),
        "jti": uuid.uuid4().hex,
    }


def _b64(data: dict[str, Any]) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


async def status_with(client: httpx.AsyncClient, token: str) -> int:
    """The status of GET /v1/me with this bearer token."""
    response = await client.get("/v1/me", headers={"Authorization": f"Bearer {token}"})
    if response.status_code == 401:
        assert response.headers["www-authenticate"] == "Bearer"
        assert response.headers["content-type"].startswith("application/problem+json")
    return response.status_code


async def test_valid_token_is_accepted(
    app: FastAPI, client: httpx.AsyncClient, unique_email: Callable[[], str]
) -> None:
    codec = codec_of(app)
    user_id = await new_user(client, unique_email())
    token = jwt.encode(claims_for(codec, user_id), codec.secret, algorithm="HS256")
    assert await status_with(client, token) == 200


async def test_tampered_payload_or_signature_is_401(
    app: FastAPI, client: httpx.AsyncClient, unique_email: Callable[[], str]
) -> None:
    codec = codec_of(app)
    victim = await new_user(client, unique_email())
    attacker = await new_user(client, unique_email())
    token = codec.encode(attacker, now=dt.datetime.now(dt.UTC))
    header, payload, signature = token.split(".")
    forged_payload = _b64(claims_for(codec, victim))
    assert await status_with(client, f"{header}.{forged_payload}.{signature}") == 401
    flipped = signature[:-2] + ("AA" if signature[-2:] != "AA" else "BB")
    assert await status_with(client, f"{header}.{payload}.{flipped}") == 401


async def test_token_signed_with_another_key_or_algorithm_is_401(
    app: FastAPI, client: httpx.AsyncClient, unique_email: Callable[[], str]
) -> None:
    codec = codec_of(app)
    user_id = await new_user(client, unique_email())
    claims = claims_for(codec, user_id)
    other_key = jwt.encode(claims, "another-secret-" + "y" * 40, algorithm="HS256")
    assert await status_with(client, other_key) == 401
    hs384 = jwt.encode(claims, codec.secret, algorithm="HS384")
    assert await status_with(client, hs384) == 401


async def test_alg_none_token_is_401(
    app: FastAPI, client: httpx.AsyncClient, unique_email: Callable[[], str]
) -> None:
    codec = codec_of(app)
    user_id = await new_user(client, unique_email())
    claims = claims_for(codec, user_id)
    for alg in ("none", "None", "NONE"):
        unsigned = f"{_b64({'alg': alg, 'typ': 'JWT'})}.{_b64(claims)}."
        assert await status_with(client, unsigned) == 401
    library_none = jwt.encode(claims, None, algorithm="none")
    assert await status_with(client, library_none) == 401


async def test_expired_token_is_401(
    app: FastAPI, client: httpx.AsyncClient, unique_email: Callable[[], str]
) -> None:
    codec = codec_of(app)
    user_id = await new_user(client, unique_email())
    old = codec.encode(user_id, now=dt.datetime.now(dt.UTC) - codec.ttl - dt.timedelta(seconds=5))
    assert await status_with(client, old) == 401


@pytest.mark.parametrize("claim", REQUIRED_CLAIMS)
async def test_token_missing_a_claim_is_401(
    app: FastAPI, client: httpx.AsyncClient, unique_email: Callable[[], str], claim: str
) -> None:
    codec = codec_of(app)
    user_id = await new_user(client, unique_email())
    claims = claims_for(codec, user_id)
    del claims[claim]
    assert await status_with(client, jwt.encode(claims, codec.secret, algorithm="HS256")) == 401


@pytest.mark.parametrize(
    ("claim", "value"),
    [
        ("iss", "someone-else"),
        ("aud", "another-app"),
        ("sub", "not-a-uuid"),
        ("sub", 12345),
        ("exp", "tomorrow"),
        ("iat", "now"),
    ],
)
async def test_token_with_a_wrong_claim_is_401(
    app: FastAPI,
    client: httpx.AsyncClient,
    unique_email: Callable[[], str],
    claim: str,
    value: object,
) -> None:
    codec = codec_of(app)
    user_id = await new_user(client, unique_email())
    claims = claims_for(codec, user_id)
    claims[claim] = value
    assert await status_with(client, jwt.encode(claims, codec.secret, algorithm="HS256")) == 401


async def test_verification_token_is_not_an_access_token(
    app: FastAPI, client: httpx.AsyncClient, unique_email: Callable[[], str]
) -> None:
    codec = codec_of(app)
    user_id = await new_user(client, unique_email())
    token = codec.encode(user_id, now=dt.datetime.now(dt.UTC), kind="verify")
    assert await status_with(client, token) == 401


@pytest.mark.parametrize(
    "authorization",
    [
        b"",
        b"Bearer",
        b"Bearer ",
        b"Basic dXNlcjpwYXNz",
        b"Bearer a.b",
        b"Bearer ...",
        "Bearer é".encode("latin-1"),
        b"Bearer " + b"x" * 10_000,
    ],
)
async def test_malformed_authorization_header_is_401(
    client: httpx.AsyncClient, authorization: bytes
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    response = await client.get("/v1/me", headers=headers)
    assert response.status_code == 401


async def test_token_of_deleted_user_is_401_and_of_inactive_user_403(
    app: FastAPI,
    client: httpx.AsyncClient,
    unique_email: Callable[[], str],
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    codec = codec_of(app)
    ghost = codec.encode(uuid.uuid4(), now=dt.datetime.now(dt.UTC))
    assert await status_with(client, ghost) == 401
    user_id = await new_user(client, unique_email())
    await deactivate_user(session_factory, user_id)
    token = codec.encode(user_id, now=dt.datetime.now(dt.UTC))
    assert await status_with(client, token) == 403
    for method, path in (("PATCH", "/v1/me/profile"), ("POST", "/v1/auth/logout-all")):
        response = await client.request(
            method, path, json={}, headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 403
