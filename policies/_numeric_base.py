"""Shared state of the numeric text checks: compiled patterns, the thresholds, and the
context tests that decide whether a number states the user's own target (``_counts``)."""

from __future__ import annotations

import re

from ._context import Context, TextView
from ._findings import Facts
from ._framing import Framing
from ._numeric_patterns import (
    AGE_STATED,
    ATHLETE,
    CALORIE_TALK,
    CUT_BY_BEFORE,
    DAILY_BEFORE,
    DAILY_CAP_AFTER,
    DAILY_TOTAL_BEFORE,
    DEFICIT_AFTER,
    DEFICIT_BEFORE,
    EXPEND_AFTER,
    EXPEND_BEFORE,
    FAST,
    FOLLOW_UP,
    FRACTION_OF_NEEDS,
    GAIN_WORD,
    HABITUAL_AFTER,
    IMPLICIT_AFTER,
    IMPLICIT_BEFORE,
    INTAKE_BEFORE,
    INTAKE_VERB_BEFORE,
    ITEM_AFTER,
    ITEM_BEFORE,
    LOOSE_VERB_BEFORE,
    LOSS_VERB,
    LOWER,
    NOT_ATHLETE_BEFORE,
    OTHER_UNITS,
    PAST_INTAKE_BEFORE,
    PER_DAY_AFTER,
    PER_DAY_LATER,
    PER_WEEK_AFTER,
    PERCENT_BW,
    PLAN_AFTER,
    PROTEIN_AFTER,
    PROTEIN_BEFORE,
    PROTEIN_ITEM,
    RAISE_TO_BEFORE,
    RATE_GOAL,
    SEX_FEMALE,
    SEX_MALE,
    SOLE_INTAKE_BEFORE,
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
from .numbers import NumberReader, Quantity, Unit
from .settings import PolicySettings


class NumericBase:
    """Compiled patterns and context helpers shared by the numeric checks."""

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
        self.from_after = c(r"\s+from\s+(?:about\s+|around\s+)?(?P<n>\d+(?:\.\d+)?)")
        self.loose_verb, self.other_units = c(LOOSE_VERB_BEFORE), c(OTHER_UNITS)
        self.past_intake, self.habitual = c(PAST_INTAKE_BEFORE), c(HABITUAL_AFTER)
        self.direction_after = c(
            r"\s*(?:(?P<l>lighter|less|down|smaller|thinner|of\s+(?:weight\s+|fat\s+)?loss"
            r"|(?P<gone>gone|off))|(?P<g>heavier|bigger|up|of\s+(?:weight\s+)?gain))\b"
        )
        self.rate_goal = c(RATE_GOAL)
        self.state_before = c(
            r"\b(?:im|i\s+am|i\s+m|ive\s+been|been|already|were|we\s+re|weve\s+been)\s+$"
        )
        self.lower_bmi = c(
            r"\b(?:get|go|reach|be|hit|drop|down|aim\s+for|goal\s+(?:is|of))\s+(?:down\s+)?(?:to\s+)?"
            r"(?:an?\s+)?(?:bmi\s+(?:of\s+)?)?(?P<t>1\d(?:\.\d+)?)\b(?!\s*(?:kg|kilos?|lbs?|pounds"
            r"|stone|%|days?|weeks?))"
        )
        self.gain_word = c(GAIN_WORD)
        self.horizon_after = c(
            r"\s*(?:in|within|by|over\s+the\s+next)\s+(?:\w+\s+)?(?:days?|weeks?|months?|fortnight"
            r"|friday|saturday|sunday|monday|tuesday|wednesday|thursday|weekend|tomorrow)\b"
        )
        self.request = c(
            r"\b(?:go|plan|how|help|possible|doable|can\s+i|could\s+i|want|need|diet|program|make\s+me"
            r"|get\s+me|give\s+me|lets|target|goal)\b"
        )
        self.to_before = c(r"\b(?:to|down\s+to)\s+(?:about\s+|around\s+)?$")
        self.year_before = c(r"\b(?:in|since|by|of|from|year|until|til)\s+$")
        self.calorie_talk = c(CALORIE_TALK)
        self.intake_verb = c(INTAKE_VERB_BEFORE)
        self.daily_total = c(DAILY_TOTAL_BEFORE)
        self.follow_up = c(FOLLOW_UP)
        self.daily_cap = c(DAILY_CAP_AFTER)
        self.plan_after, self.sole_before = c(PLAN_AFTER), c(SOLE_INTAKE_BEFORE)
        self.meal_context = c(
            r"\b(?:breakfast|lunch|dinner|snack|meal(?!\s+plan)|shake|smoothie|bar|serving|scoop|recipe"
            r"|sandwich|bowl|salad|wrap|burrito|per\s+meal)\b"
        )
        self.cut_by = c(CUT_BY_BEFORE)
        self.daily_before = c(DAILY_BEFORE)
        self.per_day_later = c(PER_DAY_LATER)
        self.fraction = c(FRACTION_OF_NEEDS)
        self.raise_to = c(RAISE_TO_BEFORE)
        self.not_athlete = c(NOT_ATHLETE_BEFORE)
        self.framing = Framing()

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
            # A report of the user's own data ("you averaged 950 kcal a day over the last 28
            # days") is shown as it is: amending it would falsify it.
            return not (
                ctx.judged_unsafe(view, start, end)
                or ctx.has(ctx.reported, view, sent)
                or self.framing.observed(view, start, end)
            )
        if ctx.third_party_concern(view, start):
            return False  # "my friend eats 800 a day and I'm worried"
        clause = view.clause_at(start)
        intent = ctx.has(ctx.intent, view, clause)
        defiant = ctx.has(ctx.defiance, view, sent)
        if ctx.has(ctx.reported, view, sent) and not intent and not defiant:
            return False
        if ctx.judged_unsafe(view, start, end) and not defiant:
            return intent and "?" in view.text[sent[0] : sent[1]]
        if ctx.educational(view, start) or ctx.safety_question(view, start):
            # "1000 kcal is fine, right? That's what I'm doing": the next sentence owns it
            _, end_ = view.sentence_at(start)
            return bool(self.follow_up.match(view.text, end_, end_ + 60))
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


_FRACTIONS = {"half": 0.5, "a third": 1 / 3, "a quarter": 0.25, "a fifth": 0.2,
              "two thirds": 2 / 3}  # fmt: skip
_FAST_N = ("n1", "n2", "n3", "n4", "n5", "n6")
_FAST_U = ("u1", "u2", "u3", "u4", "u5", "u6")
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
