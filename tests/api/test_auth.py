"""Register, login, refresh, logout, password change and email verification over HTTP."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from api.mailer import MemoryMailer
from api.passwords import Passwords
from api.state import AppState
from persistence.models import RefreshToken, User
from tests.support import deactivate_user

PASSWORD = "correct horse battery"


def state_of(app: FastAPI) -> AppState:
    """The app's state."""
    state: AppState = app.state.coach
    return state


async def register(client: httpx.AsyncClient, email: str, password: str = PASSWORD) -> Any:
    """A new account; its JSON."""
    response = await client.post("/v1/auth/register", json={"email": email, "password": password})
    assert response.status_code == 201, response.text
    return response.json()


async def login(client: httpx.AsyncClient, email: str, password: str = PASSWORD) -> Any:
    """A token pair; its JSON."""
    response = await client.post("/v1/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return response.json()


def bearer(pair: dict[str, Any]) -> dict[str, str]:
    """The Authorization header of a token pair."""
    return {"Authorization": f"Bearer {pair['access_token']}"}


async def stored_tokens(
    session_factory: async_sessionmaker[AsyncSession], user_id: str
) -> list[RefreshToken]:
    """Every refresh token row of a user."""
    async with session_factory() as db:
        stmt = sa.select(RefreshToken).where(col(RefreshToken.user_id) == uuid.UUID(user_id))
        return list((await db.scalars(stmt)).all())


async def stored_user(session_factory: async_sessionmaker[AsyncSession], user_id: str) -> User:
    """The user row."""
    async with session_factory() as db:
        user = await db.get(User, uuid.UUID(user_id))
        assert user is not None
        return user


# --- register ---------------------------------------------------------------------------


async def test_register_returns_user_without_password_hash(
    client: httpx.AsyncClient,
    unique_email: Callable[[], str],
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    email = unique_email()
    response = await client.post(
        "/v1/auth/register", json={"email": email.upper(), "password": PASSWORD}
    )
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "email", "is_verified", "created_at"}
    assert body["email"] == email and body["is_verified"] is False
    stored = await stored_user(session_factory, body["id"])
    assert stored.hashed_password.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert PASSWORD not in stored.hashed_password


async def test_register_taken_email_is_409(
    client: httpx.AsyncClient, unique_email: Callable[[], str]
) -> None:
    email = unique_email()
    await register(client, email)
    response = await client.post(
        "/v1/auth/register", json={"email": email.upper(), "password": "another password"}
    )
    assert response.status_code == 409
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_register_same_email_concurrently_gives_one_201_and_one_409(
    client: httpx.AsyncClient, unique_email: Callable[[], str]
) -> None:
    email = unique_email()
    body = {"email": email, "password": PASSWORD}
    responses = await asyncio.gather(
        client.post("/v1/auth/register", json=body), client.post("/v1/auth/register", json=body)
    )
    assert sorted(r.status_code for r in responses) == [201, 409]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "not-an-email", "password": PASSWORD}, "body.email"),
        ({"email": "a@b", "password": PASSWORD}, "body.email"),
        ({"email": "two@@example.com", "password": PASSWORD}, "body.email"),
        ({"email": "x" * 300 + "@example.com", "password": PASSWORD}, "body.email"),
        ({"email": "ok@example.com", "password": "short"}, "body.password"),
        ({"email": "ok@example.com", "password": "p" * 129}, "body.password"),
        ({"email": "ok@example.com"}, "body.password"),
        ({"password": PASSWORD}, "body.email"),
        ({"email": "ok@example.com", "password": PASSWORD, "admin": True}, "body.admin"),
        ({"email": 5, "password": PASSWORD}, "body.email"),
    ],
)
async def test_register_invalid_body_is_422_naming_the_field(
    client: httpx.AsyncClient, body: dict[str, Any], field: str
) -> None:
    response = await client.post("/v1/auth/register", json=body)
    assert response.status_code == 422
    problem = response.json()
    assert field in [error["field"] for error in problem["errors"]]
    assert PASSWORD not in response.text and "p" * 129 not in response.text


async def test_register_accepts_password_of_exactly_8_and_128_characters(
    client: httpx.AsyncClient, unique_email: Callable[[], str]
) -> None:
    for password in ("p" * 8, "é" * 128):
        email = unique_email()
        await register(client, email, password)
        await login(client, email, password)


# --- login ------------------------------------------------------------------------------


async def test_login_returns_bearer_pair_not_cached(
    app: FastAPI,
    client: httpx.AsyncClient,
    unique_email: Callable[[], str],
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    email = unique_email()
    user = await register(client, email)
    response = await client.post(
        "/v1/auth/login",
        json={"email": email.upper(), "password": PASSWORD},
        headers={"User-Agent": "coach-tests/1.0"},
    )
    assert response.status_code == 200
    pair = response.json()
    assert set(pair) == {"access_token", "refresh_token", "token_type", "expires_in"}
    assert pair["token_type"] == "bearer"
    assert pair["expires_in"] == state_of(app).config.api.access_token_minutes * 60
    assert response.headers["cache-control"] == "no-store"
    assert state_of(app).tokens.decode(pair["access_token"]) == uuid.UUID(user["id"])
    (row,) = await stored_tokens(session_factory, user["id"])
    # Stored only as SHA-256: the raw token is nowhere in the row.
    assert row.token_hash == hashlib.sha256(pair["refresh_token"].encode()).hexdigest()
    assert pair["refresh_token"] not in {row.token_hash, row.user_agent, row.ip_address}
    assert len(pair["refresh_token"]) >= 43  # 32 random bytes, base64url
    assert row.user_agent == "coach-tests/1.0" and row.ip_address == "127.0.0.1"
    assert row.created_at is not None
    days = state_of(app).config.api.refresh_token_days
    assert abs(row.expires_at - row.created_at - dt.timedelta(days=days)) < dt.timedelta(minutes=1)


async def test_login_wrong_password_and_unknown_email_answer_the_same_401(
    app: FastAPI, client: httpx.AsyncClient, unique_email: Callable[[], str]
) -> None:
    email = unique_email()
    await register(client, email)
    wrong = await client.post("/v1/auth/login", json={"email": email, "password": "wrong pass"})
    unknown = await client.post(
        "/v1/auth/login", json={"email": unique_email(), "password": "wrong pass"}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["detail"] == unknown.json()["detail"]


async def test_login_unknown_email_still_verifies_a_password_hash(
    app: FastAPI, client: httpx.AsyncClient, unique_email: Callable[[], str]
) -> None:
    class CountingPasswords(Passwords):
        verifications = 0

        def _verify_sync(self, hashed: str, password: str) -> bool:
            CountingPasswords.verifications += 1
            return super()._verify_sync(hashed, password)

    state_of(app).passwords = CountingPasswords()
    response = await client.post(
        "/v1/auth/login", json={"email": unique_email(), "password": "whatever pass"}
    )
    assert response.status_code == 401
    assert CountingPasswords.verifications == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "ok@example.com"}, "body.password"),
        ({"password": PASSWORD}, "body.email"),
        ({"email": "ok@example.com", "password": ""}, "body.password"),
        ({"email": "ok@example.com", "password": "p" * 129}, "body.password"),
        ({"email": "", "password": PASSWORD}, "body.email"),
    ],
)
async def test_login_invalid_body_is_422(
    client: httpx.AsyncClient, body: dict[str, Any], field: str
) -> None:
    response = await client.post("/v1/auth/login", json=body)
    assert response.status_code == 422
    assert field in [error["field"] for error in response.json()["errors"]]


async def test_login_of_inactive_user_is_403(
    client: httpx.AsyncClient,
    unique_email: Callable[[], str],
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    email = unique_email()
    user = await register(client, email)
    await deactivate_user(session_factory, user["id"])
    response = await client.post("/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 403


# --- refresh ----------------------------------------------------------------------------


async def test_refresh_rotates_the_token(
    client: httpx.AsyncClient,
    unique_email: Callable[[], str],
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    email = unique_email()
    user = await register(client, email)
    first = await login(client, email)
    response = await client.post("/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert response.status_code == 200
    second = response.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert second["token_type"] == "bearer"
    assert (await client.get("/v1/me", headers=bearer(second))).status_code == 200
    rows = {row.token_hash: row for row in await stored_tokens(session_factory, user["id"])}
    old = rows[hashlib.sha256(first["refresh_token"].encode()).hexdigest()]
    new = rows[hashlib.sha256(second["refresh_token"].encode()).hexdigest()]
    assert old.revoked_at is not None and new.revoked_at is None


async def test_refresh_reuse_revokes_every_token_of_the_user(
    client: httpx.AsyncClient, unique_email: Callable[[], str]
) -> None:
    email = unique_email()
    await register(client, email)
    stolen = await login(client, email)
    other_device = await login(client, email)
    rotated = (
        await client.post("/v1/auth/refresh", json={"refresh_token": stolen["refresh_token"]})
    ).json()
    reuse = await client.post("/v1/auth/refresh", json={"refresh_token": stolen["refresh_token"]})
    assert reuse.status_code == 401
    for pair in (rotated, other_device):
        again = await client.post("/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
        assert again.status_code == 401


async def test_concurrent_refresh_of_one_token_lets_exactly_one_through(
    client: httpx.AsyncClient, unique_email: Callable[[], str]
) -> None:
    email = unique_email()
    await register(client, email)
    pair = await login(client, email)
    body = {"refresh_token": pair["refresh_token"]}
    responses = await asyncio.gather(
        client.post("/v1/auth/refresh", json=body), client.post("/v1/auth/refresh", json=body)
    )
    assert sorted(r.status_code for r in responses) == [200, 401]


async def test_refresh_unknown_or_expired_token_is_401(
    client: httpx.AsyncClient,
    unique_email: Callable[[], str],
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    unknown = await client.post("/v1/auth/refresh", json={"refresh_token": "no-such-token"})
    assert unknown.status_code == 401
    email = unique_email()
    user = await register(client, email)
    pair = await login(client, email)
    async with session_factory() as db:
        await db.execute(
            sa.update(RefreshToken)
            .where(col(RefreshToken.user_id) == uuid.UUID(user["id"]))
            .values(expires_at=sa.func.now() - dt.timedelta(seconds=1))
        )
        await db.commit()
    expired = await client.post("/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert expired.status_code == 401


@pytest.mark.parametrize(
    "body", [{}, {"refresh_token": ""}, {"refresh_token": "x" * 513}, {"refresh_token": 1}]
)
async def test_refresh_invalid_body_is_422(client: httpx.AsyncClient, body: dict[str, Any]) -> None:
    response = await client.post("/v1/auth/refresh", json=body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"].startswith("body")


async def test_refresh_of_inactive_user_is_403(
    client: httpx.AsyncClient,
    unique_email: Callable[[], str],
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    email = unique_email()
    user = await register(client, email)
    pair = await login(client, email)
    await deactivate_user(session_factory, user["id"])
    response = await client.post("/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert response.status_code == 403


# --- logout -----------------------------------------------------------------------------


async def test_logout_revokes_the_refresh_token(
    client: httpx.AsyncClient,
    unique_email: Callable[[], str],
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    email = unique_email()
    user = await register(client, email)
    pair = await login(client, email)
    response = await client.post("/v1/auth/logout", json={"refresh_token": pair["refresh_token"]})
    assert response.status_code == 204
    (row,) = await stored_tokens(session_factory, user["id"])
    assert row.revoked_at is not None
    refreshed = await client.post("/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert refreshed.status_code == 401


async def test_logout_of_unknown_token_is_204(client: httpx.AsyncClient) -> None:
    response = await client.post("/v1/auth/logout", json={"refresh_token": "never-issued"})
    assert response.status_code == 204


async def test_logout_then_refresh_of_other_device_still_works(
    client: httpx.AsyncClient, unique_email: Callable[[], str]
) -> None:
    email = unique_email()
    await register(client, email)
    phone, laptop = await login(client, email), await login(client, email)
    await client.post("/v1/auth/logout", json={"refresh_token": phone["refresh_token"]})
    response = await client.post(
        "/v1/auth/refresh", json={"refresh_token": laptop["refresh_token"]}
    )
    assert response.status_code == 200


async def test_logout_all_revokes_every_refresh_token(
    client: httpx.AsyncClient, unique_email: Callable[[], str]
) -> None:
    email = unique_email()
    await register(client, email)
    phone, laptop = await login(client, email), await login(client, email)
    response = await client.post("/v1/auth/logout-all", headers=bearer(phone))
    assert response.status_code == 204
    for pair in (phone, laptop):
        refreshed = await client.post(
            "/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]}
        )
        assert refreshed.status_code == 401


async def test_logout_all_needs_an_access_token(client: httpx.AsyncClient) -> None:
    assert (await client.post("/v1/auth/logout-all")).status_code == 401


# --- change password --------------------------------------------------------------------


async def test_change_password_revokes_refresh_tokens_and_swaps_the_password(
    client: httpx.AsyncClient, unique_email: Callable[[], str]
) -> None:
    email = unique_email()
    await register(client, email)
    pair = await login(client, email)
    response = await client.post(
        "/v1/auth/change-password",
        json={"old_password": PASSWORD, "new_password": "a brand new passphrase"},
        headers=bearer(pair),
    )
    assert response.status_code == 204
    refreshed = await client.post("/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert refreshed.status_code == 401
    old = await client.post("/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert old.status_code == 401
    await login(client, email, "a brand new passphrase")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"old_password": "not the password", "new_password": "new password!"}, "old_password"),
        ({"old_password": PASSWORD, "new_password": PASSWORD}, "new_password"),
        ({"old_password": PASSWORD, "new_password": "short"}, "new_password"),
        ({"old_password": PASSWORD, "new_password": "n" * 129}, "new_password"),
        ({"old_password": PASSWORD}, "new_password"),
        ({"new_password": "new password!"}, "old_password"),
    ],
)
async def test_change_password_rejections_are_422_and_keep_tokens(
    client: httpx.AsyncClient, unique_email: Callable[[], str], body: dict[str, Any], field: str
) -> None:
    email = unique_email()
    await register(client, email)
    pair = await login(client, email)
    response = await client.post("/v1/auth/change-password", json=body, headers=bearer(pair))
    assert response.status_code == 422
    assert f"body.{field}" in [error["field"] for error in response.json()["errors"]]
    refreshed = await client.post("/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert refreshed.status_code == 200


async def test_change_password_needs_an_access_token(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/v1/auth/change-password", json={"old_password": PASSWORD, "new_password": "x" * 10}
    )
    assert response.status_code == 401


# --- email verification -----------------------------------------------------------------


def _token_of(link: str) -> str:
    return parse_qs(urlsplit(link).query)["token"][0]


async def test_register_emails_a_link_that_verifies_the_account(
    app: FastAPI,
    client: httpx.AsyncClient,
    unique_email: Callable[[], str],
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    mailer = MemoryMailer()
    state_of(app).mailer = mailer
    email = unique_email()
    user = await register(client, email)
    (message,) = mailer.outbox
    assert message.to == email and message.link is not None
    assert message.link.startswith(state_of(app).config.api.public_base_url)
    assert message.link in message.body
    response = await client.post("/v1/auth/verify", json={"token": _token_of(message.link)})
    assert response.status_code == 200
    assert response.json()["is_verified"] is True
    assert (await stored_user(session_factory, user["id"])).is_verified
    # Idempotent, and the emailed GET link works as well.
    link = urlsplit(message.link)
    again = await client.get(f"{link.path}?{link.query}")
    assert again.status_code == 200 and again.json()["id"] == user["id"]


async def test_verify_rejects_tampered_expired_and_access_tokens(
    app: FastAPI, client: httpx.AsyncClient, unique_email: Callable[[], str]
) -> None:
    state = state_of(app)
    email = unique_email()
    user = await register(client, email)
    pair = await login(client, email)
    user_id = uuid.UUID(user["id"])
    good = state.tokens.encode(user_id, now=state.clock(), kind="verify")
    expired = state.tokens.encode(
        user_id,
        now=state.clock() - dt.timedelta(hours=25),
        kind="verify",
        ttl=dt.timedelta(hours=24),
    )
    tampered = good[:-3] + ("aaa" if not good.endswith("aaa") else "bbb")
    for token in (expired, tampered, pair["access_token"], "garbage"):
        response = await client.post("/v1/auth/verify", json={"token": token})
        assert response.status_code == 400, token
    assert (await client.get("/v1/me", headers=bearer(pair))).json()["user"]["is_verified"] is False


async def test_verify_missing_token_is_422(client: httpx.AsyncClient) -> None:
    assert (await client.post("/v1/auth/verify", json={})).status_code == 422
    assert (await client.get("/v1/auth/verify")).status_code == 422


async def test_resend_verification_sends_again_until_verified(
    app: FastAPI, client: httpx.AsyncClient, unique_email: Callable[[], str]
) -> None:
    mailer = MemoryMailer()
    state_of(app).mailer = mailer
    email = unique_email()
    await register(client, email)
    pair = await login(client, email)
    response = await client.post("/v1/auth/verify/resend", headers=bearer(pair))
    assert response.status_code == 202
    assert len(mailer.outbox) == 2 and mailer.outbox[1].to == email
    assert mailer.outbox[1].link is not None
    await client.post("/v1/auth/verify", json={"token": _token_of(mailer.outbox[1].link)})
    response = await client.post("/v1/auth/verify/resend", headers=bearer(pair))
    assert response.status_code == 409


async def test_register_succeeds_when_the_mailer_fails(
    app: FastAPI, client: httpx.AsyncClient, unique_email: Callable[[], str]
) -> None:
    class BrokenMailer:
        async def send(self, message: object) -> None:
            raise ConnectionError("smtp down")

    state_of(app).mailer = BrokenMailer()
    email = unique_email()
    await register(client, email)
    await login(client, email)


async def test_login_rehashes_a_password_stored_with_weaker_parameters(
    client: httpx.AsyncClient,
    unique_email: Callable[[], str],
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    email = unique_email()
    user = await register(client, email)
    weak = await Passwords(memory_kib=8 * 1024, time_cost=1).hash(PASSWORD)
    async with session_factory() as db:
        await db.execute(
            sa.update(User)
            .where(col(User.id) == uuid.UUID(user["id"]))
            .values(hashed_password=weak)
        )
        await db.commit()
    await login(client, email)
    stored = (await stored_user(session_factory, user["id"])).hashed_password
    assert stored != weak and stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    await login(client, email)
