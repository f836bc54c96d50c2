"""The FastAPI application factory.

``create_app()`` builds nothing at import; its lifespan resolves the database (starting and
migrating the embedded one when ``DATABASE_URL`` is unset), the engine, and every service,
and disposes of them on shutdown.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import timedelta

from fastapi import FastAPI, Request, Response
from fastapi.middleware.cors import CORSMiddleware

from api.errors import install_error_handlers
from api.routers import all_routers
from api.security import TokenCodec, resolve_secret
from api.state import AppConfig, AppState
from persistence import migrations
from persistence.db import create_engine, create_session_factory, describe_url, resolve_database

log = logging.getLogger(__name__)

API_PREFIX = "/v1"

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
}


async def build_state(config: AppConfig) -> AppState:
    """Resolve the database and build the long-lived objects."""
    resolved = await asyncio.to_thread(resolve_database, config.database)
    if resolved.embedded:
        await asyncio.to_thread(migrations.upgrade, resolved.url)
    log.info(
        "database: %s%s", describe_url(resolved.url), " (embedded)" if resolved.embedded else ""
    )
    engine = create_engine(config.database, resolved.url)
    secret = resolve_secret(
        config.api.jwt_secret, embedded=resolved.embedded, data_dir=config.database.coach_data_dir
    )
    tokens = TokenCodec(
        secret=secret,
        issuer=config.api.jwt_issuer,
        audience=config.api.jwt_audience,
        ttl=timedelta(minutes=config.api.access_token_minutes),
    )
    return AppState(
        config=config,
        engine=engine,
        session_factory=create_session_factory(engine),
        tokens=tokens,
        database_url=resolved.url,
        embedded=resolved.embedded,
    )


async def close_state(state: AppState) -> None:
    """Release what :func:`build_state` opened."""
    await state.engine.dispose()


def create_app(config: AppConfig | None = None) -> FastAPI:
    """A new app; settings are read from the environment when ``config`` is None."""
    config = config or AppConfig()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state = await build_state(config)
        app.state.coach = state
        try:
            yield
        finally:
            await close_state(state)

    app = FastAPI(
        title="Sleek Coach API",
        version="0.1.0",
        description="Accounts, user data and the AI coach, under /v1.",
        lifespan=lifespan,
    )
    install_error_handlers(app)

    @app.middleware("http")
    async def request_context(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        incoming = request.headers.get("x-request-id", "")
        request_id = incoming if 0 < len(incoming) <= 128 and incoming.isprintable() else ""
        request.state.request_id = request_id or uuid.uuid4().hex
        response = await call_next(request)
        response.headers["X-Request-ID"] = request.state.request_id
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    if config.api.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=config.api.cors_origins,
            allow_credentials=False,
            allow_methods=["*"],
            allow_headers=["Authorization", "Content-Type", "X-Request-ID", "Last-Event-ID"],
            expose_headers=["X-Request-ID", "Retry-After"],
        )
    for router in all_routers():
        app.include_router(router, prefix=API_PREFIX)
    return app
