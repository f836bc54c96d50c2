"""The logging setup: JSON lines with the context's ids, text lines, uvicorn's access line."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from collections.abc import Iterator

import pytest

from persistence.observability import bind_request, bind_turn, configure_logging, reset_request


@pytest.fixture
def stream() -> Iterator[io.StringIO]:
    """The root logger writes here during the test; the previous setup is restored after."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    out = io.StringIO()
    yield out
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)


def _lines(out: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in out.getvalue().splitlines() if line.strip()]


def test_json_lines_carry_time_level_logger_message_and_the_request_id(
    stream: io.StringIO,
) -> None:
    configure_logging("INFO", "json", stream=stream)
    token = bind_request("req-42")
    try:
        logging.getLogger("api.test").info("hello %s", "there")
    finally:
        reset_request(token)
    logging.getLogger("api.test").debug("below the level")
    logging.getLogger("api.test").warning("after the request")

    first, second = _lines(stream)
    assert first["message"] == "hello there" and first["level"] == "INFO"
    assert first["logger"] == "api.test" and first["request_id"] == "req-42"
    assert str(first["time"]).endswith("Z")
    assert "request_id" not in second


def test_a_turns_task_adds_turn_and_session_ids_to_its_records(stream: io.StringIO) -> None:
    configure_logging("INFO", "json", stream=stream)

    async def turn() -> None:
        bind_turn("t-1", "s-1")
        logging.getLogger("coach.turn").info("in the turn")

    async def request() -> None:
        token = bind_request("req-7")
        try:
            await asyncio.create_task(turn())
            logging.getLogger("api").info("back in the request")
        finally:
            reset_request(token)

    asyncio.run(request())
    in_turn, after = _lines(stream)
    assert (in_turn["request_id"], in_turn["turn_id"], in_turn["session_id"]) == (
        "req-7",
        "t-1",
        "s-1",
    )
    assert after["request_id"] == "req-7" and "turn_id" not in after


def test_access_lines_drop_the_query_string_and_carry_http_fields(stream: io.StringIO) -> None:
    configure_logging("INFO", "json", stream=stream)
    logging.getLogger("uvicorn.access").info(
        '%s - "%s %s HTTP/%s" %d',
        "127.0.0.1:5000",
        "GET",
        "/v1/auth/verify?token=s3cret",
        "1.1",
        200,
    )
    (line,) = _lines(stream)
    assert "s3cret" not in json.dumps(line)
    assert line["http"] == {
        "method": "GET",
        "path": "/v1/auth/verify",
        "status": 200,
        "client": "127.0.0.1:5000",
    }


def test_text_lines_name_the_ids_and_a_second_setup_replaces_the_first(
    stream: io.StringIO,
) -> None:
    configure_logging("INFO", "json", stream=io.StringIO())
    configure_logging("WARNING", "text", stream=stream)
    token = bind_request("req-9")
    try:
        logging.getLogger("x").info("quiet")
        logging.getLogger("x").warning("loud")
    finally:
        reset_request(token)
    (line,) = stream.getvalue().splitlines()
    assert line.endswith("WARNING x [req=req-9]: loud")
