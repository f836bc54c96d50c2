"""Shared state of the numeric text checks: compiled patterns, the thresholds, and the
context tests that decide whether a number states the user's own target (``_counts``)."""

from __future__ import annotations

import dataclasses
import re

from persistence.enums import PolicyViolationType as T
from persistence.enums import Severity

from .._context import Context, TextView
from .._findings import Facts, Finding
from .._framing import Framing
from ..models import Action, Stage
from ..rules import load_table
from ..settings import PolicySettings
from .dates import DateReader
from .days import DayItems
from .foods import FoodEnergy
from .reader import NumberReader, Quantity, Unit


class NumericBase:
    """Compiled patterns and context helpers shared by the numeric checks."""

    def __init__(self, reader: NumberReader, ctx: Context, settings: PolicySettings) -> None:
        self.reader = reader
        self.ctx = ctx
        self.s = settings
        t = load_table("numeric")
        self.past_verbs, self.gain_verbs = t.words("past"), t.words("gain")
        self.upper_strict, self.upper, self.lower = (
            t.compile("upper_strict"),
            t.compile("upper"),
            t.compile("lower"),
        )
        self.per_day, self.per_week = t.compile("per_day_after"), t.compile("per_week_after")
        self.per_week_before = t.compile("per_week_before")
        self.sized_role_before = t.compile("sized_role_before")
        self.item_after, self.item_before = t.compile("item_after"), t.compile("item_before")
        self.pro_set = t.compile("pro_set")
        self.contrast = t.compile("contrast")
        self.energy_share_after = t.compile("energy_share_after")
        self.percent_weight_said = t.compile("percent_weight_said")
        self.percent_energy_said = t.compile("percent_energy_said")
        self.percent_weight_verb = t.compile("percent_weight_verb")
        self.since_before = t.compile("since_before")
        self.increase_before = t.compile("increase_before")
        self.reduction_before = t.compile("reduction_before")
        self.animal_eater = t.compile("animal_eater")
        self.own_eating = t.compile("own_eating")
        self.maintenance_sum_after = t.compile("maintenance_sum_after")
        self.total_after = t.compile("total_after")
        self.week_said = t.compile("week_said")
        self.day_kind = t.compile("day_kind")
        self.worked_eat_lead = t.compile("worked_eat_lead")
        self.reduction_off_after = t.compile("reduction_off_after")
        self.mass_amount = t.compile("mass_amount")
        self.conversion = t.compile("conversion")
        self.bargain_before = t.compile("bargain_before")
        self.daily_sized_before = t.compile("daily_sized_before")
        self.pro_supervised = t.compile("pro_supervised")
        self.dismissed_before = t.compile("dismissed_before")
        self.dismissed_after = t.compile("dismissed_after")
        self.denied_after = t.compile("denied_after")
        self.card_label = t.compile("card_label_before")
        self.fast_day_label = t.compile("fast_day_label_before")
        self.raised_from_before = t.compile("raised_from_before")
        self.raised_from_after = t.compile("raised_from_after")
        self.onto_needs_after = t.compile("onto_needs_after")
        self.other_amount, self.number_before = (
            t.compile("other_amount"),
            t.compile("number_before"),
        )
        self.goal_label, self.share_of = t.compile("goal_label"), t.compile("share_of")
        self.deficit_after, self.deficit_before = (
            t.compile("deficit_after"),
            t.compile("deficit_before"),
        )
        self.surplus_after, self.surplus_before = (
            t.compile("surplus_after"),
            t.compile("surplus_before"),
        )
        self.expend_before, self.expend_after = (
            t.compile("expend_before"),
            t.compile("expend_after"),
        )
        self.intake_before = t.compile("intake_before")
        self.implicit_before, self.implicit_after = (
            t.compile("implicit_before"),
            t.compile("implicit_after"),
        )
        self.loss_verb, self.target_before = t.compile("loss_verb"), t.compile("target_before")
        self.target_verb_after = t.compile("target_verb_after")
        self.target_wish_before = t.compile("target_wish_before")
        self.goal_deadline_after = t.compile("goal_deadline_after")
        self.weekday_range_before = t.compile("weekday_range_before")
        self.split_before = t.compile("split_before")
        self.more_foreign_after = t.compile("more_foreign_after")
        self.fast = t.compile("fast")
        self.weight_stated, self.age_stated, self.teen = (
            t.compile("weight_stated"),
            t.compile("age_stated"),
            t.compile("teen"),
        )
        self.wants_loss = t.compile("wants_loss")
        self.underweight = t.compile("underweight")
        self.height_stated = t.compile("height_stated")
        self.continue_pace = t.compile("continue_pace")
        self.total_on_line = t.compile("total_on_line_before")
        self.share_of_protein = t.compile("share_of_protein_after")
        self.role_word_after = t.compile("role_word_after")
        self.daily_burn = t.compile("daily_burn")
        self.target_weight = t.compile("target_weight")
        self.male, self.female, self.athlete = (
            t.compile("sex_male"),
            t.compile("sex_female"),
            t.compile("athlete"),
        )
        self.protein_after, self.protein_before = (
            t.compile("protein_after"),
            t.compile("protein_before"),
        )
        self.protein_item, self.percent_bw = t.compile("protein_item"), t.compile("percent_bw")
        self.from_before = t.compile("from_before")
        self.from_after = t.compile("from_after")
        self.loose_verb, self.other_units = t.compile("loose_verb_before"), t.compile("other_units")
        self.past_intake, self.habitual = (
            t.compile("past_intake_before"),
            t.compile("habitual_after"),
        )
        self.direction_after = t.compile("direction_after")
        self.rate_goal = t.compile("rate_goal")
        self.day_target_before = t.compile("day_target_before")
        self.threshold_after = t.compile("threshold_after")
        self.threshold_before = t.compile("threshold_before")
        self.losing_at = t.compile("losing_at")
        self.long_past = t.compile("long_past_before")
        self.phase_before = t.compile("phase_before")
        self.phase_start = t.compile("phase_start")
        self.weight_share_after = t.compile("weight_share_after")
        self.day_target_after = t.compile("day_target_after")
        self.body_weight_before = t.compile("body_weight_before")
        self.pace_weighed = t.compile("pace_weighed")
        self.state_before = t.compile("state_before")
        self.lower_bmi = t.compile("lower_bmi")
        self.gain_word = t.compile("gain_word")
        self.horizon_after = t.compile("horizon_after")
        self.request = t.compile("request")
        self.answered_yes = t.compile("answered_yes")
        self.to_before = t.compile("to_before")
        self.year_before = t.compile("year_before")
        self.calorie_talk = t.compile("calorie_talk")
        self.intake_verb = t.compile("intake_verb_before")
        self.daily_total = t.compile("daily_total_before")
        self.follow_up = t.compile("follow_up")
        self.go_ahead = t.compile("go_ahead")
        self.kept_at_before = t.compile("kept_at_before")
        self.line_slot = t.compile("line_slot")
        self.items_under_before = t.compile("items_under_before")
        self.arrow_from_before = t.compile("arrow_from_before")
        self.reported_change = t.compile("reported_change")
        self.start_weight_after = t.compile("start_weight_after")
        self.protein_other_mass = t.compile("protein_other_mass")
        self.goal_mass, self.lean_mass = t.compile("goal_mass"), t.compile("lean_mass")
        self.training_day = t.compile("training_day")
        self.day_total_after = t.compile("day_total_after")
        self.weekly_protein_before = t.compile("weekly_protein_before")
        self.percent_of_base = t.compile("percent_of_base")
        self.doable_after = t.compile("doable_after")
        self.day_kind_after = t.compile("day_kind_after")
        self.too_much_after = t.compile("too_much_after")
        self.daily_cap = t.compile("daily_cap_after")
        self.plan_after, self.sole_before = t.compile("plan_after"), t.compile("sole_intake_before")
        self.meal_context = t.compile("meal_context")
        self.cut_by = t.compile("cut_by_before")
        self.daily_before = t.compile("daily_before")
        self.per_day_later = t.compile("per_day_later")
        self.fraction = t.compile("fraction_of_needs")
        self.share_of_that = t.compile("share_of_that")
        self.worked_intake = t.compile("worked_intake")
        self.bmr_word, self.bmr_minus_after, self.bmr_value_after = (
            t.compile("bmr_word"),
            t.compile("bmr_minus_after"),
            t.compile("bmr_value_after"),
        )
        self.percent_cut = t.compile("percent_cut")
        self.worked_factor = t.compile("worked_factor")
        self.counted_meals = t.compile("counted_meals")
        self.added_on_top = t.compile("added_on_top")
        self.stated_factor = t.compile("stated_factor")
        self.per_month = t.compile("per_month_after")
        self.body_fat = t.compile("body_fat")
        self.current_intake = t.compile("current_intake")
        self.maintenance_add = t.compile("maintenance_add")
        self.maintenance_off = t.compile("maintenance_off")
        self.add_anchor = t.compile("add_anchor")
        self.percent_more = t.compile("percent_more")
        self.times_that = t.compile("times_that")
        self.half_that = t.compile("half_that")
        self.amount_less = t.compile("amount_less")
        self.amount_more = t.compile("amount_more")
        self.item_protein = t.compile("item_protein")
        self.protein_day = t.compile("protein_day")
        self.bulk_talk = t.compile("bulk_talk")
        self.worked_result = t.compile("worked_result_after")
        self.worked_weighed = t.compile("worked_weighed_after")
        self.raise_to = t.compile("raise_to_before")
        self.not_athlete = t.compile("not_athlete_before")
        self.training_hours = t.compile("training_hours")
        self.maintenance_word = t.compile("maintenance_word")
        self.maintenance_gap_after = t.compile("maintenance_gap_after")
        self.maintenance_gap_before = t.compile("maintenance_gap_before")
        self.percent_surplus_after = t.compile("percent_surplus_after")
        self.percent_surplus_before = t.compile("percent_surplus_before")
        self.percent_more_after = t.compile("percent_more_after")
        self.not_food = t.compile("not_food_before")
        self.advice_before, self.advice_after = (
            t.compile("advice_before"),
            t.compile("advice_after"),
        )
        self.agreed_before = t.compile("agreed_before")
        self.own_number_after = t.compile("own_number_after")
        self.plan_line = t.compile("plan_line_before")
        self.repeat = t.compile("repeat_request")
        self.repeat_declined = t.compile("repeat_declined_before")
        self.sum_term_before = t.compile("sum_term_before")
        self.sum_term_after = t.compile("sum_term_after")
        self.medicine_near = t.compile("medicine_near")
        self.grams_per_mass_after = t.compile("grams_per_mass_after")
        self.meal_slot_before, self.meal_slot_after = (
            t.compile("meal_slot_before"),
            t.compile("meal_slot_after"),
        )
        self.macros = (
            t.compile("macro_protein"),
            t.compile("macro_carbs"),
            t.compile("macro_fat"),
        )
        self.meal_kinds = (
            t.compile("meal_breakfast"),
            t.compile("meal_lunch"),
            t.compile("meal_dinner"),
        )
        # The same names anywhere in a text: a cheap test before reading a whole reply.
        self.meal_kind_words = tuple(
            re.compile(rf"\b{kind.pattern.removeprefix('^').removesuffix('$')}\b", kind.flags)
            for kind in self.meal_kinds
        )
        self.meal_day_whole, self.meal_day_intent = (
            t.compile("meal_day_whole"),
            t.compile("meal_day_intent"),
        )
        self.item_day_whole, self.item_day_partial = (
            t.compile("item_day_whole"),
            t.compile("item_day_partial"),
        )
        self.item_day_unplanned = t.compile("item_day_unplanned")
        self.item_day_only = t.compile("item_day_only")
        self.item_day_past, self.item_day_repeat, self.item_day_other = (
            t.compile("item_day_past"),
            t.compile("item_day_repeat"),
            t.compile("item_day_other"),
        )
        self.snack_word, self._item_figures = t.compile("snack_word"), t.compile("item_figures")
        self.protein_target, self.food_choice = (
            t.compile("protein_target"),
            t.compile("food_choice"),
        )
        self.non_food_unit, self.small_surplus = (
            t.compile("non_food_unit"),
            t.compile("small_surplus"),
        )
        self.energy_word = t.compile("energy_word")
        self.day_items = DayItems()
        self.foods = FoodEnergy()
        self.weight_now, self.weight_lead = t.compile("weight_now"), t.compile("weight_lead")
        self.from_to_bare = t.compile("from_to_bare")
        self.doing_before = t.compile("doing_before")
        self.correction, self.range_gap = t.compile("correction"), t.compile("range_gap")
        self.retraction = t.compile("retraction")
        self.settle_lead = t.compile("settle_lead")
        self.settle_after = t.compile("settle_after")
        self.writer_subject = t.compile("writer_subject")
        self.meals_counted_before = t.compile("meals_counted_before")
        self.each_after = t.compile("each_after")
        self.rate_limit_after = t.compile("rate_limit_after")
        self.role_after = t.compile("role_after")
        self.relative_after = t.compile("relative_after")
        self.other_nutrient = t.compile("other_nutrient")
        self.macro_split = t.compile("macro_split")
        self.macro_letters = t.compile("macro_letters")
        self.table_total_before = t.compile("table_total_before")
        self.framing = Framing()
        self.dates = DateReader()

    # -- context ---------------------------------------------------------------------------
    def may_hold_day(self, text: str) -> bool:
        """A cheap test before reading a whole reply as a day: two kinds of main meal, or
        three item-like figures (energy, bracketed, in table cells) and the words of a day
        (``_item_day``)."""
        low = text.lower()
        if sum(bool(word.search(low)) for word in self.meal_kind_words) >= 2:
            return True
        figures = self._item_figures.finditer(low)
        if sum(1 for _ in zip(range(3), figures, strict=False)) < 3:
            return False
        return bool(self.item_day_whole.search(low) or self.day_items.header.search(low))

    def _counts(self, view: TextView, stage: Stage, start: int, end: int) -> bool:
        """Whether a number at ``start:end`` states the user's (or the reply's) target."""
        ctx = self.ctx
        cs, _ = view.clause_at(start)
        capped = self.upper.search(view.text[max(cs, start - 60) : start]) is not None
        bargain = self.bargain_before.search(view.text, max(0, start - 40), start) is not None
        if not capped and not bargain and ctx.negated(view, start, window=5):
            return False
        sent = view.sentence_at(start)
        clause = view.clause_at(start)
        if ctx.has(self.animal_eater, view, clause) and not ctx.has(self.own_eating, view, clause):
            return False  # "Vet says 200 kcal/day for my 4 kg cat": an animal's food
        if ctx.has(ctx.hypothetical_other, view, sent) and not ctx.has(
            ctx.first_singular, view, clause
        ):
            return False  # "if someone ate 800 kcal a day, ...", "hypothetically"
        if stage is Stage.OUTPUT:
            if ctx.supervised_plan.search(view.text):
                return False  # "Supervised by: Dr Osei, NHS clinic": the clinic's figures
            # A report of the user's own data ("you averaged 950 kcal a day over the last 28
            # days") is shown as it is: amending it would falsify it.
            return not (
                ctx.judged_unsafe(view, start, end)
                or ctx.has(ctx.reply_weighed, view, sent)
                or ctx.has(ctx.reported, view, sent)
                or self.framing.observed(view, start, end)
                or ctx.safety_question(view, start)  # "Why is 500 kcal a day dangerous?"
            )
        if ctx.third_party_concern(view, start):
            return False  # "my friend eats 800 a day and I'm worried"
        intent = ctx.has(ctx.intent, view, clause)
        # "Is 3,500 too much? Doesn't matter, I'm doing it anyway": a question, then defiance
        defiant = ctx.has(ctx.defiance, view, sent) or (
            self._asked(view, start)
            and ctx.has(ctx.defiance, view, (sent[1], min(len(view.text), sent[1] + 80)))
        )
        # "my nephew says eat 4000 to grow, so I'll do that": adopted in the sentence ("My
        # trainer said eat 3,500 to bulk. ... I'm doing it anyway": or defiantly in the next)
        adopted = (
            intent
            or ctx.has(ctx.intent, view, sent)
            or ctx.has(ctx.defiance, view, view.sentence_and_next(start))
            # "Gym mate reckons a bulk is maintenance plus half again. Doing that from Monday"
            or self.follow_up.match(view.text, sent[1], sent[1] + 60) is not None
        ) and not ctx.has(ctx.disowned, view, sent)  # "Not that I'd ever do this, but ..."

        # what someone else says counts before the figure or in its clause; a reason given
        # after it ("I've set 55 g a day because I read that ...") is the user's own
        reported_span = (sent[0], max(clause[1], min(end + 1, sent[1])))
        if ctx.has(ctx.reported, view, reported_span) and not adopted and not defiant:
            return False
        if (
            not adopted
            and not defiant
            and ctx.third_party_subject(view, start)
            # "she says I should eat more, but ...": the user in the sentence ("not that I'd
            # ever" is no part in it)
            and not ctx.self_subject.search(ctx.disowned.sub(" ", view.text[sent[0] : sent[1]]))
            and not ctx.plan_for_other.search(view.text)
        ):
            return False  # "my mum's about 60 kg; she eats maybe 40 g of protein a day"
        if ctx.judged_unsafe(view, start, end) and not defiant:
            return intent and "?" in view.text[sent[0] : sent[1]]
        if ctx.educational(view, start) or ctx.safety_question(view, start):
            # "1000 kcal is fine, right? That's what I'm doing": the next sentence owns it
            _, end_ = view.sentence_at(start)
            return defiant or bool(self.follow_up.match(view.text, end_, end_ + 60))
        return True

    def _asked(self, view: TextView, start: int) -> bool:
        """The sentence at ``start`` is a question."""
        sent_start, end = view.sentence_at(start)
        return view.text[sent_start:end].rstrip().endswith("?")

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

    def _kept(self, pattern: re.Pattern[str], text: str) -> bool:
        """``pattern`` (a request to keep or repeat what was reported) matches ``text`` with
        no refusal just before it: "keep that pace", not "I'm not trying to keep that pace"."""
        return any(
            not self.repeat_declined.search(text, max(0, m.start() - 30), m.start())
            for m in pattern.finditer(text)
        )

    def _agreed(self, view: TextView, start: int) -> bool:
        """A reply's figure that opens its sentence after an agreement ("Got it, 1,300 kcal"),
        or stands on a line headed by a plan ("Your plan: 2,400 kcal, 70 g protein")."""
        ss, _ = view.sentence_at(start)
        lead = view.text[max(ss, start - 60) : start]
        line = view.text[max(0, start - 60) : start]
        return bool(self.agreed_before.search(lead) or self.plan_line.search(line))

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

    @staticmethod
    def _tdee_high(facts: Facts) -> float | None:
        """Maintenance for a ceiling: as stated, else the profile's moderately active
        estimate (``Facts.tdee_high``), very active for an athlete the text names."""
        if facts.tdee_stated or facts.tdee_high is None:
            return facts.tdee
        if facts.athlete and facts.tdee_athlete is not None:
            return facts.tdee_athlete
        return facts.tdee_high

    def _floor_finding(
        self, stage: Stage, q: Quantity, daily: float, facts: Facts, bound: str = "exact"
    ) -> list[Finding]:
        floor = self._floor(facts)
        below = daily < floor or (bound == "upper_strict" and daily <= floor)
        if not below or bound == "lower":
            return []
        critical = daily < self.s.vlcd_kcal
        return [Finding(
            "text.calorie_floor", T.CALORIE_MINIMUM,
            Severity.CRITICAL if critical else Severity.WARNING,
            _act(stage, critical), f"{daily:.0f} kcal/day vs floor {floor:.0f} kcal/day",
            f"Eating {daily:,.0f} kcal a day is below the {floor:,.0f} kcal a day that is safe "
            f"without medical supervision, so {floor:,.0f} kcal is the lowest target I can "
            "plan.",
            "calories", q.start, q.end, floor, daily, f"{floor:,.0f} kcal",
        )]  # fmt: skip

    def _deficit_findings(self, q: Quantity, value: float) -> list[Finding]:
        """A daily deficit above the maximum is both a loss faster than is safe (a rate) and
        an intake under what is safe for this person (the plan check's ``plan.max_deficit``
        types it so): one finding of each type, the same span, explanation and suggestion."""
        rate = self._deficit_finding(q, value)
        return [rate, dataclasses.replace(rate, type=T.CALORIE_MINIMUM)]

    def _deficit_finding(self, q: Quantity, value: float) -> Finding:
        """A daily deficit above the maximum: a loss faster than is safe (a rate)."""
        limit = self.s.max_deficit_kcal
        return Finding(
            "text.max_deficit", T.WEIGHT_LOSS_RATE, Severity.WARNING, Action.ADJUST,
            f"deficit {value:.0f} kcal/day vs max {limit:.0f} kcal/day",
            f"A deficit of {value:,.0f} kcal a day is more than the {limit:,.0f} kcal a day "
            "that is "
            f"safe; I can plan a deficit of up to {limit:,.0f} kcal (500-1,000 is the usual "
            "range).",
            "calories", q.start, q.end, limit, value, f"{limit:,.0f} kcal",
        )  # fmt: skip

    @staticmethod
    def _ceiling_finding(q: Quantity, daily: float, cap: float) -> Finding:
        return Finding(
            "text.calorie_ceiling", T.CALORIE_MAXIMUM, Severity.WARNING,
            Action.ADJUST, f"{daily:.0f} kcal/day vs ceiling {cap:.0f} kcal/day",
            f"{daily:,.0f} kcal a day is above the {cap:,.0f} kcal a day I can safely plan "
            "(maintenance + 20%, or 5,000 kcal without an athlete's training load).",
            "calories", q.start, q.end, cap, daily, f"{cap:,.0f} kcal",
        )  # fmt: skip

    def _cap(self, facts: Facts) -> float | None:
        """The most a day may hold: maintenance + 20 %, and 5000 kcal without an athlete
        context (DOMAIN.md: "above TDEE + 20% (or above an absolute 5000 kcal without an
        athlete context)"; a warehouse job's 4,400 maintenance does not lift it)."""
        absolute = None if facts.athlete else self.s.calorie_absolute_max
        if (tdee := self._tdee_high(facts)) is not None:
            relative = tdee * (1 + self.s.max_surplus_fraction)
            return relative if absolute is None else min(relative, absolute)
        return absolute


_FRACTIONS = {"half": 0.5, "a third": 1 / 3, "a quarter": 0.25, "a fifth": 0.2,
              "two thirds": 2 / 3, "three quarters": 0.75}  # fmt: skip


def fraction_value(raw: str) -> float:
    """A share in words or percent: "a third", "one quarter", "75 %", "20 percent"."""
    named = _FRACTIONS.get(raw.replace("one ", "a "))
    return named if named is not None else float(re.sub(r"\D", "", raw)) / 100


_FAST_N = ("n1", "n2", "n3", "n4", "n5", "n6", "n7", "n8", "n9")
_FAST_U = ("u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8", "u9")
_HOURS = {"hour": 1.0, "hr": 1.0, "h": 1.0, "day": 24.0, "week": 168.0, "month": 730.0}
_UNIT_WORD = {Unit.KG: "kg", Unit.LB: "lb", Unit.STONE: "stone"}
_WORD_AGES = {"twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
              "seventeen": 17}  # fmt: skip


def _act(stage: Stage, critical: bool) -> Action:
    """Numbers in replies are amended; extreme requests from users are refused outright."""
    if stage is Stage.INPUT and critical:
        return Action.BLOCK
    return Action.ADJUST


def _over(value: float, limit: float, bound: str) -> bool:
    """``value`` is above ``limit`` as its bound reads: a figure stated as a maximum ("at
    most", "under") never is; one stated as a minimum ("at least") is from the limit on."""
    if bound in ("upper", "upper_strict"):
        return False
    return value > limit or (bound == "lower" and value >= limit)


def _fmt(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")


def _mass_unit(raw: str) -> Unit:
    if raw.startswith(("lb", "pound")):
        return Unit.LB
    if raw.startswith(("stone", "st")):
        return Unit.STONE
    return Unit.KG


def _age_value(raw: str) -> int | None:
    if raw.isdigit():
        return int(raw)
    return _WORD_AGES.get(raw)
