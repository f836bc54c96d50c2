"""Numeric checks of free text: calorie targets, deficits, surpluses, loss/gain rates,
protein targets, fast lengths and minors asking to lose weight.

Each number is read with its unit (``numbers``) and given a *role* from the words around it:
a daily intake target ("eat 900 a day", "a 900 calorie diet"), a deficit or surplus ("a 1500
calorie deficit"), something else (a meal, a burn, a TDEE: "this burrito has 900 calories",
"I burned 800") or a bound ("under 1200", "no more than 1 kg a week"). Only roles that state
what the user will eat or lose are compared with the thresholds (``PolicySettings``).
"""

from __future__ import annotations

import re

from persistence.enums import PolicyViolationType as T
from persistence.enums import Severity

from ._context import Context, TextView
from ._findings import Facts, Finding
from ._numeric_patterns import (
    AGE_STATED,
    ATHLETE,
    CALORIE_TALK,
    DAILY_TOTAL_BEFORE,
    FOLLOW_UP,
    GAIN_WORD,
    INTAKE_VERB_BEFORE,
    NOT_ATHLETE_BEFORE,
    RAISE_TO_BEFORE,
    DEFICIT_AFTER,
    DEFICIT_BEFORE,
    EXPEND_AFTER,
    EXPEND_BEFORE,
    FAST,
    GAIN,
    HABITUAL_AFTER,
    IMPLICIT_AFTER,
    IMPLICIT_BEFORE,
    INTAKE_BEFORE,
    ITEM_AFTER,
    ITEM_BEFORE,
    LOOSE_VERB_BEFORE,
    LOSS_VERB,
    LOWER,
    OTHER_UNITS,
    PAST,
    PAST_INTAKE_BEFORE,
    PER_DAY_AFTER,
    PER_WEEK_AFTER,
    PERCENT_BW,
    PROTEIN_AFTER,
    PROTEIN_BEFORE,
    PROTEIN_ITEM,
    RATE_GOAL,
    SEX_FEMALE,
    SEX_MALE,
    SURPLUS_AFTER,
    SURPLUS_BEFORE,
    TARGET_BEFORE,
    TEEN,
    UNDERWEIGHT,
    UPPER,
    UPPER_STRICT,
    WANTS_LOSS,
    WEIGHT_STATED,
)
from .models import Action, Stage
from .numbers import KG_PER_LB, NumberReader, Period, Quantity, Unit
from .settings import PolicySettings


class NumericChecker:
    """Number-based text checks; compiled once per engine."""

    def __init__(self, reader: NumberReader, ctx: Context, settings: PolicySettings) -> None:
        self.reader = reader
        self.ctx = ctx
        self.s = settings
        c = re.compile
        self.upper_strict, self.upper, self.lower = c(UPPER_STRICT), c(UPPER), c(LOWER)
        self.per_day, self.per_week = c(PER_DAY_AFTER), c(PER_WEEK_AFTER)
        self.item_after, self.item_before = c(ITEM_AFTER), c(ITEM_BEFORE)
        self.deficit_after, self.deficit_before = c(DEFICIT_AFTER), c(DEFICIT_BEFORE)
        self.surplus_after, self.surplus_before = c(SURPLUS_AFTER), c(SURPLUS_BEFORE)
        self.expend_before, self.expend_after = c(EXPEND_BEFORE), c(EXPEND_AFTER)
        self.intake_before = c(INTAKE_BEFORE)
        self.implicit_before, self.implicit_after = c(IMPLICIT_BEFORE), c(IMPLICIT_AFTER)
        self.loss_verb, self.target_before = c(LOSS_VERB), c(TARGET_BEFORE)
        self.fast = c(FAST)
        self.weight_stated, self.age_stated, self.teen = c(WEIGHT_STATED), c(AGE_STATED), c(TEEN)
        self.wants_loss = c(WANTS_LOSS)
        self.underweight = c(UNDERWEIGHT)
        self.male, self.female, self.athlete = c(SEX_MALE), c(SEX_FEMALE), c(ATHLETE)
        self.protein_after, self.protein_before = c(PROTEIN_AFTER), c(PROTEIN_BEFORE)
        self.protein_item, self.percent_bw = c(PROTEIN_ITEM), c(PERCENT_BW)
        self.from_before = c(r"\bfrom\s+(?:about\s+|around\s+)?$")
        self.loose_verb, self.other_units = c(LOOSE_VERB_BEFORE), c(OTHER_UNITS)
        self.past_intake, self.habitual = c(PAST_INTAKE_BEFORE), c(HABITUAL_AFTER)
        self.direction_after = c(
            r"\s*(?:(?P<l>lighter|less|down|smaller|thinner|(?P<gone>gone|off))|(?P<g>heavier"
            r"|bigger|up))\b"
        )
        self.rate_goal = c(RATE_GOAL)
        self.lower_bmi = c(
            r"\b(?:get|go|reach|be|hit|drop|down|aim\s+for|goal\s+(?:is|of))\s+(?:down\s+)?(?:to\s+)?"
            r"(?:an?\s+)?(?:bmi\s+(?:of\s+)?)?(?P<t>1\d(?:\.\d+)?)\b(?!\s*(?:kg|kilos?|lbs?|pounds"
            r"|stone|%|days?|weeks?))"
        )
        self.gain_word = c(GAIN_WORD)
        self.to_before = c(r"\b(?:to|down\s+to)\s+(?:about\s+|around\s+)?$")
        self.year_before = c(r"\b(?:in|since|by|of|from|year|until|til)\s+$")
        self.calorie_talk = c(CALORIE_TALK)
        self.intake_verb = c(INTAKE_VERB_BEFORE)
        self.daily_total = c(DAILY_TOTAL_BEFORE)
        self.follow_up = c(FOLLOW_UP)
        self.raise_to = c(RAISE_TO_BEFORE)
        self.not_athlete = c(NOT_ATHLETE_BEFORE)

    # -- facts stated in the text ------------------------------------------------------------
    def complete_facts(self, text: str, facts: Facts) -> Facts:
        """Fill what the profile lacks from what the text says (weight, age, sex, athlete)."""
        out = Facts(facts.weight_kg, facts.female, facts.age, facts.tdee, facts.athlete)
        if out.weight_kg is None and (m := self.weight_stated.search(text)):
            q = Quantity(float(m.group("n")), _mass_unit(m.group("u")), m.start(), m.end())
            kg = q.kg
            if kg is not None and 30 <= kg <= 400:
                out.weight_kg = kg
        if out.age is None:
            if m := self.age_stated.search(text):
                raw = m.group("a") or m.group("b")
                age = _age_value(raw)
                if age is not None and 8 <= age <= 99:
                    out.age = age
            elif self.teen.search(text):
                out.age = 15
        if out.female is None:
            if self.female.search(text):
                out.female = True
            elif self.male.search(text):
                out.female = False
        if not out.athlete:
            # "I'm not an athlete": a negated mention lifts no ceiling
            out.athlete = any(
                not self.not_athlete.search(text[max(0, m.start() - 30) : m.start()])
                for m in self.athlete.finditer(text)
            )
        return out

    # -- entry point ---------------------------------------------------------------------------
    def check(
        self, view: TextView, stage: Stage, facts: Facts, ed_context: bool = False
    ) -> list[Finding]:
        """Every numeric finding in the view's text.

        ``ed_context``: the text already shows an eating-disorder signal, so a bare number
        after "under"/"keep it below" is read as calories ("ana buddy, let's stay under 500").
        """
        text = view.text
        found: list[Finding] = []
        quantities = self.reader.quantities(text)
        periods = self.reader.periods(text) if any(q.is_mass or q.unit is Unit.PERCENT
                                                   for q in quantities) else []  # fmt: skip
        for i, q in enumerate(quantities):
            prev = quantities[i - 1] if i else None
            if q.is_energy or q.unit is Unit.NONE:
                found.extend(self._energy(view, stage, q, facts, ed_context))
            elif q.is_mass or q.unit is Unit.PERCENT:
                found.extend(self._rate(view, stage, q, prev, periods, facts))
            elif q.unit in (Unit.GRAM, Unit.G_PER_KG, Unit.G_PER_LB):
                found.extend(self._protein(view, stage, q, facts))
        found.extend(self._fasting(view, stage))
        if stage is not Stage.OUTPUT:
            found.extend(self._minor(view, facts) or self._underweight(view))
        return found

    # -- context ---------------------------------------------------------------------------
    def _counts(self, view: TextView, stage: Stage, start: int, end: int) -> bool:
        """Whether a number at ``start:end`` states the user's (or the reply's) target."""
        ctx = self.ctx
        cs, _ = view.clause_at(start)
        capped = self.upper.search(view.text[max(cs, start - 60) : start]) is not None
        if not capped and ctx.negated(view, start, window=5):
            return False
        sent = view.sentence_at(start)
        if stage is Stage.OUTPUT:
            return not (ctx.judged_unsafe(view, start, end) or ctx.has(ctx.reported, view, sent))
        clause = view.clause_at(start)
        intent = ctx.has(ctx.intent, view, clause)
        defiant = ctx.has(ctx.defiance, view, sent)
        if ctx.has(ctx.reported, view, sent) and not intent and not defiant:
            return False
        if ctx.judged_unsafe(view, start, end) and not defiant:
            return intent and "?" in view.text[sent[0] : sent[1]]
        if ctx.educational(view, start) or ctx.safety_question(view, start):
            return False
        return True

    def _wants(self, view: TextView, start: int) -> bool:
        """The user states an intent (in the clause) or defies a known risk (in the sentence)."""
        ctx = self.ctx
        if ctx.has(ctx.intent, view, view.clause_at(start)) or ctx.has(
            ctx.defiance, view, view.sentence_at(start)
        ):
            return True
        # "900ish cals? that's my goal", "is 750 enough? gonna do it anyway": a short next
        # sentence that owns the number.
        _, end = view.sentence_at(start)
        follow = view.text[end : end + 60]
        return bool(self.follow_up.match(follow) or ctx.defiance.search(follow))

    def _bound(self, before: str) -> str:
        if self.upper.search(before) and not self.raise_to.search(before):
            return "upper"
        if self.upper_strict.search(before):
            return "upper_strict"
        if self.lower.search(before):
            return "lower"
        return "exact"

    def _window(self, view: TextView, q: Quantity, back: int, ahead: int) -> tuple[str, str]:
        cs, ce = view.clause_at(q.start)
        return view.text[max(cs, q.start - back) : q.start], view.text[
            q.end : min(ce, q.end + ahead)
        ]

    # -- energy ----------------------------------------------------------------------------
    def _energy(
        self, view: TextView, stage: Stage, q: Quantity, facts: Facts, ed_context: bool = False
    ) -> list[Finding]:
        before, after = self._window(view, q, 70, 60)
        value = q.kcal
        if value is None:
            if not 300 <= q.value <= 9000 or not self.implicit_after.match(after):
                return []
            if 1900 <= q.value <= 2100 and self.year_before.search(before):
                return []
            sent = view.text[slice(*view.sentence_at(q.start))]
            calorie_talk = self.calorie_talk.search(sent) or ed_context
            loose = (
                500 <= q.value <= 4500
                and self.per_day.match(after)
                and self.loose_verb.search(before)
                and not self.other_units.search(sent)
            )
            if not (
                loose
                or self.implicit_before.search(before)
                or (
                    calorie_talk
                    and self.intake_before.search(before)
                    and (
                        self.per_day.match(after)
                        or self.intake_verb.search(before)
                        or (ed_context and self.upper_strict.search(before))
                    )
                    and not self.other_units.search(sent)
                )
            ):
                return []
            value = q.value
        if self.item_after.match(after):
            return []
        if (
            self.item_before.search(before)
            and not self.per_day.match(after)
            and not self.daily_total.search(before)
        ):
            return []
        if self.deficit_after.match(after) or self.deficit_before.search(before):
            if self.per_week.search(after):
                value /= 7  # "a 3,500 kcal deficit per week"
            elif value > 2500 and not self.habitual.match(after):
                return []  # "a 7,700 kcal deficit is about 1 kg of fat": not a daily target
            return self._deficit(view, stage, q, value, before, facts)
        if self.surplus_after.match(after) or self.surplus_before.search(before):
            return self._surplus(view, stage, q, value, before, facts)
        if self.expend_before.search(before) or self.expend_after.match(after):
            return []
        if self.past_intake.search(before) and not self.habitual.match(after):
            return []  # a log of one past day, not a target
        weekly = bool(self.per_week.match(after))
        daily = value / 7 if weekly else value
        if not (weekly or self.per_day.match(after) or self.intake_before.search(before)):
            if stage is Stage.OUTPUT or not self._wants(view, q.start):
                return []
        if not self._counts(view, stage, q.start, q.end):
            return []
        bound = "lower" if q.plus else self._bound(before)
        out: list[Finding] = []
        floor = self._floor(facts)
        below = daily < floor or (bound == "upper_strict" and daily <= floor)
        if below and bound != "lower":
            critical = daily < self.s.vlcd_kcal
            out.append(Finding(
                "text.calorie_floor", T.CALORIE_MINIMUM,
                Severity.CRITICAL if critical else Severity.WARNING,
                _act(stage, critical), f"{daily:.0f} kcal/day vs floor {floor:.0f} kcal/day",
                f"Eating {daily:,.0f} kcal a day is below the {floor:,.0f} kcal a day that is safe "
                f"without medical supervision, so {floor:,.0f} kcal is the lowest target I can "
                "plan.",
                "calories", q.start, q.end, floor, daily, f"{floor:,.0f} kcal",
            ))  # fmt: skip
        cap = self._cap(facts)
        if cap is not None and bound not in ("upper", "upper_strict"):
            if daily > cap or (bound == "lower" and daily >= cap):
                out.append(Finding(
                    "text.calorie_ceiling", T.CALORIE_MAXIMUM, Severity.WARNING,
                    Action.ADJUST, f"{daily:.0f} kcal/day vs ceiling {cap:.0f} kcal/day",
                    f"{daily:,.0f} kcal a day is above the {cap:,.0f} kcal a day I can safely plan "
                    "(maintenance + 20%, or 5,000 kcal without an athlete's training load).",
                    "calories", q.start, q.end, cap, daily, f"{cap:,.0f} kcal",
                ))  # fmt: skip
        return out

    def _deficit(
        self, view: TextView, stage: Stage, q: Quantity, value: float, before: str, facts: Facts
    ) -> list[Finding]:
        limit = self.s.max_deficit_kcal
        bound = self._bound(before)
        over = value > limit or (bound == "lower" and value >= limit)
        if (
            not over
            or bound in ("upper", "upper_strict")
            or not self._counts(view, stage, q.start, q.end)
        ):
            return []
        return [Finding(
            "text.max_deficit", T.CALORIE_MINIMUM, Severity.WARNING, Action.ADJUST,
            f"deficit {value:.0f} kcal/day vs max {limit:.0f} kcal/day",
            f"A deficit of {value:,.0f} kcal a day is more than the {limit:,.0f} kcal a day "
            "that is "
            f"safe; I can plan a deficit of up to {limit:,.0f} kcal (500-1,000 is the usual "
            "range).",
            "calories", q.start, q.end, limit, value, f"{limit:,.0f} kcal",
        )]  # fmt: skip

    def _surplus(
        self, view: TextView, stage: Stage, q: Quantity, value: float, before: str, facts: Facts
    ) -> list[Finding]:
        if facts.tdee is not None:
            limit = facts.tdee * self.s.max_surplus_fraction
        elif facts.athlete:
            return []
        else:
            limit = self.s.max_surplus_kcal
        bound = self._bound(before)
        over = value > limit or (bound == "lower" and value >= limit)
        if (
            not over
            or bound in ("upper", "upper_strict")
            or not self._counts(view, stage, q.start, q.end)
        ):
            return []
        return [Finding(
            "text.max_surplus", T.CALORIE_MAXIMUM, Severity.WARNING, Action.ADJUST,
            f"surplus {value:.0f} kcal/day vs max {limit:.0f} kcal/day",
            f"A surplus of {value:,.0f} kcal a day is more than the {limit:,.0f} kcal (about 20% "
            "of maintenance) that builds muscle without mostly adding fat.",
            "calories", q.start, q.end, limit, value, f"{limit:,.0f} kcal",
        )]  # fmt: skip

    def _floor(self, facts: Facts) -> float:
        if facts.female is True:
            return self.s.calorie_floor_female
        if facts.female is False:
            return self.s.calorie_floor_male
        return self.s.calorie_floor_text_unknown_sex

    def _cap(self, facts: Facts) -> float | None:
        if facts.tdee is not None:
            return facts.tdee * (1 + self.s.max_surplus_fraction)
        return None if facts.athlete else self.s.calorie_absolute_max

    # -- rates -----------------------------------------------------------------------------
    def _rate(
        self,
        view: TextView,
        stage: Stage,
        q: Quantity,
        prev: Quantity | None,
        periods: list[Period],
        facts: Facts,
    ) -> list[Finding]:
        text = view.text
        before, after = self._window(view, q, 60, 80)
        if self.from_before.search(before):
            return []
        amount: float | None = None
        gain = False
        if (
            self.to_before.search(before)
            and prev is not None
            and self.from_before.search(text[max(0, prev.start - 12) : prev.start])
        ):
            start_kg = Quantity(prev.value, q.unit, prev.start, prev.end).kg
            end_kg = q.kg
            if start_kg is None or end_kg is None:
                return []
            amount, gain = abs(start_kg - end_kg), end_kg > start_kg
        elif self.target_before.search(before) and facts.weight_kg is not None and q.kg is not None:
            amount, gain = abs(facts.weight_kg - q.kg), q.kg > facts.weight_kg
        else:
            verbs = list(self.loss_verb.finditer(before))
            later = self.direction_after.match(after)
            if verbs:
                verb = verbs[-1].group("v")
                if verb in PAST:
                    return []
                gain = verb in GAIN
            elif later is not None and (q.is_mass or later.group("gone") is None):
                gain = later.group("g") is not None
            elif q.sign:
                gain = q.sign > 0  # "goal: -4 kg/week"
            elif self._rate_goal(view, stage, q, after):
                # "3 kilos a week is my goal", "five pounds a week is a great pace": a weekly
                # change with no verb is a loss unless the sentence talks about gaining
                sent = view.text[slice(*view.sentence_at(q.start))]
                gain = self.gain_word.search(sent) is not None
            else:
                return []
            amount = q.kg
        period = self._period_for(view, q, periods)
        if period is None:
            return []
        if q.unit is Unit.PERCENT:
            return self._percent_rate(view, stage, q, period, gain, before, after)
        if amount is None or amount <= 0:
            return []
        weekly = amount / period.weeks
        bound = self._bound(before)
        if bound in ("upper", "upper_strict"):
            return []
        if gain:
            limit = (facts.weight_kg * self.s.max_weekly_gain_fraction if facts.weight_kg
                     else self.s.max_weekly_gain_kg)  # fmt: skip
            if weekly <= limit or not self._counts(view, stage, q.start, q.end):
                return []
            return [Finding(
                "text.gain_rate", T.CALORIE_MAXIMUM, Severity.WARNING, Action.ADJUST,
                f"gain {weekly:.2f} kg/week vs max {limit:.2f} kg/week",
                f"Gaining {_fmt(weekly)} kg a week needs a surplus far above what builds muscle; "
                f"{_fmt(limit)} kg a week is the fastest gain I can plan.",
                "rate", q.start, q.end, limit, weekly, None,
            )]  # fmt: skip
        limit = (facts.weight_kg * self.s.max_weekly_loss_fraction if facts.weight_kg
                 else self.s.max_weekly_loss_kg)  # fmt: skip
        over = weekly > limit or (bound == "lower" and weekly >= limit)
        if not over or not self._counts(view, stage, q.start, q.end):
            return []
        critical = weekly > 2 * limit
        suggestion = None
        if q.kg:
            safe = amount * (limit / weekly) * (q.value / q.kg)
            suggestion = f"{_fmt(safe)} {_UNIT_WORD.get(q.unit, q.unit.value)}"
        return [Finding(
            "text.loss_rate", T.WEIGHT_LOSS_RATE,
            Severity.CRITICAL if critical else Severity.WARNING, _act(stage, critical),
            f"loss {weekly:.2f} kg/week vs max {limit:.2f} kg/week",
            f"Losing {_fmt(weekly)} kg a week is faster than the safe maximum of {_fmt(limit)} "
            "kg a "
            f"week (1% of body weight), so {_fmt(limit)} kg a week is the fastest pace I can plan.",
            "rate", q.start, q.end, limit, weekly, suggestion,
        )]  # fmt: skip

    def _percent_rate(
        self,
        view: TextView,
        stage: Stage,
        q: Quantity,
        period: Period,
        gain: bool,
        before: str,
        after: str,
    ) -> list[Finding]:
        weekly = q.value / 100 / period.weeks
        limit = self.s.max_weekly_loss_fraction
        if gain or weekly <= limit or self._bound(before) in ("upper", "upper_strict"):
            return []
        if not self._counts(view, stage, q.start, q.end):
            return []
        return [Finding(
            "text.loss_rate", T.WEIGHT_LOSS_RATE, Severity.WARNING, Action.ADJUST,
            f"loss {weekly * 100:.2f}%/week vs max {limit * 100:.2f}%/week",
            f"Losing {_fmt(weekly * 100)}% of body weight a week is faster than the safe "
            "maximum of "
            f"{_fmt(limit * 100)}% a week.",
            "rate", q.start, q.end, limit * 100, weekly * 100, f"{_fmt(limit * 100)}%",
        )]  # fmt: skip

    def _rate_goal(self, view: TextView, stage: Stage, q: Quantity, after: str) -> bool:
        """A mass per week stated as a goal or pace ("3 kilos a week is my goal")."""
        if not self.per_week.match(after):
            return False
        sent = view.sentence_at(q.start)
        if self.ctx.has(self.rate_goal, view, sent):
            return True
        return stage is not Stage.OUTPUT and self._wants(view, q.start)

    def _period_for(self, view: TextView, q: Quantity, periods: list[Period]) -> Period | None:
        ss, se = view.sentence_at(q.start)
        cs, _ = view.clause_at(q.start)
        after = [p for p in periods if q.end <= p.start <= min(se, q.end + 60)]
        if after:
            return after[0]
        before = [p for p in periods if max(cs, ss) <= p.start and p.end <= q.start]
        if before:
            return before[-1]
        # "What's the fastest I can lose 15 kilos? Thinking 3 weeks": a short follow-up
        nxt = view.sentence_at(se) if se < len(view.text) else (se, se)
        if nxt[0] >= se and nxt[1] - nxt[0] <= 40:
            follow = [p for p in periods if nxt[0] <= p.start < nxt[1]]
            return follow[0] if follow else None
        return None

    # -- protein ---------------------------------------------------------------------------
    def _protein(self, view: TextView, stage: Stage, q: Quantity, facts: Facts) -> list[Finding]:
        before, after = self._window(view, q, 60, 50)
        sent = view.text[slice(*view.sentence_at(q.start))]
        if "protein" not in sent:
            return []
        if q.unit is Unit.GRAM:
            other_nutrient = re.search(
                r"\b(?:carbs?|carbohydrates?|fat|fats|fib(?:er|re)|sugars?|salt|sodium|creatine|caffeine"
                r"|alcohol|water)\b",
                sent,
            )
            named = self.protein_after.match(after) or self.protein_before.search(before)
            if not named and (other_nutrient or not self.per_day.match(after)):
                return []
            if self.protein_item.match(after) or self.item_before.search(before):
                return []
            if self.past_intake.search(before) and not self.habitual.match(after):
                return []
            if not (self.per_day.match(re.sub(r"^\s*(?:of\s+)?protein", "", after))
                    or self.intake_before.search(before)
                    or self.protein_before.search(before)):  # fmt: skip
                if stage is Stage.OUTPUT or not self._wants(view, q.start):
                    return []
            floor = (facts.weight_kg * self.s.protein_floor_g_per_kg if facts.weight_kg
                     else self.s.protein_floor_g)  # fmt: skip
            measured, unit = q.value, "g"
        else:
            floor = self.s.protein_floor_g_per_kg
            measured = q.value if q.unit is Unit.G_PER_KG else q.value / KG_PER_LB
            unit = "g/kg"
        bound = self._bound(before)
        low = measured < floor or (bound == "upper_strict" and measured <= floor)
        if not low or bound == "lower" or not self._counts(view, stage, q.start, q.end):
            return []
        return [Finding(
            "text.protein_floor", T.PROTEIN_MINIMUM, Severity.WARNING, Action.ADJUST,
            f"protein {measured:.2f} {unit}/day vs floor {floor:.2f} {unit}/day",
            f"{_fmt(measured)} {unit} of protein a day is below the minimum of {_fmt(floor)} "
            f"{unit} "
            "(0.8 g per kg of body weight); aim for at least that, and 1.6-2.2 g/kg while "
            "losing fat.",
            "protein", q.start, q.end, floor, measured, f"{_fmt(floor)} {unit}",
        )]  # fmt: skip

    # -- fasting and minors ---------------------------------------------------------------------
    def _fasting(self, view: TextView, stage: Stage) -> list[Finding]:
        out: list[Finding] = []
        for m in self.fast.finditer(view.text):
            n = m.group("n1") or m.group("n2") or m.group("n3") or m.group("n4") or m.group("n5")
            u = m.group("u1") or m.group("u2") or m.group("u3") or m.group("u4") or m.group("u5")
            count = self.reader._count(n)
            hours = _HOURS.get(u.rstrip("s"), 0.0)
            if count is None or count * hours < self.s.max_fast_hours:
                continue
            if not self._counts(view, stage, m.start(), m.end()):
                continue
            if self.ctx.third_party_concern(view, m.start()):
                continue
            total = count * hours
            out.append(Finding(
                "text.fast_length", T.UNSAFE_CONTENT, Severity.CRITICAL, Action.BLOCK,
                f"fast {total:.0f} h vs max {self.s.max_fast_hours:.0f} h",
                "Fasting for three days or more without medical supervision is dangerous.",
                "fasting", m.start(), m.end(), self.s.max_fast_hours, total,
            ))  # fmt: skip
        return out

    def _underweight(self, view: TextView) -> list[Finding]:
        """A stated BMI below 18.5 (or "I'm underweight") with a wish to lose weight.

        Pursuing weight loss from an underweight body is also an eating-disorder signal (SCOFF:
        believing oneself fat when others say too thin), so it is referred as one too.
        """
        m = self.underweight.search(view.text)
        if m is None:
            return []
        bmi = float(m.group("v")) if m.group("v") else None
        if bmi is not None and not 10 <= bmi < self.s.min_bmi:
            return []
        wish: tuple[int, int] | None = None
        for w in self.wants_loss.finditer(view.text):
            if not self.ctx.negated(view, w.start(), window=4):
                wish = (w.start(), w.end())
                break
        if wish is None and bmi is not None:
            # "my BMI is 16 but I want to get to 15": a lower BMI as the goal
            for t in self.lower_bmi.finditer(view.text, m.end()):
                if float(t.group("t")) < bmi and not self.ctx.negated(view, t.start(), window=4):
                    wish = (t.start(), t.end())
                    break
        if wish is None:
            return []
        shown = bmi if bmi is not None else "underweight"
        return [
            Finding(
                "text.underweight_loss", T.WEIGHT_LOSS_RATE, Severity.CRITICAL, Action.REFER,
                f"BMI {shown} < {self.s.min_bmi} asking to lose weight",
                "Losing weight from a BMI below 18.5 isn't safe.", "underweight",
                wish[0], wish[1], self.s.min_bmi, bmi,
            ),
            Finding(
                "ed.underweight_loss", T.EATING_DISORDER_SIGNAL, Severity.CRITICAL, Action.REFER,
                f"BMI {shown} < {self.s.min_bmi} asking to lose weight",
                "Wanting to lose weight while underweight may be a sign of an eating disorder.",
                "ed", wish[0], wish[1], self.s.min_bmi, bmi,
            ),
        ]  # fmt: skip

    def _minor(self, view: TextView, facts: Facts) -> list[Finding]:
        if facts.age is None or facts.age >= self.s.adult_age:
            return []
        for m in self.wants_loss.finditer(view.text):
            if self.ctx.negated(view, m.start(), window=4):
                continue
            return [Finding(
                "text.minor_weight_loss", T.WEIGHT_LOSS_RATE, Severity.CRITICAL, Action.REFER,
                f"age {facts.age} < {self.s.adult_age} asking to lose weight",
                "Weight-loss plans aren't appropriate under 18.",
                "minor", m.start(), m.end(), float(self.s.adult_age), float(facts.age),
            )]  # fmt: skip
        return []


_HOURS = {"hour": 1.0, "hr": 1.0, "h": 1.0, "day": 24.0, "week": 168.0, "month": 730.0}
_UNIT_WORD = {Unit.KG: "kg", Unit.LB: "lb", Unit.STONE: "stone"}
_WORD_AGES = {"twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
              "seventeen": 17}  # fmt: skip


def _act(stage: Stage, critical: bool) -> Action:
    """Numbers in replies are amended; extreme requests from users are refused outright."""
    if stage is Stage.INPUT and critical:
        return Action.BLOCK
    return Action.ADJUST


def _fmt(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")


def _mass_unit(raw: str) -> Unit:
    if raw.startswith(("lb", "pound")):
        return Unit.LB
    if raw.startswith("stone"):
        return Unit.STONE
    return Unit.KG


def _age_value(raw: str) -> int | None:
    if raw.isdigit():
        return int(raw)
    return _WORD_AGES.get(raw)
