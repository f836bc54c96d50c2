"""The user's earlier turns, read with a follow-up message.

In a chat, a message often means something only with what came before: "1400 then?" after
"32M, want to cut hard" is a calorie target below a man's floor; "same as yesterday today"
after "yesterday was 650 cals total" makes that log the plan; "ok, just for a week then"
accepts a target the coach refused. The input check gets the last few user messages
(``context``, oldest first) and reads them here, cheaply, for the numeric and target checks:

- facts stated earlier (sex, weight, age, maintenance) complete what the profile lacks;
- earlier calorie talk makes a bare number in the follow-up an intake, earlier protein talk
  makes it grams of protein (``Reading``);
- a request to repeat or keep what was reported re-reads the earlier turns habitually, and
  an acceptance re-reads them as they were; their numeric and target findings then count for
  this message (with no span in it: the evidence quotes the earlier turn), unless the
  follow-up steps back ("no, you're right") or states its own figure of the same kind;
- a follow-up that changes an earlier figure ("ok half of that then", "add 500 to that",
  "drop another 300", "double that", "meet in the middle") is read as the figure it makes:
  half of an earlier 1,600 kcal is a plan of 800 kcal a day, 500 over a stated maintenance
  of 2,100 is a target of 2,600.

The patterns are data (``policies/rules/data/numeric.yaml``, "follow-ups"). The learned
layer receives the same ``context`` (its seam is :meth:`TextChecker.findings`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from persistence.enums import PolicyViolationType as T

from ._context import Context
from ._findings import Facts, Finding
from ._normalize import Normalizer
from .models import Stage
from .quantities import NumberReader, NumericChecker, Quantity, Reading, Unit
from .quantities.base import fraction_value
from .rules import load_table

#: How many earlier user messages are read.
MAX_TURNS = 3
_NUMERIC_TYPES = frozenset(
    {T.CALORIE_MINIMUM, T.CALORIE_MAXIMUM, T.PROTEIN_MINIMUM, T.WEIGHT_LOSS_RATE}
)


#: A follow-up this short that offers a bare number is bargaining over a target.
_SHORT_WORDS = 12


def _daily_sized(q: Quantity) -> bool:
    return q.unit is Unit.NONE and 800 <= q.value <= 5000


Kind = Literal["energy", "pace", "protein"]


@dataclass(frozen=True, slots=True)
class Figure:
    """A figure of an earlier turn a relative follow-up can change."""

    kind: Kind
    value: float  # kcal a day, or the pace's mass a week, or grams of protein
    unit: Unit
    maintenance: bool = False  # a stated maintenance (a step up from it is a surplus)


#: Protein named just before a share of an earlier energy figure ("protein at 15% of that").
_PROTEIN_BEFORE = re.compile(r"\bprotein\b[^.!?\n]{0,25}$")


def _amount(raw: str) -> float | None:
    """ "300", "1,200", "1.1k" as a number."""
    raw = raw.replace(",", "").rstrip(".")
    scale = 1000.0 if raw.endswith("k") else 1.0
    try:
        return float(raw.rstrip("k")) * scale
    except ValueError:
        return None


@dataclass(slots=True)
class FollowUp:
    """What the earlier turns add to one message."""

    facts: Facts
    reading: Reading
    findings: list[Finding]
    #: The follow-up asks to go on with what an earlier turn said ("so I'll keep doing
    #: that"): a behaviour the rules found there is this message's too (``TextChecker``).
    continues: bool = False


class EarlierTurns:
    """Reads earlier turns for a follow-up (patterns compiled once per engine)."""

    def __init__(self, normalize: Normalizer, ctx: Context, numeric: NumericChecker) -> None:
        self.normalize = normalize
        self.ctx = ctx
        self.numeric = numeric
        self.reader: NumberReader = numeric.reader
        t = load_table("numeric")
        self.repeat = t.compile("repeat_request")
        self.accept = t.compile("accept_followup")
        self.retreat = t.compile("retreat")
        self.question = t.compile("question")
        self.calorie_talk = t.compile("calorie_talk")
        self.half = t.compile("relative_half")
        self.double = t.compile("relative_double")
        self.fraction = t.compile("relative_fraction")
        self.meal_before = t.compile("meal_before")
        self.meal_after = t.compile("meal_after")
        self.one_meal = t.compile("one_meal")
        self.step = t.compile("relative_amount")
        self.down = t.compile("relative_down")
        self.middle = t.compile("relative_middle")
        self.intent = t.compile("relative_intent")

    def read(self, text: str, context: Sequence[str], facts: Facts, ed_context: bool) -> FollowUp:
        """Facts, reading mode and carried-over findings for ``text`` (normalised)."""
        earlier = [self.normalize(c).text for c in context[-MAX_TURNS:]]
        for turn in earlier:
            facts = self.numeric.complete_facts(turn, facts)
        # Calorie talk earlier, a bare daily-sized number earlier, or a short bargaining
        # follow-up ("1100? it's basically the same") make a bare number now an intake.
        talk = len(text.split()) <= _SHORT_WORDS or any(
            self.calorie_talk.search(turn)
            or any(q.is_energy or _daily_sized(q) for q in self.reader.quantities(turn))
            for turn in earlier
        )
        protein = len(text.split()) <= _SHORT_WORDS and any("protein" in t for t in earlier)
        reading = Reading(ed_context=ed_context, calorie_context=talk, protein_context=protein)
        findings: list[Finding] = []
        repeat = self.repeat.search(text) is not None
        accept = self._accepts(text)
        if (repeat or accept) and not self.retreat.search(text):
            own: set[Unit] = {
                q.unit
                for q in self.reader.quantities(text)
                if q.unit is not Unit.NONE or _daily_sized(q)
            }
            again = Reading(calorie_context=talk, habitual=repeat)
            for turn in reversed(earlier):
                carried = self._carried(turn, facts, again, own)
                if carried:
                    findings.extend(carried)
                    break
            if not findings and accept and len(earlier) >= 2:
                # a goal and its date in two earlier turns, accepted now ("wedding is in 5
                # weeks" ... "I want to be 63 for the fitting" ... "fine, by the wedding then")
                findings.extend(self._accepted_rate(earlier[-2:], facts))
        continues = repeat and not self.retreat.search(text)
        if not findings and not self.retreat.search(text):
            findings.extend(self._relative(text, earlier, facts))
        if not findings and not self.retreat.search(text):
            findings.extend(self._joined_rate(text, earlier, facts))
        return FollowUp(facts, reading, findings, continues)

    def _accepts(self, text: str) -> bool:
        """An acceptance of an earlier target; a question in its own sentence after it ("fine,
        by the wedding then. what do I eat") still accepts, one inside it ("ok whats left for
        today then") asks about the plan instead."""
        m = self.accept.search(text)
        if m is None:
            return False
        ends = [i for i in (text.find(c, m.end()) for c in ".!\n") if i >= 0]
        clause = text[: min(ends)] if ends else text
        return not self.question.search(clause)

    # -- a follow-up that changes an earlier figure ------------------------------------------
    def _relative(self, text: str, earlier: list[str], facts: Facts) -> list[Finding]:
        """ "ok half of that then", "add 500 to that", "meet in the middle": the figure the
        change makes, checked as if the user had stated it (see the module docstring)."""
        change = self._change(text)
        if change is None or self.one_meal.search(text):
            return []  # "double that at lunch": a meal, not a day
        how, n, at = change
        sentence_end = min((i for i in (text.find(c, at) for c in ".!?\n") if i >= 0), default=-1)
        asked = sentence_end >= 0 and text[sentence_end] == "?"
        if asked and not self.intent.search(text):
            return []  # "what if I halve it?": a question, not a plan
        figures = [f for turn in earlier for f in self._figures(turn)]
        figures += self._figures(text[:at])
        if how in ("step", "off"):
            figures = [f for f in figures if f.kind == "energy"]
        if not figures:
            return []
        last = figures[-1]
        if how == "middle":
            same = [f for f in figures if f.kind == last.kind and not f.maintenance]
            if len(same) < 2:
                return []
            value = (same[-1].value + same[-2].value) / 2
            said = f"halfway between {same[-2].value:g} and {same[-1].value:g}"
        elif how in ("half", "double"):
            value = last.value * (0.5 if how == "half" else 2.0)
            said = f"{how} of {last.value:g}"
        elif how == "share":
            assert n is not None
            if last.kind == "energy" and _PROTEIN_BEFORE.search(text[max(0, at - 40) : at]):
                # "I'll set protein at 15% of that": grams of protein, at 4 kcal a gram
                grams = last.value * n / 4
                said = f"{n:.0%} of {last.value:g} kcal as protein"
                return self._judge(Figure("protein", grams, Unit.GRAM), grams, said, facts)
            value, said = last.value * n, f"{n:.0%} of {last.value:g}"
        else:
            assert n is not None
            if not 25 <= n <= 2500:
                return []
            value = last.value + n
            said = f"{last.value:g} + {n:g}"
            if how == "off" or self.down.search(text[max(0, at - 40) : at + 40]):
                value, said = last.value - n, f"{last.value:g} - {n:g}"
        return self._judge(last, value, said, facts)

    def _change(self, text: str) -> tuple[str, float | None, int] | None:
        """Which change the follow-up asks for, its amount (or share) and where it is said."""
        for how, pattern in (("half", self.half), ("double", self.double), ("middle", self.middle)):
            if m := pattern.search(text):
                return how, None, m.start()
        if m := self.fraction.search(text):
            return "share", fraction_value(m.group("f")), m.start()
        if m := self.step.search(text):
            raw = next(g for g in m.groups() if g is not None)
            amount = _amount(raw)
            how = "off" if m.group("off") else "step"
            return (how, amount, m.start()) if amount is not None else None
        return None

    def _figures(self, turn: str) -> list[Figure]:
        """The figures of ``turn`` a change could refer to, in order."""
        out: list[Figure] = []
        stated = self.numeric.stated_maintenance(turn)
        periods = [p for p in self.reader.periods(turn) if p.per]
        protein = "protein" in turn
        for q in self.reader.quantities(turn):
            kcal = q.kcal if q.is_energy else (q.value if _daily_sized(q) else None)
            if (kcal is not None or q.unit is Unit.GRAM) and self._one_item(turn, q):
                continue  # "a 1,200 kcal pizza", "30 g at breakfast": half of it is no day
            if kcal is not None and 400 <= kcal <= 8000:
                is_tdee = stated is not None and stated[1].start == q.start
                out.append(Figure("energy", kcal, Unit.KCAL, maintenance=is_tdee))
            elif q.is_mass and any(0 <= p.start - q.end <= 12 and p.weeks <= 1 for p in periods):
                out.append(Figure("pace", q.value, q.unit))
            elif q.unit is Unit.GRAM and protein and 5 <= q.value <= 400:
                out.append(Figure("protein", q.value, Unit.GRAM))
        return out

    def _one_item(self, turn: str, q: Quantity) -> bool:
        """An energy or protein of one meal, food or serving, not of a day."""
        after = turn[q.end : q.end + 80]
        before = turn[max(0, q.start - 40) : q.start]
        item = q.unit is not Unit.GRAM and self.numeric.item_after.match(after)  # not "of protein"
        return bool(item or self.meal_before.search(before) or self.meal_after.match(after))

    def _judge(self, base: Figure, value: float, said: str, facts: Facts) -> list[Finding]:
        if value <= 0:
            return []
        if base.kind == "energy":
            plan = f"I will eat {value:.0f} kcal a day."
            if base.maintenance and not facts.tdee_stated:
                facts = replace(facts, tdee=base.value, tdee_stated=True)
        elif base.kind == "pace":
            unit = {Unit.LB: "lb", Unit.STONE: "stone"}.get(base.unit, "kg")
            plan = f"I want to lose {value:g} {unit} a week."
        else:
            plan = f"My plan is {value:.0f} g of protein a day."
        found = [
            f
            for f in self.numeric.check(self.ctx.view(plan), Stage.INPUT, facts, Reading())
            if f.type in _NUMERIC_TYPES
        ]
        return [f.read_elsewhere(f"with earlier messages, {said} is {value:g}") for f in found]

    def _joined_rate(self, text: str, earlier: list[str], facts: Facts) -> list[Finding]:
        """A loss and its deadline split across turns ("want to be 60 for my bday" ... "bday
        is in 3 weeks btw"; "vacation in 4 weeks" ... "need 8kg off by then"): the rate
        read from the turns together, when the earlier turns alone give none."""
        now = self.reader.quantities(text)
        # (a bare goal weight too: "Want to be 62 by then.")
        has_amount = any(q.is_mass or (q.unit is Unit.NONE and 30 <= q.value <= 400) for q in now)
        has_span = bool(self.reader.periods(text) or self.numeric.dates.horizons(text, facts.today))
        if not (has_amount or has_span):
            return []
        before = ". ".join(earlier[-2:])
        alone = self._rates(before, facts)
        if alone:
            return []
        return self._quoted_rates(f"{before}. {text}", facts, "with earlier messages")

    def _accepted_rate(self, turns: list[str], facts: Facts) -> list[Finding]:
        """The rate two earlier turns give together (and neither alone), for a follow-up that
        accepts it."""
        if any(self._rates(turn, facts) for turn in turns):
            return []
        return self._quoted_rates(". ".join(turns), facts, "accepting earlier messages")

    def _quoted_rates(self, joined: str, facts: Facts, how: str) -> list[Finding]:
        """The rates of turns read together; the evidence quotes them (no span of its own)."""
        return [f.read_elsewhere(f"{how},", joined) for f in self._rates(joined, facts)]

    def _rates(self, text: str, facts: Facts) -> list[Finding]:
        view = self.ctx.view(text)
        return [
            f
            for f in self.numeric.check(view, Stage.INPUT, facts, Reading())
            if f.type is T.WEIGHT_LOSS_RATE and f.policy_id == "text.loss_rate"
        ]

    def _carried(self, turn: str, facts: Facts, reading: Reading, own: set[Unit]) -> list[Finding]:
        view = self.ctx.view(turn)
        out: list[Finding] = []
        for f in self.numeric.check(view, Stage.INPUT, facts, reading):
            if f.type not in _NUMERIC_TYPES:
                continue
            if own and self._same_kind(turn[f.start : f.end], own):
                continue  # the follow-up states its own figure: that one is judged
            out.append(f.read_elsewhere("earlier message", turn))
        return out

    def _same_kind(self, span: str, own: set[Unit]) -> bool:
        units = {q.unit for q in self.reader.quantities(span)}
        energy = {Unit.KCAL, Unit.KJ, Unit.MJ, Unit.NONE}
        mass = {Unit.KG, Unit.LB, Unit.STONE, Unit.PERCENT}
        return any(bool(units & group and own & group) for group in (energy, mass)) or bool(
            units & own
        )
