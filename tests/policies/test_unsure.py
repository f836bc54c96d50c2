"""``PolicyEngine.unsure``: which allowed texts are judgement calls (asked of the LLM guard)."""

from __future__ import annotations

import pytest

from policies import PolicyEngine, Stage


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("Laxatives aren't a safe way to lose weight.", "ed.compensatory_products"),
        (
            "Making yourself sick after meals is hard on your body. Please talk to your GP.",
            "ed.purging",
        ),
        ("Some people take DNP but it can kill you.", "unsafe.performance_drugs"),
        # a dose framed as caution: the rules alone let it through, and say they were unsure
        ("If you keep the dose low, clen is fine for a cut.", "unsafe.performance_drugs"),
    ],
)
def test_unsure_when_a_rule_is_cancelled_by_its_context(
    policy: PolicyEngine, text: str, rule: str
) -> None:
    assert policy.check_output(text).allowed
    assert policy.unsure(text) == f"rule {rule} cancelled by context"


@pytest.mark.parametrize(
    "text",
    [
        "Your trend is down nicely this month.",
        "Protein at each meal helps you stay full.",
        "",
        # flagged, not unsure: the decision stands
        "Try fasting for 5 days to speed things up.",
    ],
)
def test_sure_when_nothing_matched_or_the_text_is_flagged(policy: PolicyEngine, text: str) -> None:
    assert policy.unsure(text) is None


def test_unsure_reads_the_stage(policy: PolicyEngine) -> None:
    text = "my sister has been making herself sick after meals, how can I help her?"
    assert policy.check_input(text).action.value == "allow"
    assert policy.unsure(text, Stage.INPUT) is not None
    assert policy.unsure("how is my trend?", Stage.INPUT) is None
