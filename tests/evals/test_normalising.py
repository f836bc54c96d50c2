"""What makes reports comparable across runs: stable identifiers and tool-event order."""

from __future__ import annotations

import uuid
from typing import Any

from coach.events import ChatEvent
from evals.harness import _Normalizer, canonical_order


def ev(kind: str, id_: int, **data: Any) -> ChatEvent:
    """A chat event."""
    return ChatEvent(event=kind, id=id_, data=data)  # type: ignore[arg-type]


def test_concurrent_tool_events_get_a_canonical_order_with_ids_in_place() -> None:
    first = [
        ev("session", 1),
        ev("tool_call", 2, tool="get_weight_trend", call_id="b", args_summary="{}"),
        ev("tool_call", 3, tool="get_adherence", call_id="a", args_summary="{}"),
        ev("tool_result", 4, tool="get_weight_trend", call_id="b", status="success"),
        ev("tool_result", 5, tool="get_adherence", call_id="a", status="success"),
        ev("text", 6, delta="hi"),
    ]
    arrival = [first[0], first[2], first[1], first[4], first[3], first[5]]
    second = [e.model_copy(update={"id": i}) for i, e in enumerate(arrival, 1)]
    ordered = canonical_order(first)
    assert [e.id for e in ordered] == [1, 2, 3, 4, 5, 6]
    assert [(e.event, e.data.get("tool")) for e in ordered] == [
        ("session", None),
        ("tool_call", "get_adherence"),
        ("tool_call", "get_weight_trend"),
        ("tool_result", "get_adherence"),
        ("tool_result", "get_weight_trend"),
        ("text", None),
    ]
    assert canonical_order(second) == ordered


def test_normaliser_replaces_user_session_call_and_other_ids() -> None:
    user, session, photo = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    ids = _Normalizer(user)
    start = ids.event(ev("session", 1, session_id=str(session), status="active"))
    call = ids.event(ev("tool_call", 2, call_id="call_abc", tool="x", args_summary="{}"))
    note = ids.event(ev("text", 3, delta=f"photo {photo} of {user} in {session}"))
    assert start.data["session_id"] == "<session>"
    assert call.data["call_id"] == "call-1"
    assert note.data["delta"] == "photo <id-1> of <user> in <session>"
    assert ids.scrub(str(photo).upper()) == "<id-1>"
