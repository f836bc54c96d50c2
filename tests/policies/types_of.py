"""The violation types an engine finds in a message or a reply, for tests that ask only that."""

from __future__ import annotations

from persistence.enums import PolicyViolationType
from policies import PolicyEngine, PolicyProfile


def input_types(
    policy: PolicyEngine, text: str, profile: PolicyProfile | None = None
) -> set[PolicyViolationType]:
    """The types of the violations ``policy`` finds in a user's message."""
    return {v.type for v in policy.check_input(text, profile).violations}


def reply_types(
    policy: PolicyEngine, text: str, profile: PolicyProfile | None = None
) -> set[PolicyViolationType]:
    """The types of the violations ``policy`` finds in a coach's reply."""
    return {v.type for v in policy.check_output(text, profile).violations}


def stage_types(
    policy: PolicyEngine, text: str, stage: str, profile: PolicyProfile | None = None
) -> set[PolicyViolationType]:
    """The types ``policy`` finds in ``text`` as a user's message (``stage`` "input") or
    as a coach's reply (any other stage)."""
    if stage == "input":
        return input_types(policy, text, profile)
    return reply_types(policy, text, profile)
