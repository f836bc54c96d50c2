"""The toolset wrapper through a real pydantic-ai Agent: cache, audit, retries, records."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import pytest
from pydantic_ai import Agent
from pydantic_ai.messages import (
    ModelMessage,
    ModelRequest,
    ModelResponse,
    TextPart,
    ToolCallPart,
    ToolReturnPart,
)
from pydantic_ai.models.function import AgentInfo, FunctionModel
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from persistence.enums import PhotoVisibility, ToolCallStatus
from persistence.repositories import ai_logs, checkins, nutrition, photos, profiles
from tests.tools.helpers import make_deps, seed
from tools import RedisToolCache, ToolDeps, build_coach_toolset, bump_user_version, flush_audit
from tools.execution import execute_call
from tools.registry import get_registry

Factory = async_sessionmaker[AsyncSession]
Step = Sequence[ToolCallPart] | str


def scripted(steps: list[Step]) -> FunctionModel:
    """A model that plays ``steps``: tool calls, then a final text."""

    def respond(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        done = sum(isinstance(m, ModelResponse) for m in messages)
        step = steps[min(done, len(steps) - 1)]
        if isinstance(step, str):
            return ModelResponse(parts=[TextPart(step)])
        return ModelResponse(parts=list(step))

    return FunctionModel(respond)


def call(tool: str, args: dict[str, Any] | str, call_id: str) -> ToolCallPart:
    return ToolCallPart(tool_name=tool, args=args, tool_call_id=call_id)


def agent_for(model: FunctionModel, **kwargs: Any) -> Agent[ToolDeps, str]:
    return Agent(model, deps_type=ToolDeps, toolsets=[build_coach_toolset()], **kwargs)


def request_parts(messages: Sequence[ModelMessage]) -> list[Any]:
    return [p for m in messages if isinstance(m, ModelRequest) for p in m.parts]


async def audit_rows(factory: Factory, session_id: uuid.UUID | None) -> list[Any]:
    async with factory() as s:
        return await ai_logs.list_tool_calls(s, session_id=session_id)


async def test_agent_run_caches_repeat_and_logs_every_call(session_factory: Factory) -> None:
    user_id, data = await seed(session_factory)
    deps = await make_deps(session_factory, user_id, data.end)
    model = scripted(
        [
            [call("get_weight_trend", {"days": 28}, "c1")],
            [call("get_weight_trend", {"days": 28}, "c2")],
            [call("get_weight_trend", {"days": 10000}, "c3")],
            "done",
        ]
    )
    result = await agent_for(model, retries=2).run("how am I doing?", deps=deps)
    assert result.output == "done"
    records = deps.call_records
    assert (records["c1"].status, records["c1"].cached) == (ToolCallStatus.SUCCESS, False)
    assert (records["c2"].status, records["c2"].cached) == (ToolCallStatus.SUCCESS, True)
    assert records["c3"].status == ToolCallStatus.FAILED
    returns = [p for p in request_parts(result.all_messages()) if isinstance(p, ToolReturnPart)]
    retry = [p for p in returns if p.outcome == "retried"]
    assert retry and "days" in str(retry[0].content) and "365" in str(retry[0].content)
    returns = [p for p in returns if p.outcome == "success"]
    assert returns[0].content == returns[1].content  # the cached answer equals the computed one
    rows = await audit_rows(session_factory, deps.session_id)
    assert [(r.tool_name, r.status, r.cached) for r in rows] == [
        ("get_weight_trend", ToolCallStatus.SUCCESS, False),
        ("get_weight_trend", ToolCallStatus.SUCCESS, True),
        ("get_weight_trend", ToolCallStatus.FAILED, False),
    ]
    assert rows[0].input_hash == rows[1].input_hash and len(rows[0].input_hash) == 64
    assert rows[0].tool_category == "internal"
    assert rows[2].error_message and "days" in rows[2].error_message
    assert rows[0].output_summary and "weigh-ins" in rows[0].output_summary


async def test_bad_arguments_on_last_retry_do_not_end_the_turn(session_factory: Factory) -> None:
    user_id, data = await seed(session_factory)
    deps = await make_deps(session_factory, user_id, data.end)
    model = scripted(
        [
            [call("get_adherence", {"days": "lots"}, "a1")],
            [call("get_adherence", {"days": 0}, "a2")],
            [call("get_adherence", '{"days": 7', "a3")],
            "sorry",
        ]
    )
    result = await agent_for(model, retries=1).run("adherence?", deps=deps)
    assert result.output == "sorry"
    outcomes = [
        p.outcome for p in request_parts(result.all_messages()) if isinstance(p, ToolReturnPart)
    ]
    assert outcomes == ["retried", "failed", "failed"]
    assert [deps.call_records[c].status for c in ("a1", "a2", "a3")] == [ToolCallStatus.FAILED] * 3
    assert "JSON" in (deps.call_records["a3"].error or "")
    assert len(await audit_rows(session_factory, deps.session_id)) == 3


async def test_audit_rows_persist_when_the_turn_fails_later(session_factory: Factory) -> None:
    user_id, data = await seed(session_factory)
    deps = await make_deps(session_factory, user_id, data.end)

    def respond(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        if sum(isinstance(m, ModelResponse) for m in messages) == 0:
            return ModelResponse(parts=[call("get_user_profile", {}, "p1")])
        raise RuntimeError("provider exploded")

    with pytest.raises(RuntimeError, match="exploded"):
        await agent_for(FunctionModel(respond)).run("hi", deps=deps)
    rows = await audit_rows(session_factory, deps.session_id)
    assert [(r.tool_name, r.status) for r in rows] == [("get_user_profile", ToolCallStatus.SUCCESS)]


async def test_concurrent_identical_calls_compute_once(session_factory: Factory) -> None:
    user_id, data = await seed(session_factory)
    deps = await make_deps(session_factory, user_id, data.end)
    spec = get_registry()["estimate_expenditure"]
    outcomes = await asyncio.gather(
        *(execute_call(deps, spec, {"days": 28}, call_id=f"x{i}") for i in range(10))
    )
    assert all(o.record.status is ToolCallStatus.SUCCESS for o in outcomes)
    assert sum(not o.record.cached for o in outcomes) == 1
    assert len({o.result.model_dump_json() for o in outcomes if o.result}) == 1
    assert await flush_audit(deps) == 10


async def _write_checkin(s: AsyncSession, user_id: uuid.UUID, day: dt.date) -> None:
    await checkins.upsert_for_date(
        s, user_id=user_id, day=day, values={"weight_kg": Decimal("150.00"), "mood": 3}
    )


async def _write_nutrition(s: AsyncSession, user_id: uuid.UUID, day: dt.date) -> None:
    await nutrition.upsert_for_date(s, user_id=user_id, day=day, values={"calories": 9000})


async def _write_profile(s: AsyncSession, user_id: uuid.UUID, day: dt.date) -> None:
    await profiles.update_profile(s, user_id=user_id, values={"display_name": "Renamed"})


async def _write_goal(s: AsyncSession, user_id: uuid.UUID, day: dt.date) -> None:
    await profiles.update_goal(s, user_id=user_id, values={"target_weight_kg": Decimal("61.5")})


async def _write_preferences(s: AsyncSession, user_id: uuid.UUID, day: dt.date) -> None:
    await profiles.update_preferences(s, user_id=user_id, values={"meals_per_day": 6})


async def _write_photo(s: AsyncSession, user_id: uuid.UUID, day: dt.date) -> None:
    await photos.add(
        s,
        user_id=user_id,
        photo_id=uuid.uuid4(),
        day=day,
        s3_key=f"test/{uuid.uuid4()}.jpg",
        content_hash=None,
        visibility=PhotoVisibility.COACH_ONLY,
    )


WRITES = {
    "checkin": (_write_checkin, "get_recent_checkins", {"days": 3}, "150.0"),
    "nutrition": (_write_nutrition, "get_nutrition_summary", {"days": 1}, "9000"),
    "profile": (_write_profile, "get_user_profile", {}, "Renamed"),
    "goal": (_write_goal, "get_user_profile", {}, "61.5"),
    "preferences": (_write_preferences, "get_user_profile", {}, '"meals_per_day":6'),
    "photos": (_write_photo, "list_progress_photos", {"days": 1}, '"count":1'),
}


@pytest.mark.parametrize("kind", list(WRITES))
async def test_no_stale_answer_after_write(
    session_factory: Factory, redis_url: str, kind: str
) -> None:
    write, tool, args, marker = WRITES[kind]
    user_id, data = await seed(session_factory)
    cache = RedisToolCache.from_url(redis_url, prefix=f"test:{uuid.uuid4().hex}")
    deps = await make_deps(session_factory, user_id, data.end, cache=cache)
    spec = get_registry()[tool]
    try:
        before = await execute_call(deps, spec, args, call_id="b")
        assert before.result is not None and marker not in before.result.model_dump_json()
        assert (await execute_call(deps, spec, args, call_id="c")).record.cached
        async with session_factory() as s:
            await write(s, user_id, data.end)
            await s.commit()
        await bump_user_version(cache, user_id)
        after = await execute_call(deps, spec, args, call_id="a")
        assert not after.record.cached
        assert after.result is not None and marker in after.result.model_dump_json()
    finally:
        await cache.aclose()


async def test_redis_stopped_mid_turn_still_answers(
    session_factory: Factory, private_redis: Any, caplog: pytest.LogCaptureFixture
) -> None:
    user_id, data = await seed(session_factory)
    cache = RedisToolCache.from_url(private_redis.url, prefix="t", retry_after_s=0.0)
    deps = await make_deps(session_factory, user_id, data.end, cache=cache)
    model = scripted(
        [
            [call("get_goal_progress", {}, "g1")],
            [call("get_goal_progress", {}, "g2")],
            [call("get_goal_progress", {}, "g3")],
            "ok",
        ]
    )
    stopped = False

    def stop_after_two(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        nonlocal stopped
        if sum(isinstance(m, ModelResponse) for m in messages) == 2 and not stopped:
            private_redis.stop()
            stopped = True
        assert model.function is not None
        return model.function(messages, info)  # type: ignore[return-value]

    try:
        with caplog.at_level(logging.WARNING, logger="tools.cache"):
            result = await agent_for(FunctionModel(stop_after_two)).run("progress", deps=deps)
    finally:
        await cache.aclose()
    assert result.output == "ok"
    statuses = [
        (deps.call_records[c].status, deps.call_records[c].cached) for c in ("g1", "g2", "g3")
    ]
    assert statuses == [
        (ToolCallStatus.SUCCESS, False),
        (ToolCallStatus.SUCCESS, True),
        (ToolCallStatus.SUCCESS, False),
    ]
    assert any("Redis unavailable" in r.getMessage() for r in caplog.records)


async def test_unknown_user_fails_with_message(session_factory: Factory) -> None:
    user_id, data = await seed(session_factory)
    deps = await make_deps(session_factory, user_id, data.end)
    deps.user_id = uuid.uuid4()
    outcome = await execute_call(deps, get_registry()["get_user_profile"], {}, call_id="u")
    assert outcome.record.status is ToolCallStatus.FAILED and not outcome.retry
    assert outcome.message and "does not exist" in outcome.message


def test_registry_describes_every_tool() -> None:
    registry = get_registry()
    assert list(registry) == [
        "get_user_profile",
        "get_recent_checkins",
        "get_weight_trend",
        "get_nutrition_summary",
        "calculate_targets",
        "estimate_expenditure",
        "get_adherence",
        "get_goal_progress",
        "list_progress_photos",
        "propose_plan",
    ]
    for spec in registry.values():
        assert spec.description and spec.category.value == "internal"
        schema = spec.json_schema()
        assert schema["type"] == "object"
    assert registry["get_weight_trend"].json_schema()["properties"]["days"]["maximum"] == 365
    assert registry["propose_plan"].ttl_s == 0


async def test_static_tool_definitions_are_listed_once_per_process(
    session_factory: Factory,
) -> None:
    """The registry's tools have no per-step ``prepare``: the wrapped toolset lists them for
    the first run only, and every later run (and step) offers the same definitions."""
    user_id, data = await seed(session_factory)
    toolset = build_coach_toolset()
    listings = 0
    inner_get_tools = toolset.wrapped.get_tools

    async def counting(ctx: Any) -> Any:
        nonlocal listings
        listings += 1
        return await inner_get_tools(ctx)

    toolset.wrapped.get_tools = counting  # type: ignore[method-assign]
    offered: list[list[str]] = []

    def respond(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        offered.append(sorted(t.name for t in info.function_tools))
        if sum(isinstance(m, ModelResponse) for m in messages) == 0:
            return ModelResponse(parts=[call("get_weight_trend", {"days": 28}, "c1")])
        return ModelResponse(parts=[TextPart("done")])

    agent = Agent(FunctionModel(respond), deps_type=ToolDeps, toolsets=[toolset])
    for _ in range(3):
        deps = await make_deps(session_factory, user_id, data.end)
        assert (await agent.run("trend?", deps=deps)).output == "done"
    assert listings == 1
    assert len(offered) == 6
    assert all(names == sorted(get_registry()) for names in offered)
