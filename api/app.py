"""The FastAPI application factory.

``create_app()`` builds nothing at import; its lifespan resolves the database (starting and
migrating the embedded one when ``DATABASE_URL`` is unset), the engine, and every service,
and disposes of them on shutdown. The app's :class:`~persistence.observability.Telemetry` (metrics,
and traces when ``OTEL_EXPORTER_OTLP_ENDPOINT`` is set) is built with the app, since the
request tracing wraps the app before it starts. Probes (``/healthz``, ``/readyz``) and
``/metrics`` are served at the root, the API under ``/v1``, the docs at ``/docs`` and
``/redoc`` from local assets.
"""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi_offline import FastAPIOffline
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from api.errors import install_error_handlers
from api.middleware import RequestContextMiddleware
from api.ratelimit import build_rate_limiter
from api.request_guard import RequestGuardMiddleware
from api.routers import all_routers
from api.routers.ops import router as ops_router
from api.security import TokenCodec, resolve_secret
from api.state import AppConfig, AppState
from api.storage import build_storage
from api.web import mount_web_app
from coach.engine import CoachEngine
from coach.factory import build_engine as build_coach_engine
from coach.version import app_version
from persistence import migrations
from persistence.db import (
    create_engine,
    create_session_factory,
    describe_url,
    fill_pool,
    resolve_database,
)
from persistence.observability import Telemetry, configure_logging
from persistence.redis import SharedRedis
from tools.factory import create_cache, uses_redis

log = logging.getLogger(__name__)

API_PREFIX = "/v1"


async def build_state(config: AppConfig, telemetry: Telemetry | None = None) -> AppState:
    """Resolve the database and build the long-lived objects."""
    resolved = await asyncio.to_thread(resolve_database, config.database)
    if resolved.embedded:
        await asyncio.to_thread(migrations.upgrade, resolved.url)
    redis_url = config.api.redis_url
    log.info(
        "starting: database %s%s, redis %s",
        describe_url(resolved.url),
        " (embedded)" if resolved.embedded else "",
        describe_url(redis_url) if redis_url else "none (in-process cache and limits)",
    )
    engine = create_engine(config.database, resolved.url)
    if telemetry is not None:
        telemetry.watch_engine(engine)
    secret = resolve_secret(
        config.api.jwt_secret, embedded=resolved.embedded, data_dir=config.database.coach_data_dir
    )
    tokens = TokenCodec(
        secret=secret,
        issuer=config.api.jwt_issuer,
        audience=config.api.jwt_audience,
        ttl=timedelta(minutes=config.api.access_token_minutes),
    )
    session_factory = create_session_factory(engine)
    clients: dict[str, SharedRedis] = {}

    def shared(url: str | None) -> SharedRedis | None:
        # One client per URL: in production every package reads the same REDIS_URL.
        if not url:
            return None
        if url not in clients:
            clients[url] = SharedRedis.from_settings(config.redis, url)
        return clients[url]

    cache = create_cache(
        config.tools, redis=shared(config.tools.redis_url) if uses_redis(config.tools) else None
    )
    limiter_redis = (
        shared(config.api.redis_url)
        if config.api.rate_limit_backend != "memory" and config.api.redis_url
        else None
    )
    event_log_redis = shared(config.coach.redis_url) if config.coach.event_log_uses_redis else None
    coach_engine = build_coach_engine(
        session_factory=session_factory,
        cache=cache,
        settings=config.coach,
        tool_settings=config.tools,
        redis=event_log_redis,
        telemetry=telemetry,
    )
    await _release_expired_leases(coach_engine)
    return AppState(
        config=config,
        engine=engine,
        session_factory=session_factory,
        tokens=tokens,
        database_url=resolved.url,
        embedded=resolved.embedded,
        cache=cache,
        storage=build_storage(config, secret),
        rate_limiter=build_rate_limiter(
            backend=config.api.rate_limit_backend,
            redis_url=config.api.redis_url,
            redis=limiter_redis,
        ),
        coach_engine=coach_engine,
        redis=clients,
        telemetry=telemetry,
    )


async def _release_expired_leases(engine: CoachEngine) -> None:
    """Free sessions whose turn died with its process (a database that is down now is not a
    reason to refuse to start: the next claim of such a session takes it over anyway)."""
    try:
        released = await engine.release_expired_leases()
    except Exception as exc:
        log.warning("could not release expired turn leases at startup (%s)", type(exc).__name__)
        return
    if released:
        log.info("released %d session(s) whose turn died with its process", released)


async def close_state(state: AppState) -> None:
    """Release what :func:`build_state` opened."""
    if state.coach_engine is not None:
        await state.coach_engine.aclose()
    await state.cache.aclose()
    if state.storage is not None:
        await state.storage.aclose()
    await state.rate_limiter.aclose()
    for client in state.redis.values():
        await client.aclose()
    await state.engine.dispose()


#: Young-generation threshold of a served process (CPython's default is 700 allocations).
GC_GEN0_THRESHOLD = 20_000


def tune_gc() -> None:
    """Garbage-collector settings for a long-running server process, after startup.

    The objects built at startup (modules, schemas, the engine's agent and policies: about
    150,000) live as long as the process. Left in the collector's generations, every full
    collection walks them again: about 200 ms each on a 2-core machine, several times a
    minute under load, during which no request makes progress. ``gc.freeze`` moves them to
    the permanent generation, and a higher young-generation threshold trades a few more
    kilobytes of garbage for far fewer pauses (CPython's "gc.freeze" documentation
    recommends this for servers). Cycles are still collected.
    """
    gc.collect()
    gc.freeze()
    _, gen1, gen2 = gc.get_threshold()
    gc.set_threshold(GC_GEN0_THRESHOLD, gen1, gen2)
    log.info("garbage collector tuned: %d objects frozen", gc.get_freeze_count())


def create_app(
    config: AppConfig | None = None, *, served: bool = False, telemetry: Telemetry | None = None
) -> FastAPI:
    """A new app; settings are read from the environment when ``config`` is None.

    ``served`` marks the app of a server process (``coach serve``, the benchmarks): with
    ``GC_TUNING`` on (the default) its lifespan tunes the garbage collector once the state
    is built (:func:`tune_gc`). Apps built in tests and tools leave the process alone.
    ``telemetry`` defaults to the one ``config.observability`` describes (tests pass their
    own, e.g. with an in-memory span exporter); the lifespan closes it.
    """
    config = config or AppConfig()
    telemetry = telemetry or Telemetry.from_settings(config.observability)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state = await build_state(config, telemetry)
        app.state.coach = state
        if served:  # a first burst finds its connections open
            await fill_pool(state.engine, config.database.db_pool_size)
        if served and config.api.gc_tuning:
            tune_gc()
        try:
            yield
        finally:
            await close_state(state)
            telemetry.close()

    # FastAPIOffline: FastAPI with /docs and /redoc served from the package's local assets.
    app = FastAPIOffline(
        title="Sleek Coach API",
        version=app_version(),
        description="Accounts, user data and the AI coach, under /v1.",
        lifespan=lifespan,
    )
    telemetry.instrument_app(app)
    install_error_handlers(app)
    # Innermost: its 413s and 422s get the request id and headers of the middleware around it.
    app.add_middleware(RequestGuardMiddleware, max_body_bytes=config.api.max_json_body_bytes)
    # Added before CORS, so CORS wraps it and decorates its 500s as well.
    app.add_middleware(RequestContextMiddleware)
    if config.api.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=config.api.cors_origins,
            allow_credentials=False,
            allow_methods=["*"],
            allow_headers=["Authorization", "Content-Type", "X-Request-ID", "Last-Event-ID"],
            expose_headers=["X-Request-ID", "Retry-After"],
        )
    app.include_router(ops_router)
    if config.api.forwarded_allow_ips:
        # Outermost, so every layer sees the client the trusted proxy names. Only here:
        # `coach serve` turns uvicorn's own handling off (it trusts loopback by default).
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=config.api.forwarded_allow_ips)
    for router in all_routers():
        app.include_router(router, prefix=API_PREFIX)
    mount_web_app(app)
    return app


def create_served_app() -> FastAPI:
    """The app of ``coach serve`` (a uvicorn factory: each worker process builds its own,
    and sets up its own logging, since a worker is a fresh interpreter)."""
    config = AppConfig()
    configure_logging(config.observability.log_level, config.observability.log_format)
    return create_app(config, served=True)
