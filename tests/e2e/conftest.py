"""A real uvicorn server on loopback, for tests that talk HTTP/SSE over a socket.

The server runs in a background thread with its own event loop, on a socket bound to
port 0 before it starts (no port races), with the app factory configured for the run's
database. Tests read it with ``httpx`` + ``httpx-sse`` from the test loop, exactly as a
remote client would; they reach the server's objects (``live.state``) only to mint tokens.

Users are inserted directly (with synthetic data, so the coach's tools have something to
read) and get access tokens from ``live.state.tokens``; auth has its own tests.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import random
import socket
import threading
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from httpx_sse import aconnect_sse
from pydantic_ai.messages import ModelMessage, ModelRequest, UserPromptPart
from pydantic_ai.models import Model
from pydantic_ai.models.function import AgentInfo, DeltaToolCalls, FunctionModel
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.app import create_app
from api.settings import ApiSettings
from api.state import AppConfig, AppState
from coach.engine import CoachEngine
from coach.factory import build_policy_engine
from coach.offline_model import offline_request, offline_stream
from coach.settings import CoachSettings
from persistence.settings import DatabaseSettings
from persistence.synthetic import SyntheticConfig, generate_user, seed_synthetic_user
from tools.settings import ToolSettings

EngineHook = Callable[[AppState], Awaitable[None]]


@dataclass
class LiveServer:
    """A running server: its base URL and (for token minting) its app state."""

    url: str
    app: FastAPI
    server: uvicorn.Server
    thread: threading.Thread

    @property
    def state(self) -> AppState:
        """The app's state, built by its lifespan in the server thread."""
        state: AppState = self.app.state.coach
        return state

    def token(self, user_id: uuid.UUID) -> str:
        """An access token for ``user_id``."""
        return self.state.tokens.encode(user_id, now=dt.datetime.now(dt.UTC))

    def headers(self, user_id: uuid.UUID) -> dict[str, str]:
        """Authorization headers for ``user_id``."""
        return {"Authorization": f"Bearer {self.token(user_id)}"}

    def stop(self) -> None:
        """Ask uvicorn to exit and wait for the thread."""
        self.server.should_exit = True
        self.thread.join(timeout=30)


def e2e_config(database_url: str, data_dir: Path, *, redis_url: str | None = None) -> AppConfig:
    """App settings for a loopback server on the run's database (no rate limits).

    With ``redis_url`` the replay log and the tool cache live in Redis, as in production.
    """
    return AppConfig(
        database=DatabaseSettings(database_url=database_url, coach_data_dir=data_dir),
        api=ApiSettings(jwt_secret="e2e-secret-" + "x" * 40, rate_limit_enabled=False),
        tools=ToolSettings(redis_url=redis_url, tool_cache_prefix=f"e2e:{uuid.uuid4().hex[:8]}"),
        coach=CoachSettings(
            coach_model="offline",
            redis_url=redis_url,
            coach_event_log_prefix=f"e2e:{uuid.uuid4().hex[:8]}",
        ),
    )


def models_hook(models: dict[str, Model]) -> EngineHook:
    """A startup hook replacing the app's engine by one with ``models`` registered."""

    async def hook(state: AppState) -> None:
        old = state.coach_engine
        state.coach_engine = CoachEngine(
            session_factory=state.session_factory,
            cache=state.cache,
            policy=build_policy_engine(),
            settings=state.config.coach,
            tool_settings=state.config.tools,
            clock=state.clock,
            models=models,
        )
        if old is not None:
            await old.aclose()

    return hook


def _with_hook(app: FastAPI, hook: EngineHook) -> None:
    """Run ``hook(state)`` inside the lifespan, on the server's loop, after startup."""
    original = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(application: FastAPI) -> AsyncIterator[Any]:
        async with original(application) as value:
            await hook(application.state.coach)
            yield value

    app.router.lifespan_context = lifespan


def start_server(config: AppConfig, *, hook: EngineHook | None = None) -> LiveServer:
    """Start a server in a thread and wait until ``/v1/health`` answers."""
    app = create_app(config)
    if hook is not None:
        _with_hook(app, hook)
    # proto=IPPROTO_TCP: asyncio only sets TCP_NODELAY on sockets that say they are TCP,
    # and without it Nagle's algorithm meets delayed ACKs (40 ms per response).
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            log_level="warning",
            lifespan="on",
            timeout_graceful_shutdown=3,
            backlog=512,
        )
    )
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name=f"uvicorn-{port}", daemon=True
    )
    thread.start()
    live = LiveServer(url=f"http://127.0.0.1:{port}", app=app, server=server, thread=thread)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if not thread.is_alive():
            raise RuntimeError("the test server exited during startup (see the log above)")
        if server.started:
            try:
                if httpx.get(f"{live.url}/v1/health", timeout=2).status_code == 200:
                    return live
            except httpx.HTTPError:
                pass
        time.sleep(0.05)
    live.stop()
    raise RuntimeError("the test server did not answer /v1/health within 60 s")


@pytest.fixture(scope="session")
def live_server(
    database_url: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """The app as built by its factory (offline model, Redis event log), on loopback."""
    config = e2e_config(database_url, tmp_path_factory.mktemp("e2e-data"), redis_url=redis_url)
    live = start_server(config)
    try:
        yield live
    finally:
        live.stop()


# Directives at the start of a user message make the scripted model misbehave on purpose;
# any other message gets the real offline model.
SLOW = "[slow]"
UNSAFE = "[unsafe]"
SLOW_SENTENCES = 25
SLOW_DELAY_S = 0.1
SAFE_SENTENCE = "You logged every day this week, nice work. "
BLOCKED_SENTENCE = "Try fasting for 5 days straight. "
AFTER_BLOCK = "Then weigh yourself every morning. "


def _last_prompt(messages: list[ModelMessage]) -> str:
    for message in reversed(messages):
        if isinstance(message, ModelRequest):
            for part in reversed(message.parts):
                if isinstance(part, UserPromptPart) and isinstance(part.content, str):
                    return part.content
    return ""


def scripted_model() -> FunctionModel:
    """The offline model, except for messages starting with a directive (see above)."""

    async def stream(
        messages: list[ModelMessage], info: AgentInfo
    ) -> AsyncIterator[str | DeltaToolCalls]:
        prompt = _last_prompt(messages)
        if prompt.startswith(SLOW):
            for n in range(SLOW_SENTENCES):
                await asyncio.sleep(SLOW_DELAY_S)
                yield f"Sentence {n} of a slow reply. "
        elif prompt.startswith(UNSAFE):
            for piece in (SAFE_SENTENCE, BLOCKED_SENTENCE, AFTER_BLOCK):
                yield piece
        else:
            async for item in offline_stream(messages, info):
                yield item

    return FunctionModel(offline_request, stream_function=stream, model_name="scripted")


@pytest.fixture(scope="session")
def scripted_server(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """A server whose offline model is :func:`scripted_model` (in-process event log)."""
    config = e2e_config(database_url, tmp_path_factory.mktemp("e2e-scripted"))
    live = start_server(config, hook=models_hook({"offline": scripted_model()}))
    try:
        yield live
    finally:
        live.stop()


@dataclass(frozen=True)
class Account:
    """A test user with data, and headers carrying its access token."""

    user_id: uuid.UUID
    email: str
    headers: dict[str, str]


MakeAccount = Callable[..., Awaitable[Account]]


async def create_account(
    session_factory: async_sessionmaker[AsyncSession], live: LiveServer, *, days: int = 42
) -> Account:
    """A committed user with ``days`` of synthetic check-ins and nutrition up to today."""
    email = f"e2e-{uuid.uuid4().hex[:12]}@example.com"
    config = SyntheticConfig(days=days, end=dt.datetime.now(dt.UTC).date(), photo_every_days=0)
    data = generate_user(config, seed=random.randrange(1_000_000))
    async with session_factory() as db:
        user_id = await seed_synthetic_user(db, data, email=email)
        await db.commit()
    return Account(user_id=user_id, email=email, headers=live.headers(user_id))


@pytest.fixture
def make_account(
    session_factory: async_sessionmaker[AsyncSession], live_server: LiveServer
) -> MakeAccount:
    """Fresh users on the default live server."""

    async def make(days: int = 42, live: LiveServer | None = None) -> Account:
        return await create_account(session_factory, live or live_server, days=days)

    return make


@pytest.fixture
async def http(live_server: LiveServer) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client on the live server (real sockets)."""
    async with httpx.AsyncClient(base_url=live_server.url, timeout=60) as client:
        yield client


def client_for(live: LiveServer) -> AbstractAsyncContextManager[httpx.AsyncClient]:
    """An HTTP client on ``live``."""
    return httpx.AsyncClient(base_url=live.url, timeout=60)


@dataclass(frozen=True)
class Sse:
    """One received event, decoded."""

    event: str
    id: int
    data: dict[str, Any]


def decode(event: str, event_id: str, data: str) -> Sse:
    """An SSE event with its id as int and its data as JSON."""
    return Sse(event=event, id=int(event_id), data=json.loads(data))


async def chat(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    message: str,
    session_id: str | None = None,
    *,
    stop_after: int | None = None,
) -> tuple[int, list[Sse], dict[str, Any] | None]:
    """POST a message and read the stream: (status, events, problem body when not 200).

    With ``stop_after`` the client closes the connection after that many events.
    """
    body: dict[str, Any] = {"message": message}
    if session_id:
        body["session_id"] = session_id
    events: list[Sse] = []
    async with aconnect_sse(client, "POST", "/v1/coach/chat", json=body, headers=headers) as src:
        if src.response.status_code != 200:
            await src.response.aread()
            return src.response.status_code, events, src.response.json()
        async for sse in src.aiter_sse():
            events.append(decode(sse.event, sse.id, sse.data))
            if stop_after is not None and len(events) >= stop_after:
                break
    return 200, events, None


def reply_text(events: list[Sse]) -> str:
    """The text deltas of a turn, joined."""
    return "".join(e.data["delta"] for e in events if e.event == "text")
