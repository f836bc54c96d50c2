"""Conversation-suite evaluators: the right tools per turn, and numbers that agree.

:class:`TurnTools` checks each turn's audited calls (tools that must and must not run, and
the arguments they ran with). :class:`ConsistentNumbers` reads the replies back: a trend's
stated start, end and change agree at the precision shown and with its weekly rate and
period; a stated plan's calories, rate and expenditure agree; every expenditure stated in
the session is one figure; a plan that does not keep
a requested rate, calorie or protein figure says what was asked and what is proposed; no
raw tool output or internal wording reaches the user.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Final

from pydantic_evals.evaluators import EvaluationReason

from evals.evaluators._base import CoachEvaluator, Ctx, verdict
from evals.evaluators.tools import arg_matches
from evals.models import ToolCallRecord

_TREND = re.compile(r"from about (?P<a>\d+\.\d) kg to (?P<b>\d+\.\d) kg \((?P<c>[+-]?\d+\.\d) kg\)")
_RATE = re.compile(r"(?P<dir>falling|rising) by about (?P<r>\d+\.\d\d) kg per week")
_SPAN = re.compile(
    r"run from (?P<d1>\d{1,2} [A-Z][a-z]{2}) to (?P<d2>\d{1,2} [A-Z][a-z]{2}) \((?P<n>\d+) days\)"
)
_WINDOW = re.compile(r"in the last (?P<w>\d+) days")
_TDEE = re.compile(
    r"(?:TDEE about|\(TDEE\) is about|expenditure of about) (?P<v>\d{3,5}) kcal", re.IGNORECASE
)
_PLAN = re.compile(
    r"Here's a plan: (?P<kcal>\d+) kcal a day.*?for (?P<rate>[+-]\d+\.\d\d) kg a week.*?"
    r"expenditure of about (?P<tdee>\d+) kcal",
    re.DOTALL,
)
#: kcal per kg of weight change (DOMAIN.md), and the rounding a stated plan allows: the rate
#: to 0.01 kg (5.5 kcal a day), calories and expenditure to 1 kcal.
KCAL_PER_KG: Final = 7700.0
PLAN_TOLERANCE_KCAL: Final = 8.0
#: Text that only tools and models should see.
INTERNAL: Final = (
    r"[{}]",
    r'"error"',
    r"\b\w+_(?:kg|cm|kcal|g|year|fields|data)\b",
    r"ask the user",
    r"cannot compute",
    r"logged days in \d+ \(",
    r"/week\b",
    r"Mifflin-St Jeor x",
)


@dataclass(repr=False)
class TurnTools(CoachEvaluator):
    """Per turn: ``must`` tools ran successfully, ``must_not`` did not run, ``args`` matched.

    ``turns`` is a list aligned with the case's messages; each item is a mapping with any
    of ``must``, ``tried`` (called, whatever its status: a tool that fails for missing
    data), ``must_not``, ``args`` (tool -> key arguments, see
    :func:`evals.evaluators.tools.arg_matches`) and ``none: true`` (no tool at all).
    """

    turns: list[dict[str, Any]] = field(default_factory=list)

    def evaluate(self, ctx: Ctx) -> dict[str, EvaluationReason | float]:
        """Compare each turn's audited calls with its expectation."""
        problems: list[str] = []
        expected_total = matched = 0
        for index, want in enumerate(self.turns):
            calls = [c for c in ctx.output.tool_calls if c.turn == index]
            ok = {c.tool_name for c in calls if c.status == "success"}
            called = {c.tool_name for c in calls}
            where = f"turn {index + 1}"
            must = list(want.get("must", []))
            expected_total += len(must)
            matched += sum(1 for t in must if t in ok or t in called)
            missing = [t for t in must if t not in ok]
            if missing:
                problems.append(f"{where}: not called {missing} (called {sorted(called)})")
            tried = list(want.get("tried", []))
            expected_total += len(tried)
            matched += sum(1 for t in tried if t in called)
            if [t for t in tried if t not in called]:
                problems.append(f"{where}: not tried {tried} (called {sorted(called)})")
            forbidden = sorted(called & set(want.get("must_not", [])))
            if forbidden:
                problems.append(f"{where}: called forbidden {forbidden}")
            if want.get("none") and called:
                problems.append(f"{where}: expected no tool, called {sorted(called)}")
            for tool, expected in (want.get("args") or {}).items():
                candidates = [c for c in calls if c.tool_name == tool]
                if candidates and not any(_args_match(c, expected) for c in candidates):
                    problems.append(
                        f"{where}: {tool} args {[c.args for c in candidates]} != {expected}"
                    )
        recall = matched / expected_total if expected_total else 1.0
        return {"TurnTools": verdict(problems), "turn_tool_recall": recall}


def _args_match(call: ToolCallRecord, expected: dict[str, Any]) -> bool:
    args = call.args or {}
    return all(arg_matches(args.get(key), value) for key, value in expected.items())


def _day(text: str, year: int) -> dt.date:
    return dt.datetime.strptime(f"{text} {year}", "%d %b %Y").date()  # noqa: DTZ007


def trend_problems(reply: str, year: int) -> list[str]:
    """How a trend reply's figures disagree (empty: consistent)."""
    problems: list[str] = []
    trend = _TREND.search(reply)
    if trend is None:
        return problems
    a, b, c = float(trend["a"]), float(trend["b"]), float(trend["c"])
    if abs(b - a - c) > 0.051:
        problems.append(f"{a} -> {b} kg is not {c:+.1f} kg")
    rate = _RATE.search(reply)
    span = _SPAN.search(reply)
    if rate and span:
        weekly = float(rate["r"]) * (-1 if rate["dir"] == "falling" else 1)
        days = int(span["n"])
        weeks = (days - 1) / 7
        if abs(weekly * weeks - c) > 0.05 + 0.005 * weeks + 0.001:
            problems.append(f"{weekly:+.2f} kg/week over {days} days is not {c:+.1f} kg")
        start, end = _day(span["d1"], year), _day(span["d2"], year)
        if (end - start).days + 1 != days:
            problems.append(f"{span['d1']} to {span['d2']} is not {days} days")
        paragraph = reply[reply.rfind("\n\n", 0, span.start()) + 1 : span.end()]
        window = _WINDOW.search(paragraph)
        if window and days > int(window["w"]):
            problems.append(f"period of {days} days is longer than the {window['w']}-day window")
    elif rate and (rate["dir"] == "falling") != (c < 0) and abs(c) >= 0.1:
        problems.append(f"{rate['dir']} but the change is {c:+.1f} kg")
    return problems


def plan_problems(reply: str) -> list[str]:
    """A stated plan whose calories, rate and expenditure do not agree (7700 kcal/kg)."""
    match = _PLAN.search(reply)
    if match is None:
        return []
    kcal, rate, tdee = float(match["kcal"]), float(match["rate"]), float(match["tdee"])
    implied = tdee + rate * KCAL_PER_KG / 7
    if abs(implied - kcal) > PLAN_TOLERANCE_KCAL:
        return [f"{kcal:.0f} kcal on a {tdee:.0f} kcal expenditure is not {rate:+.2f} kg a week"]
    return []


def _asked_problems(ctx: Ctx) -> list[str]:
    """A plan that changed a requested figure says so (asked vs proposed)."""
    problems: list[str] = []
    for plan in ctx.output.plans:
        calls = [
            c
            for c in ctx.output.tool_calls
            if c.tool_name == "propose_plan" and c.turn == plan.turn and c.status == "success"
        ]
        reply = ctx.output.turns[plan.turn].reply
        for call in calls:
            args = call.args or {}
            asked_rate = args.get("weekly_change_kg")
            got_rate = plan.plan.get("weekly_change_kg")
            if isinstance(asked_rate, int | float) and isinstance(got_rate, int | float):
                if abs(asked_rate - got_rate) > 0.015 and "You asked" not in reply:
                    problems.append(
                        f"turn {plan.turn + 1}: asked {asked_rate:+.2f} kg/week, plan "
                        f"{got_rate:+.2f}, and the reply does not say so"
                    )
                elif abs(asked_rate - got_rate) <= 0.015 and f"{got_rate:+.2f}" not in reply:
                    problems.append(f"turn {plan.turn + 1}: reply does not state {got_rate:+.2f}")
            for name in ("calories_kcal", "protein_g"):
                asked, got = args.get(name), plan.plan.get(name)
                if isinstance(asked, int | float) and isinstance(got, int | float):
                    if abs(asked - got) > 1 and "You asked" not in reply:
                        problems.append(f"turn {plan.turn + 1}: {name} {asked} -> {got} unsaid")
    return problems


@dataclass(repr=False)
class ConsistentNumbers(CoachEvaluator):
    """The case's replies agree with themselves and with each other (see the module doc)."""

    year: int = 2025

    def evaluate(self, ctx: Ctx) -> dict[str, EvaluationReason | float]:
        """Read every reply back."""
        problems: list[str] = []
        tdees: set[str] = set()
        checks = 0
        for index, turn in enumerate(ctx.output.turns):
            where = f"turn {index + 1}"
            problems += [f"{where}: {p}" for p in trend_problems(turn.reply, self.year)]
            problems += [f"{where}: {p}" for p in plan_problems(turn.reply)]
            checks += bool(_TREND.search(turn.reply)) + bool(_PLAN.search(turn.reply))
            tdees.update(m["v"] for m in _TDEE.finditer(turn.reply))
            for pattern in INTERNAL:
                found = re.search(pattern, turn.reply)
                if found:
                    problems.append(f"{where}: internal text {found.group(0)!r}")
        if len(tdees) > 1:
            problems.append(f"several expenditures in one session: {sorted(tdees)} kcal")
        checks += len(tdees) > 0
        problems += _asked_problems(ctx)
        checks += len(ctx.output.plans)
        return {
            "ConsistentNumbers": verdict(problems, f"{checks} figure group(s) consistent"),
            "numbers_consistent": 0.0 if problems else 1.0,
        }
