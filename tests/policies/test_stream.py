"""OutputGuard: buffering to sentence boundaries and replacing unsafe sentences."""

from __future__ import annotations

from policies import Action, OutputGuard, PolicyEngine


def _run(guard: OutputGuard, deltas: list[str]) -> str:
    out = [chunk.text for delta in deltas for chunk in guard.feed(delta)]
    out.extend(chunk.text for chunk in guard.flush())
    return "".join(out)


def test_safe_reply_released_unchanged_when_streamed(policy: PolicyEngine) -> None:
    text = "Great work this week! Aim for 1.5 litres of water. Keep it up.\nSee you tomorrow"
    guard = OutputGuard(policy)
    deltas = [text[i : i + 3] for i in range(0, len(text), 3)]
    assert _run(guard, deltas) == text
    assert guard.text == text and guard.violations == []


def test_nothing_released_before_sentence_boundary(policy: PolicyEngine) -> None:
    guard = OutputGuard(policy)
    assert guard.feed("Aim for 9") == []
    assert guard.feed("00 calor") == []
    released = guard.feed("ies a day. Then")
    assert [c.original for c in released] == ["Aim for 900 calories a day. "]
    assert released[0].replaced and "1,500 kcal" in released[0].text


def test_decimal_point_not_treated_as_boundary(policy: PolicyEngine) -> None:
    guard = OutputGuard(policy)
    assert guard.feed("You could lose 1.") == []
    released = guard.feed("5 kg a week on this. ")
    assert len(released) == 1 and released[0].decision.action is Action.ADJUST


def test_unsafe_sentence_replaced_and_rest_released(policy: PolicyEngine) -> None:
    guard = OutputGuard(policy)
    out = _run(guard, ["Nice job. ", "Try some laxatives to flush water. ", "Sleep well."])
    assert out.startswith("Nice job. ")
    assert "laxatives to flush" not in out
    assert out.endswith("Sleep well.")
    assert [d.action for d in guard.decisions] == [Action.BLOCK]
    assert guard.violations[0].span is not None


def test_same_replacement_not_repeated(policy: PolicyEngine) -> None:
    guard = OutputGuard(policy)
    out = _run(guard, ["Try laxatives after meals. ", "Use diet pills to flush it out. "])
    assert len(guard.decisions) == 2
    assert out.count("nourishing meals") == 1


def test_long_text_without_boundary_released_at_buffer_limit(policy: PolicyEngine) -> None:
    guard = OutputGuard(policy, max_buffer=50)
    released = guard.feed("word " * 30)
    assert released and sum(len(c.original) for c in released) <= 150
