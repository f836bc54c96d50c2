"""Numeric checks of free text: calorie targets, deficits, surpluses, loss/gain rates,
protein targets, fast lengths and minors asking to lose weight.

Each number is read with its unit (``numbers``) and given a *role* from the words around it:
a daily intake target ("eat 900 a day", "a 900 calorie diet"), a deficit or surplus ("a 1500
calorie deficit"), something else (a meal, a burn, a TDEE: "this burrito has 900 calories",
"I burned 800") or a bound ("under 1200", "no more than 1 kg a week"). Only roles that state
what the user will eat or lose are compared with the thresholds (``PolicySettings``).

The shared patterns and context tests live in ``_numeric_base``; rates in ``_numeric_rates``;
checks about the person (facts, fasts, minors) in ``_numeric_body``.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from persistence.enums import PolicyViolationType as T
from persistence.enums import Severity

from .._context import TextView
from .._findings import Facts, Finding
from ..models import Action, Stage
from .base import _fmt, _over
from .body import BodyChecks
from .days import Day, Item
from .foods import UNKNOWN_ITEM_KCAL
from .rates import RateChecks
from .reader import KG_PER_LB, Period, Quantity, Unit

#: A plan card's "Calories:" line under this is a meal's, not a day's (a recipe card).
CARD_MIN_KCAL = 700.0


#: Any digit: a number between a unit and a figure.
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True, slots=True)
class Reading:
    """How to read the numbers of one text.

    ``ed_context``: the text already shows an eating-disorder signal, so a bare number after
    "under"/"keep it below" is read as calories ("ana buddy, let's stay under 500").
    ``calorie_context``: earlier turns talked about calories, so a bare number proposed now
    is an intake ("1400 then?", "what about 1150").
    ``habitual``: the user asked to repeat what an earlier turn reported ("same as
    yesterday", "keep that pace"), so a past log or loss is read as the target.
    ``protein_context``: earlier turns talked about protein, so a bare figure proposed now is
    grams of protein ("nah make it 40").
    """

    ed_context: bool = False
    calorie_context: bool = False
    habitual: bool = False
    protein_context: bool = False


#: The policy id of a day's meals summed under the floor (``NumericChecker._meal_day``).
MEAL_DAY_POLICY = "text.meal_day_floor"
#: The policy id of a day's items or table rows summed (``NumericChecker._item_day``).
ITEM_DAY_POLICY = "text.item_day_floor"
#: Grams per kilo said somewhere: "0.8 g per kilo", "1.6 g/kg".
_GRAMS_PER_KILO = re.compile(r"\d\s*g\s*(?:per|/)\s*k")
#: An energy figure of a day's text that no meal names counts in its sum against the floor
#: below this (a larger one is more likely the day's total: "Plan for today (roughly 1,300 kcal)").
LOOSE_ITEM_MAX = 800
#: A length or share after a bare figure: "waist down 4 cm", "down 2 %".
_LENGTH_AFTER = re.compile(r"\s*(?:cm|mm|in\b|inch|inches|%|percent|points?|pts?|notches)")
#: A figure in grams: "30 g", "45 grams".
_GRAMS = re.compile(r"\d\s*(?:g|grams?)\b")
#: The nutrient's name just after a figure ("55 g of protein, which is plenty").
_PROTEIN_WORD = re.compile(r"^\s*(?:(?:of|de|di|da)\s+)?protein")
#: The low end of a range, at the end of the text before its high end: "3,400-", "900 – ".
_RANGE_LOW_TAIL = re.compile(r"(?<![\d.,])\d[\d,.]*\s*(?:kcal|cals?)?\s*[-–]\s*$")
#: How far a bare figure may stand from its meal's name ("dinner ~550", "lunch is about 600").
MEAL_SLOT_GAP = 14
#: Items of one day at most: a longer list is more likely several days than one.
MAX_DAY_ITEMS = 12
#: The policy id of a day of foods estimated under the floor (``NumericChecker._food_day``).
FOOD_DAY_POLICY = "text.food_day_floor"
#: ... and of its protein under the protein floor.
FOOD_PROTEIN_POLICY = "text.food_day_protein_floor"
#: A day of foods is flagged only under this share of a floor (it is an estimate).
FOOD_DAY_MARGIN = 0.8

#: A gram unit after a macro's figure ("P 50g").
_GRAM_SAID = re.compile(r"\d\s*(?:g|grams?)\b")


class NumericChecker(RateChecks, BodyChecks):
    """Number-based text checks; compiled once per engine."""

    # -- entry point ---------------------------------------------------------------------------
    def check(
        self, view: TextView, stage: Stage, facts: Facts, mode: Reading | None = None
    ) -> list[Finding]:
        """Every numeric finding in the view's text, read as ``mode`` says (:class:`Reading`)."""
        mode = mode or Reading()
        text = view.text
        found: list[Finding] = []
        quantities = self.reader.quantities(text)
        if not mode.habitual and self._kept(self.repeat, text):
            # "lost 2.3 kg this week, I want to keep exactly this pace": the report is the plan
            mode = Reading(mode.ed_context, mode.calorie_context, True, mode.protein_context)
        periods: list[Period] = []
        if any(q.is_mass or q.unit in (Unit.PERCENT, Unit.NONE) for q in quantities):
            periods = self.reader.periods(text) + self.dates.horizons(text, facts.today)
            if not mode.habitual:
                # "in the first week" times a pace only one the user means to keep
                periods = [p for p in periods if not text.startswith("the first week", p.start)]
        # "Actually no", "scratch that", "... instead": read once for both of their uses
        retractions = list(self.retraction.finditer(text)) if quantities else []
        skip, redo, lows = self._corrections_and_ranges(text, quantities, retractions)
        corrected: list[Finding] = []  # findings of a correction, read in the first's place
        if (maintenance := self.stated_maintenance(text)) is not None:
            # the user's maintenance is a fact about them, not a target
            skip.update(i for i, q in enumerate(quantities) if q.start == maintenance[1].start)
        # "eat 2,000 minus 400": the operands of a sum on maintenance are no intakes
        sums = self.worked_sums(text, facts, maintenance)
        # "4 meals of about 750": a meal's size, read with its count (``_counted_meals``)
        operands = [(start, end) for _, start, end in sums]
        operands += [(m.start(), m.end()) for m in self.counted_meals.finditer(text)]
        for i, q in enumerate(quantities):
            if i in skip or any(start <= q.start < end for start, end in operands):
                continue
            prev = quantities[i - 1] if i else None
            if i in redo:
                # "800 a day - sorry, 1800": the correction, read where the first figure stood
                fixed = self._energy(view, stage, redo[i], facts, mode)
                for f in fixed:
                    f.start, f.end = q.start, q.end
                found.extend(fixed)
                corrected.extend(fixed)
            goal = self._bare_goal_weight(view, q, facts)
            if goal is not None:
                found.extend(self._rate(view, stage, goal, prev, periods, facts, mode.habitual))
            elif (
                mode.habitual
                and q.unit is Unit.NONE
                and 0.2 <= q.value <= 15
                and self.loss_verb.search(text, max(0, q.start - 12), q.start)
                and not _LENGTH_AFTER.match(text, q.end)  # "waist down 4 cm"
            ):
                # "lost 1.8 this week" before "keep that pace": kilos (pounds if the text uses them)
                mass = Quantity(q.value, self._mass_in(text) or Unit.KG, q.start, q.end)
                found.extend(self._rate(view, stage, mass, prev, periods, facts, True))
            elif mode.protein_context and q.unit is Unit.NONE and 5 <= q.value <= 250:
                # "nah make it 40" after talk of protein: grams of protein
                grams = Quantity(q.value, Unit.GRAM, q.start, q.end)
                found.extend(self._protein(view, stage, grams, facts, proposed=True))
            elif q.is_energy or q.unit is Unit.NONE:
                found.extend(self._energy(view, stage, q, facts, mode))
                if i in lows:  # "1000-1300 kcal a day": the low end against the floor
                    low = self._energy(view, stage, lows[i], facts, mode)
                    found.extend(f for f in low if f.type is T.CALORIE_MINIMUM)
            elif q.unit is Unit.PERCENT and self._over_maintenance(text, q, maintenance):
                found.extend(self._percent_surplus(view, stage, q))
            elif q.is_mass or q.unit is Unit.PERCENT:
                found.extend(self._rate(view, stage, q, prev, periods, facts, mode.habitual))
            elif q.unit in (Unit.GRAM, Unit.G_PER_KG, Unit.G_PER_LB):
                found.extend(self._protein(view, stage, self._meals_protein(text, q), facts))
                if i in lows:  # "60-80 g of protein": the low end against the floor
                    found.extend(self._protein(view, stage, lows[i], facts))
        found.extend(self._protein_share(view, stage, quantities, facts))
        if not any(f.type is T.PROTEIN_MINIMUM for f in found):
            found.extend(self._protein_other_mass(view, stage, facts))
        if not any(f.type in (T.CALORIE_MINIMUM, T.CALORIE_MAXIMUM) for f in found):
            found.extend(self._meal_day(view, stage, quantities, facts))
        found.extend(self._days(view, stage, quantities, facts, found))
        found.extend(self._macro_day(view, stage, facts, found))
        found.extend(self._protein_day(view, stage, facts, found))
        found.extend(self._fraction_of_needs(view, stage, facts))
        if not any(f.type in (T.CALORIE_MINIMUM, T.CALORIE_MAXIMUM) for f in found):
            found.extend(self._worked_intakes(view, stage, facts, maintenance, sums))
        if not any(f.type in (T.CALORIE_MINIMUM, T.CALORIE_MAXIMUM) for f in found):
            found.extend(self._counted_meals(view, stage, facts, maintenance))
        found.extend(self._fasting(view, stage))
        if stage is not Stage.OUTPUT:
            found.extend(
                self._minor(view, facts)
                or self._underweight(view)
                or self._underweight_target(view, facts)
            )
        return self._taken_back(view, stage, quantities, retractions, found, corrected)

    def _meals_protein(self, text: str, q: Quantity) -> Quantity:
        """Grams said for each of a day's counted meals, as the day's: "3 meals a day with
        about 25 g protein each" is 75 g."""
        if q.unit is not Unit.GRAM or not self.each_after.match(text[q.end : q.end + 30]):
            return q
        counted = self.meals_counted_before.search(text[max(0, q.start - 60) : q.start])
        count = self.reader._count(counted.group("k")) if counted else None
        return q if count is None else Quantity(q.value * count, q.unit, q.start, q.end)

    def _taken_back(
        self,
        view: TextView,
        stage: Stage,
        quantities: list[Quantity],
        retractions: list[re.Match[str]],
        found: list[Finding],
        corrected: list[Finding],
    ) -> list[Finding]:
        """``found`` without the findings of a plan the message takes back: "Going for a
        1,300 deficit. Actually no - ... so I'll make it an even 1,000". A finding before the
        last retraction (``retraction``) is dropped when a figure of its kind follows it; that
        figure is judged on its own. A retraction with nothing of the kind after it ("900 a
        day. Hmm, is 40 g of protein enough?") takes nothing back, nor is a correction's own
        finding (``corrected``: "700 a day. Scratch that, 600", read where 700 stood). The
        figure after it must be the writer's own: "My dietitian wants 1,500 instead" takes
        back nothing of "I'll eat 600 a day"."""
        if not found:
            return found
        pivot = -1
        for m in retractions:
            if not m.group("late"):
                pivot = m.start()
                continue
            # "..., but I'm going with plus 15% instead": the clause it ends is the new plan,
            # when the writer says it (a reply's "Instead: 1,400 kcal" is always the coach's)
            clause = view.clause_at(m.start())
            if stage is Stage.OUTPUT or self.ctx.has(self.writer_subject, view, clause):
                pivot = clause[0]
        if pivot <= 0:
            return found
        later = {
            _kind(q)
            for q in quantities
            if q.start >= pivot and self._counts(view, stage, q.start, q.end)
        } - {None}
        if not later:
            return found

        kept = {id(f) for f in corrected}

        def restated(f: Finding) -> bool:
            if not 0 <= f.end <= pivot or id(f) in kept:
                return False
            kind = _finding_kind(f, quantities)
            # a share ("so +18%") restates a figure of any kind, and is restated by any
            return kind == "share" or kind in later or "share" in later

        return [f for f in found if not restated(f)]

    def _corrections_and_ranges(
        self, text: str, quantities: list[Quantity], retractions: list[re.Match[str]]
    ) -> tuple[set[int], dict[int, Quantity], dict[int, Quantity]]:
        """Figures not to judge, corrections to judge in the corrected figure's place, and
        the low ends of ranges to judge against a floor where their high end stands.

        A figure the user corrects ("800 a day - sorry, 1800", "eleven hundred. Sorry, sixteen
        hundred") is judged on the correction; a bare correction takes the first figure's role
        and unit. The low end of a range ("200-500 kcal above maintenance", "between 900 and
        1100 a day") is left to the high end, which carries the range's role: a surplus range
        is never read as a daily intake; the low end is also judged against the floor, in the
        high end's place and unit, with the range as its span ("1,100-1,300 kcal a day": a plan
        that allows 1,100).
        """
        skip: set[int] = set()
        redo: dict[int, Quantity] = {}
        lows: dict[int, Quantity] = {}
        for i in range(len(quantities) - 1):
            a, b = quantities[i], quantities[i + 1]
            gap = text[a.end : b.start]
            same = a.unit is b.unit or Unit.NONE in (a.unit, b.unit)
            if not same:
                continue
            if self.range_gap.fullmatch(gap) and a.value <= b.value:
                skip.add(i)
                unit = b.unit if b.unit is not Unit.NONE else a.unit
                lows[i + 1] = Quantity(a.value, unit, a.start, b.end)
            elif len(gap) <= 60 and self.correction.search(gap):
                skip.add(i)
                energy = a.is_energy or a.unit is Unit.NONE
                _, after = text[: b.start], text[b.end : b.end + 40]
                if energy and not self.role_after.match(after):
                    unit = a.unit if b.unit is Unit.NONE else b.unit
                    redo[i + 1] = Quantity(b.value, unit, a.start, a.end)
        self._settled(text, quantities, retractions, skip, redo)
        return skip, redo, lows

    def _settled(
        self,
        text: str,
        quantities: list[Quantity],
        retractions: list[re.Match[str]],
        skip: set[int],
        redo: dict[int, Quantity],
    ) -> None:
        """A bare figure a retraction settles on, judged in the role of the energy figure it
        takes back: "Going for a 1,300 deficit. Actually no - my brother says anything over a
        grand is too aggressive, so I'll make it 1,100" (a deficit of 1,100; the figures of
        the talk between are not judged)."""
        for m in retractions:
            if m.group("late"):
                continue
            taken = [
                i
                for i, q in enumerate(quantities)
                if m.start() - 120 <= q.end <= m.start() and (q.is_energy or q.unit is Unit.NONE)
            ]
            after = [
                i
                for i, q in enumerate(quantities)
                if m.end() <= q.start <= m.end() + 160 and q.unit is Unit.NONE
            ]
            settled = [
                i
                for i in after
                if self.settle_lead.search(
                    text[max(0, quantities[i].start - 40) : quantities[i].start]
                )
                or self.settle_after.match(text[quantities[i].end : quantities[i].end + 20])
            ]
            if not taken or not after or taken[-1] in skip:
                continue
            a = quantities[taken[-1]]
            last = settled[-1] if settled else after[0]
            b = quantities[last]
            if self.role_after.match(text, b.end, b.end + 40) or self.ctx.reported.search(
                text, max(m.end(), b.start - 30), b.start
            ):
                continue  # a role of its own, or someone else's ("my dietitian says 1,500")
            skip.update(range(taken[-1], last))
            redo.pop(taken[-1] + 1, None)
            redo[last] = Quantity(b.value, a.unit, a.start, a.end)

    # -- energy ----------------------------------------------------------------------------
    def _energy(
        self, view: TextView, stage: Stage, q: Quantity, facts: Facts, mode: Reading
    ) -> list[Finding]:
        if q.value == 1 and view.text.startswith(("a ", "an "), q.start):
            return []  # "a calorie plan", "a calorie deficit": no amount
        sent_start = view.sentence_at(q.start)[0]
        if self.threshold_after.match(view.text, q.end) or self.threshold_before.search(
            view.text, max(sent_start, q.start - 60), q.start
        ):
            return []  # "the usual 1,200 kcal floor", "the floor is 1,200": a threshold
        before, after = self._window(view, q, 70, 60)
        # a range's high end is read with what leads the range: "at 3,400-3,800 kcal"
        before = _RANGE_LOW_TAIL.sub("", before)
        # a week's label is read across a colon: "weekly target for the bulk: 28,000 kcal"
        week_lead = view.text[max(sent_start, q.start - 70) : q.start]
        # a day's figure after a range of weekdays: "Mon–Fri 1,100 each"
        weekdays = self.weekday_range_before.search(before) is not None
        if (
            self.increase_before.search(before)
            and not self.onto_needs_after.match(after)
            and not self.role_word_after.match(after)  # "adding a 1000 surplus": the surplus
            and not self.advice_before.search(before)  # "let's push you up to 4,000 kcal"
        ):
            return []  # a step up, not an intake
        if self.raised_from_before.search(before) and self.raised_from_after.match(after):
            return []  # "nudge that 1,400 up to 1,650": the figure being raised
        if (
            (cut := self.reduction_before.search(before))
            and (cut.group("off") is None or self.reduction_off_after.match(after))
            and not self.deficit_before.search(before)  # "subtract 1,300 a day": a deficit
        ):
            return []  # "knock 900 off that", "minus 900": a step down, not an intake
        if stage is Stage.OUTPUT and self.ctx.has(
            self.ctx.refusal, view, (view.clause_at(q.start)[0], q.start)
        ):
            return []  # "I won't help keep it under 600": a figure the reply refuses
        if (
            self.dismissed_before.search(before)
            or self.dismissed_after.match(after)
            or self.denied_after.match(view.text[q.end : q.end + 40])  # "- I'm not, it's ..."
        ) and not self.ctx.has(self.ctx.defiance, view, view.sentence_at(q.start)):
            return []  # "ok forget the 800 thing", "the 3500 was dumb": a figure dropped
        ed_context = mode.ed_context
        phase = self._phase(view, stage, q, before, facts)  # "bulking at 3,400"
        # "1400 then?" after talk of calories: a bare number in a follow-up is an intake
        # "ok not 1200, 700 then?": a bargain against a daily-sized figure proposes one too
        lead = view.text[max(0, q.start - 40) : q.start]  # across the clause: "not 1200, 700"
        bargained = self.bargain_before.search(lead) is not None and bool(
            self.daily_sized_before.search(lead)
        )
        proposed = (
            (mode.calorie_context or bargained)
            and q.unit is Unit.NONE
            and (800 if mode.calorie_context else 400) <= q.value <= 6000
            and not self.item_after.match(view.text[q.end : q.end + 80])  # "1100 for lunch"
        )
        value = q.kcal
        if value is None and self.non_food_unit.match(view.text, q.end):
            return []  # "add 2,000 steps a day", "500 ml", "200 mg"
        if value is None:
            stated_role = (
                self.surplus_before.search(before)
                or self.more_foreign_after.match(after)  # "vou comer 700 a mais todo dia"
                or self.deficit_before.search(before)
                or self.role_word_after.match(after)  # "adding a 1000 surplus"
                or self.relative_after.match(after)
                or phase
            )
            # "your weekly total on the bulk is 27,000": a week's intake, judged a day at a time
            weekly_total = 3500 <= q.value <= 60000 and bool(
                self.per_week.match(after) or self.per_week_before.search(week_lead)
            )
            # "Yesterday's 1,050 was spot on. Let's make that your daily target."
            # (not a term of a sum, nor a dose: "650 + 800 + 700", "metformin from 2000 to 1000")
            habitual_day = (
                mode.habitual
                and 800 <= q.value <= 4500
                and not self.sum_term_before.search(before)
                and not self.sum_term_after.match(after)
                and not self.medicine_near.search(
                    view.text, max(0, q.start - 40), min(len(view.text), q.end + 40)
                )
            )
            # "Sure, 1,000 works.": a reply agreeing to a figure it calls enough
            opens_agreed = 800 <= q.value <= 9000 and self._agreed(view, q.start)
            agreed = bool(stage is Stage.OUTPUT and opens_agreed and self.advice_after.match(after))
            if not (300 <= q.value <= 9000 or weekly_total) or not (
                self.implicit_after.match(after)
                or stated_role
                or proposed
                or weekly_total
                or agreed
                or habitual_day
                or (q.value <= 4500 and weekdays)
            ):
                return []
            if 1900 <= q.value <= 2100 and self.year_before.search(before):
                return []
            ss, se = view.sentence_at(q.start)
            sent = view.text[ss:se]
            # another unit counts near the figure only: "go down to 1,400 and bump your steps
            # to 12k" sets an intake beside a step count (and a unit with its own number is
            # that number's: "1350 a day + 10k steps")
            other_near = self._other_unit_near(
                view.text, q, max(ss, q.start - 30), min(se, q.end + 30)
            )
            # (or in the sentence before or after: "dirty bulk time. 5,500 a day, I don't
            # train", "Bump it to 3,000. A big surplus is fine")
            # (not a dose's sentence: "my GP reduced my metformin from 2000 to 1000")
            prev = view.previous_sentence(q.start)
            calorie_talk = (
                self.calorie_talk.search(sent)
                or ed_context
                or (
                    not self.medicine_near.search(sent)
                    and (
                        (prev is not None and self.calorie_talk.search(view.text, *prev))
                        or self.calorie_talk.search(view.text, se, view.sentence_at(se)[1])
                    )
                )
            )
            loose = (
                500 <= q.value <= 4500
                and self.per_day.match(after)
                and self.loose_verb.search(before)
                and not other_near
            )
            # "eleven hundred a day is my new number": a bare daily-sized number a day, said
            # to a nutrition coach, with no other unit or non-food verb around it
            loose_talk = bool(
                stage is not Stage.OUTPUT
                and calorie_talk
                and 800 <= q.value <= 9000
                and self.loose_verb.search(before)
            )
            # (a reply's too where food is talked of: "dirty bulking works: 6,000 a day")
            bare_daily = (
                (stage is not Stage.OUTPUT or calorie_talk)
                and not self.ctx.has(self.ctx.refusal, view, view.sentence_at(q.start))
                and 800 <= q.value <= 9000
                and (q.value <= 4500 or calorie_talk)
                and self.per_day.match(after)
                and not other_near
                and not self.not_food.search(before)
            )
            # "let's go to 1,050 on weekdays", "800 a day is a great way to keep going": a
            # bare daily-sized figure given as advice
            # (a bulk's figure may be larger: "5,500 a day is totally fine for your bulk")
            advised = (
                # (down to 500 said a day: "You're doing great at 700 a day!")
                (500 if self.per_day.match(after) else 800)
                <= q.value
                <= (9000 if calorie_talk else 4500)
                and bool(
                    self.advice_before.search(before)
                    or (self.per_day.match(after) and self.advice_after.match(after))
                    or (q.value <= 4500 and self._called_enough_then_set(view, q, after))
                    # "For men your size, 1,400 works well for a quick cut."
                    or (stage is Stage.OUTPUT and calorie_talk and self.advice_after.match(after))
                )
                and not other_near
                and not self.not_food.search(before)
            )
            capped = (
                400 <= q.value <= 4500
                and (self.daily_cap.match(after) or self.plan_after.match(after))
                and not other_near
            )
            if not (
                loose
                or capped
                or ((weekly_total or habitual_day) and not other_near)
                or (proposed and not other_near and not self.not_food.search(before))
                or bare_daily
                or advised
                or opens_agreed
                or (
                    stage is not Stage.OUTPUT
                    and 800 <= q.value <= 9000
                    and self.too_much_after.match(after) is not None
                    and self.ctx.has(self.ctx.defiance, view, (se, min(len(view.text), se + 80)))
                )
                or stated_role
                # "my tdee is 1900, going 3000 for the bulk"
                or loose_talk
                # "also dropping to 1100 tmrw": a verb that sets an intake, with no other unit
                or (
                    stage is not Stage.OUTPUT
                    and 800 <= q.value <= 4500
                    and (self.intake_verb.search(before) or self.own_number_after.match(after))
                    and not other_near
                    and not self.not_food.search(before)
                    and not self.medicine_near.search(sent)
                )
                or self.implicit_before.search(before)
                # "weekdays at 1,200", "Mon–Fri 1,100"
                or (q.value <= 4500 and (weekdays or self.daily_before.search(before)))
                or (calorie_talk and self.cut_by.search(before))
                or (
                    calorie_talk
                    and (self.intake_before.search(before) or self.intake_verb.search(before))
                    and (
                        self.per_day.match(after)
                        or self.intake_verb.search(before)
                        or (ed_context and self.upper_strict.search(before))
                    )
                    and not other_near
                )
            ):
                return []
            value = q.value
            if (unit := self._energy_unit(view.text)) is not None:
                # "maintenance 10,000 kJ, I'm eating 7,000": the message counts in kJ
                value = Quantity(q.value, unit, q.start, q.end).kcal or value
        else:
            loose_talk = False
        if (
            self.item_after.match(after)
            and not (self.sole_before.search(before) and self.per_day_later.search(after))
            and not weekdays  # "Mon–Fri 1,100 each": days, not items
        ):
            return []
        if (
            self.item_before.search(before)
            and not self.per_day.match(after)
            and not self.daily_total.search(before)
        ):
            return []
        # "a 600 kcal deficit (2500 → 1900)": the figures after a sized deficit are its ends
        sized = self.sized_role_before.search(before) is not None
        named_deficit = self.deficit_after.match(after)
        if not sized and (named_deficit or self.deficit_before.search(before)):
            if self.per_week.search(after) or (
                named_deficit is not None
                and self.per_week.match(after[named_deficit.end() :]) is not None
            ):
                value /= 7  # "a 3,500 kcal deficit per week", "a 9,000 kcal deficit per week"
            elif value > 2500 and not self.habitual.match(after):
                return []  # "a 7,700 kcal deficit is about 1 kg of fat": not a daily target
            return self._deficit(view, stage, q, value, before, facts)
        named_surplus = None if sized else self.surplus_after.match(after)
        surplus = not sized and (
            named_surplus
            or self.more_foreign_after.match(after)
            or self.surplus_before.search(before)
        )
        if surplus and (
            self.per_week.match(after)
            or (named_surplus is not None and self.per_week.match(after[named_surplus.end() :]))
        ):
            value /= 7  # "a 3,150 surplus for the week", "add 3,500 kcal across the week"
        if surplus and not (
            # "maintenance is 2,000; a gentle surplus of 2,200": a small surplus as large as
            # the maintenance is the intake it leads to, not the amount added
            self.small_surplus.search(before)
            and facts.tdee_stated
            and facts.tdee is not None
            and value >= 0.8 * facts.tdee
        ):
            return self._surplus(view, stage, q, value, before, facts)
        if (
            self.expend_before.search(before) or self.expend_after.match(after)
        ) and not self.intake_verb.search(before):
            return []
        if self.past_intake.search(before) and not self.habitual.match(after) and not mode.habitual:
            return []  # a log of one past day, not a target
        if self.long_past.search(before):
            return []  # "Back in 2015 I lived on 1,000 calories a day": years ago
        # (a label's figure is a week's only when it is week-sized: "Plan for the week: 1,100
        # kcal" is the day's)
        weekly = bool(
            self.per_week.match(after)
            or (value >= 3500 and self.per_week_before.search(week_lead))
            or (
                value >= 7000 and self.total_after.match(after) and self.week_said.search(week_lead)
            )
        )
        daily = value / 7 if weekly else value
        if not (
            weekly
            or self.per_day.match(after)
            or self.intake_before.search(before)
            or self.intake_verb.search(before)
            or self.daily_before.search(before)
            or weekdays
            or self.daily_total.search(before)
            or self.habitual.match(after)  # "1050 cals for the next month"
            or mode.habitual
            or self.advice_before.search(before)  # "you land at 1,100 kcal"
            or phase  # "bulking at 3,400"
            or self.advice_after.match(after)  # "1,000 kcal is plenty"
            or (stage is not Stage.OUTPUT and self.own_number_after.match(after))
            or (self.card_label.search(week_lead) is not None and daily >= CARD_MIN_KCAL)
            or self.fast_day_label.search(before) is not None
            or (daily >= CARD_MIN_KCAL and self._agreed(view, q.start))
        ):
            if stage is Stage.OUTPUT or not (proposed or loose_talk or self._wants(view, q.start)):
                return []
        if daily < 400 and not self.per_day.match(after) and self.items_under_before.search(before):
            return []  # "any sauces under 50 kcal?", "snack ideas below 200 kcal": items
        if stage is Stage.OUTPUT and q.sign:
            return []  # "1,950 kcal (-466 kcal vs target)": a signed difference, not an intake
        if q.sign > 0:
            # "my midwife says I need +300 kcal a day", "I'll just go +1000 every day": an
            # amount added, judged as a surplus
            return self._surplus(view, stage, q, value, before, facts)
        if not self._counts(view, stage, q.start, q.end):
            return []
        bound = "lower" if q.plus else self._bound(before)
        # a clinical team's low target stands, down to a very-low-calorie diet's 800 kcal (a
        # figure under that is flagged whoever is said to have set it)
        supervised = daily >= self.s.vlcd_kcal and self._set_by_clinician(
            view, q, self.pro_supervised
        )
        out = [] if supervised else self._floor_finding(stage, q, daily, facts, bound)
        if (
            facts.tdee is not None
            and facts.tdee_stated  # an estimate from the profile is too rough for this
            and bound not in ("upper", "upper_strict")
            and facts.tdee - daily > self.s.max_deficit_kcal
            and not self.day_kind_after.match(after)
        ):
            # "TDEE 2400, eating 1200": the deficit the intake implies is itself too steep
            out.extend(self._deficit_findings(q, facts.tdee - daily))
        cap = self._cap(facts)
        if (
            cap is not None
            and _over(daily, cap, bound)
            and not self._set_by_clinician(view, q, self.pro_set)
            and not self.ctx.has(self.losing_at, view, view.sentence_at(q.start))
            # an athlete's hardest days ("6,000 kcal on ride days") are no daily target
            and not (
                facts.athlete and self.ctx.has(self.training_day, view, view.sentence_at(q.start))
            )
        ):
            out.append(self._ceiling_finding(q, daily, cap))
        return out

    def _other_unit_near(self, text: str, q: Quantity, lo: int, hi: int) -> bool:
        """Another unit (steps, ml, minutes, money) between ``lo`` and ``hi`` that may be the
        figure's own: one with no other number between it and the figure ("1,400 steps",
        "steps to 1,400"); "1350 a day + 10k steps" names the steps' own number."""
        for m in self.other_units.finditer(text, lo, hi):
            if q.start <= m.start() < q.end:
                return True
            gap = text[q.end : m.start()] if m.start() >= q.end else text[m.end() : q.start]
            if not _DIGIT.search(gap):
                return True
        return False

    def _set_by_clinician(self, view: TextView, q: Quantity, pattern: re.Pattern[str]) -> bool:
        """The text says a clinician set the figure, with no "but" between the two ("my
        dietitian set me at 5,200", "... 5,500. Our team nutritionist set this"; not "my
        dietitian said 2,500 but I eat 6,500")."""
        text = view.text
        for m in pattern.finditer(text):
            lo, hi = (m.end(), q.start) if m.end() <= q.start else (q.end, m.start())
            if self.contrast.search(text, lo, hi) is None:
                return True
        return False

    def _called_enough_then_set(self, view: TextView, q: Quantity, after: str) -> bool:
        """A bare figure called enough, then a go-ahead in its sentence or the next: "1450 is
        fine for me, I'm a small guy. Set it.", "1,200 is a solid target. Let's go with that"."""
        if not self.advice_after.match(after):
            return False
        _, end = view.sentence_at(q.start)
        nxt = view.sentence_at(end + 1) if end + 1 < len(view.text) else (end, end)
        return self.go_ahead.search(view.text, q.end, max(end, nxt[1])) is not None

    def _deficit(
        self, view: TextView, stage: Stage, q: Quantity, value: float, before: str, facts: Facts
    ) -> list[Finding]:
        limit = self.s.max_deficit_kcal
        over = _over(value, limit, self._bound(before))
        # "1200 under my maintenance of 2400", "900 under that", "an 800 deficit" (a
        # maintenance said): the intake left, against the floor
        relative = bool(self.relative_after.match(view.text, q.end) or facts.tdee_stated)
        left = facts.tdee - value if relative and facts.tdee is not None else None
        low = left is not None and left < self._floor(facts) and (over or facts.tdee_stated)
        if not (over or low) or not self._counts(view, stage, q.start, q.end):
            return []
        out = self._deficit_findings(q, value) if over else []
        if low and left is not None:
            out.extend(self._floor_finding(stage, q, left, facts))
        return out

    def _meal_day(
        self, view: TextView, stage: Stage, quantities: list[Quantity], facts: Facts
    ) -> list[Finding]:
        """A day given meal by meal whose meals add up to less than the floor.

        "Breakfast 250 kcal, lunch 300 kcal, dinner 350 kcal": no figure is a day's intake,
        their sum is. A day is breakfast, lunch and dinner with figures (snacks add to it),
        or two of them when the text says that is the whole day. It counts in a reply (the
        coach's plan) or in a message that means to keep or plan that day; a reported day,
        a warning, or a question about it does not (``_counts``). The meals of the whole
        text are summed: a reply's guard reads one sentence at a time while it streams (where
        a sentence rarely holds a whole day), and reads the whole reply for this once it ends
        (``PolicyEngine.check_reply_day``).
        """
        text = view.text
        meals: list[tuple[str, Quantity]] = []
        loose: list[Quantity] = []  # the energy figures of the text that no meal names
        for q in quantities:
            kcal = q.kcal
            bare = kcal is None and q.unit is Unit.NONE and 50 <= q.value and q.value % 1 == 0
            if bare:
                if self.day_total_after.match(text, q.end):
                    continue  # "... a 150 kcal snack - 1,450 total": the day's sum
                kcal = q.value  # "breakfast 600, lunch 700, dinner 750": bare meal figures
                q = Quantity(kcal, Unit.KCAL, q.start, q.end)
            if kcal is None or not 20 <= kcal <= 2500:
                continue
            slot = self.meal_slot_before.search(text, max(0, q.start - 80), q.start)
            if slot is not None and bare and q.start - slot.end(1) > MEAL_SLOT_GAP:
                slot = None  # a bare figure stands next to its meal's name
            named = slot.group(1) if slot else None
            if named is None and (after := self.meal_slot_after.match(text, q.end)):
                named = after.group(1)
            if named is None:
                # "- Breakfast: 2 eggs with spinach (180 kcal)", "- lunch: chicken salad 450":
                # the line's label names it
                line = text[text.rfind("\n", 0, q.start) + 1 : q.start]
                if (label := self.line_slot.match(line)) is not None:
                    named = label.group(1)
            if named is not None:
                meals.append((named.lower(), q))
            elif (
                kcal <= 1500
                and not self.non_food_unit.match(text, q.end)
                and not self.target_before.search(text, max(0, q.start - 40), q.start)
                and not self.day_items.not_energy.search(text, max(0, q.start - 60), q.start)
            ):
                # (not a goal weight, "till I hit 85", nor a burn or a deficit)
                loose.append(q)
        kinds = sum(any(kind.match(name) for name, _ in meals) for kind in self.meal_kinds)
        if kinds < 2 or (kinds == 2 and not self.meal_day_whole.search(text)):
            return []
        if stage is not Stage.OUTPUT and not self.meal_day_intent.search(text):
            return []
        if not all(self._counts(view, stage, q.start, q.end) for _, q in meals):
            return []
        # the meals, with the text's other bare figures counted in ("più frutta 180", "oats
        # 700, shake 800")
        named = sum(q.kcal or 0.0 for _, q in meals)
        total = named + sum(q.kcal or 0.0 for q in loose)
        span = Quantity(total, Unit.KCAL, meals[0][1].start, meals[-1][1].end)
        cap = self._cap(facts)
        # over the ceiling: against a maintenance the text states, or over the absolute cap
        # without an athlete's load (a profile's estimate is too rough for a day of meals)
        if (facts.tdee_stated and cap is not None and total > cap) or (
            not facts.athlete and total > self.s.calorie_absolute_max
        ):
            return [self._ceiling_finding(span, total, cap or self.s.calorie_absolute_max)]
        # under the floor: the other figures counted in are an item's size only (a larger one
        # may be the day's total), and a clinical team's plan is left alone
        total = named + sum(q.kcal or 0.0 for q in loose if (q.kcal or 0.0) < LOOSE_ITEM_MAX)
        span = Quantity(total, Unit.KCAL, span.start, span.end)
        if total >= self.s.vlcd_kcal and self._set_by_clinician(view, span, self.pro_supervised):
            return []
        return [
            dataclasses.replace(f, policy_id=MEAL_DAY_POLICY)
            for f in self._floor_finding(stage, span, total, facts)
        ]

    def _days(
        self,
        view: TextView,
        stage: Stage,
        quantities: list[Quantity],
        facts: Facts,
        found: list[Finding],
    ) -> list[Finding]:
        """A day as items (``_item_day``) or as foods (``_food_day``); the whole-day tests run
        once, and only for a text with an item-like figure, or foods and no other unit (most
        sentences have neither)."""
        text = view.text
        # table cells the reader does not split ("2027-01-04,lunch,wrap,300") count too
        cells = ("," in text or "|" in text or "\t" in text) and bool(
            self._item_figures.search(text)
        )
        items = cells or any(
            q.kcal is not None or (q.unit is Unit.NONE and 10 <= q.value <= 9000)
            for q in quantities
        )
        # foods with no unit but grams beside them (body weights, rates, shares: a coaching
        # text that names foods)
        foods = all(q.unit in (Unit.GRAM, Unit.NONE) for q in quantities) and self.foods.mentioned(
            text
        )
        if not (items or foods):
            return []
        day_text = self._day_text(text, stage)
        if day_text is None:
            return []
        out = self._item_day(view, stage, quantities, facts, found, day_text)
        if foods:
            out += self._food_day(view, stage, quantities, facts, found + out, day_text)
        return out

    def _item_day(
        self,
        view: TextView,
        stage: Stage,
        quantities: list[Quantity],
        facts: Facts,
        found: list[Finding],
        day_text: tuple[list[re.Match[str]], bool],
    ) -> list[Finding]:
        """A day given as items with their energy (``days.DayItems``: a list of foods, or a
        table's energy column) whose sum is under the floor or over the ceiling, or a
        table's protein column under the protein floor.

        It counts when the text says the items are a whole day ("here's your day", "today:",
        "Day 2", a plan of days, two kinds of main meal) and not part of one or choices ("so
        far", "snack ideas"), does not name exactly one kind of meal ("lunch: ..."), and,
        in a message, means to keep or plan it and is neither a past day nor someone else's
        (``_keeps_day``). Each day needs three items
        (or a stated total) and at most :data:`MAX_DAY_ITEMS`.
        """
        text = view.text
        meals, only = day_text
        have = {f.type for f in found}
        out: list[Finding] = []
        for day in self.day_items.days(text, quantities):
            if day.total is None and not (1 if only else 3) <= len(day.items) <= MAX_DAY_ITEMS:
                continue
            if only and day.total is None and len(day.items) < 3 and len(meals) >= 2:
                # two meals named and one or two figures read ("breakfast: eggs (~300), lunch:
                # salad 450, dinner 500ish ... that's the whole day"): the text's other bare
                # figures of a meal's size belong to the day too
                taken = {(i.start, i.end) for i in day.items}
                extra = [
                    Item(q.value, q.start, q.end)
                    for q in quantities
                    if q.unit is Unit.NONE
                    and 50 <= q.value <= 1500
                    and not any(a <= q.start < b for a, b in taken)
                ]
                day = Day(items=day.items + extra)
            start, end = day.span
            if len(meals) == 1 and meals[0].start() < start and not only:
                continue  # "lunch: chicken (250), rice (200), salad (60)": one meal
            figures = [day.total] if day.total else day.items
            if day.total is None and any(self._day_target(text, i) for i in figures):
                continue  # "800 a day is too low; the floor is 1,200; try 1,400": targets
            # most of its figures, not each: a cell's "no dressing" does not negate the row
            counted = sum(self._counts(view, stage, i.start, i.end) for i in figures)
            if 2 * counted <= len(figures):
                continue
            out.extend(self._day_findings(stage, day, start, end, facts, have))
            have |= {f.type for f in out}
        return out

    def _phase(self, view: TextView, stage: Stage, q: Quantity, before: str, facts: Facts) -> bool:
        """The intake a bulk or cut runs at: "bulking at 3,400" in a message; in a reply only
        as its instruction ("Bulk at 4,200 ..."), not "bulking at 6,000 would add fat". A bulk
        counts against a maintenance the text states (a profile's estimate is too rough to
        call a bulk's figure excessive)."""
        phase = self.phase_before.search(before)
        if phase is None:
            return False
        if phase.group(0).startswith("bulk") and not facts.tdee_stated:
            # a message's bulk past any non-athlete's ceiling all the same: "bulking at 5,500
            # kcal", desk job (a reply's "bulking at 6,000 would add fat" is no instruction)
            value = q.kcal if q.is_energy else q.value
            return bool(
                stage is not Stage.OUTPUT
                and value
                and value > self.s.calorie_absolute_max
                and not facts.athlete
            )
        if stage is not Stage.OUTPUT:
            return True
        lead = view.text[view.sentence_at(q.start)[0] : q.start]
        return self.phase_start.match(lead) is not None

    def _day_target(self, text: str, item: Item) -> bool:
        """An item that is itself a day's figure ("800 calories a day", "the floor is
        1,200", "a 1,400 kcal menu"): figures like it are alternatives, not a day's items."""
        return bool(
            self.per_day.match(text, item.end)
            or self.day_target_before.search(text, max(0, item.start - 30), item.start)
            or self.day_target_after.match(text, item.end)
        )

    def _day_text(self, text: str, stage: Stage) -> tuple[list[re.Match[str]], bool] | None:
        """Whether ``text`` may give a whole day as items (``_item_day``, ``_food_day``):
        None if not; else the first mention of each kind of main meal it names, and whether
        it says its items are all of the day ("that's it", "nothing else")."""
        if self.item_day_partial.search(text):
            return None
        meals = [m for word in self.meal_kind_words if (m := word.search(text))]
        if self.snack_word.search(text) and not meals:
            return None
        keeps = stage is not Stage.OUTPUT and self._keeps_day(text)
        if stage is not Stage.OUTPUT and not keeps:
            return None
        whole = (
            len(meals) >= 2
            or self._may_hold_days(text)
            or (keeps and self.item_day_repeat.search(text) is not None)
        )
        if not whole:
            return None
        return meals, self.item_day_only.search(text) is not None

    def _food_day(
        self,
        view: TextView,
        stage: Stage,
        quantities: list[Quantity],
        facts: Facts,
        found: list[Finding],
        day_text: tuple[list[re.Match[str]], bool],
    ) -> list[Finding]:
        """A day given as foods with no energy figure at all ("100 g chicken breast, a cup
        of rice, 2 apples, black coffee"), estimated from typical energies and protein
        (``foods``) and flagged only when an estimate is under :data:`FOOD_DAY_MARGIN` of its
        floor (the protein only when every item was read and the weight is known): the
        same whole-day tests as ``_item_day``, three foods at least (one when the text says
        that is all), items it cannot read counted generously. ``_days`` calls it only for a
        text whose figures are grams or bare numbers."""
        text = view.text
        if any(f.type is T.CALORIE_MINIMUM for f in found) or any(
            q.kcal is not None or (q.unit is Unit.NONE and q.value >= 20) for q in quantities
        ):
            return []  # figures that may be the items' energy: the item reading's
        if (
            self.energy_word.search(text)
            or self.food_choice.search(text)
            or self.protein_target.search(text)
        ):
            return []  # calories spoken of (the item reading's), foods to choose from, or a
            # protein target with foods that reach it
        meals, only = day_text
        day = self.foods.day(text)
        if day.known < (1 if only else 3) or day.first < 0 or not day.listed:
            return []
        if len(meals) == 1 and meals[0].start() < day.first and not only:
            return []  # one meal
        if not self._counts(view, stage, day.first, day.first + 1):
            return []
        out: list[Finding] = []
        protein_floor = self._protein_floor_g(facts)
        if (
            facts.weight_kg is not None
            and day.unknown == 0
            and len(self.item_protein.findall(text)) < 2  # protein in brackets: its own reading
            and day.protein_g < FOOD_DAY_MARGIN * protein_floor
            and not any(f.type is T.PROTEIN_MINIMUM for f in found)
        ):
            out.append(
                self._protein_floor_finding(
                    day.protein_g, protein_floor, "g", day.first, len(text), FOOD_PROTEIN_POLICY
                )
            )
        estimate = day.kcal + UNKNOWN_ITEM_KCAL * day.unknown
        floor = self._floor(facts)
        if estimate >= FOOD_DAY_MARGIN * floor:
            return out
        span = Quantity(estimate, Unit.KCAL, day.first, len(text))
        return out + [
            dataclasses.replace(
                f,
                policy_id=FOOD_DAY_POLICY,
                evidence=f"about {estimate:.0f} kcal/day (typical energies) vs floor "
                f"{floor:.0f} kcal/day",
            )
            for f in self._floor_finding(stage, span, estimate, facts)
        ]

    def _keeps_day(self, text: str) -> bool:
        """A message's day is the user's own plan: meant to be kept or planned, and neither
        a past day reported nor someone else's."""
        if self.item_day_other.search(text):
            return False
        if not (self.meal_day_intent.search(text) or self.item_day_repeat.search(text)):
            return False
        if self.item_day_unplanned.search(text):
            return False
        return not self.item_day_past.search(text) or bool(self.item_day_repeat.search(text))

    def _may_hold_days(self, text: str) -> bool:
        """The words of a whole day, or two days of a plan or a log."""
        if self.item_day_whole.search(text):
            return True
        return len(self.day_items.header.findall(text)) >= 2

    def _day_findings(
        self, stage: Stage, day: Day, start: int, end: int, facts: Facts, have: set[T]
    ) -> list[Finding]:
        out: list[Finding] = []
        kcal = day.kcal
        span = Quantity(kcal, Unit.KCAL, start, end)
        if T.CALORIE_MINIMUM not in have:
            out.extend(
                dataclasses.replace(f, policy_id=ITEM_DAY_POLICY)
                for f in self._floor_finding(stage, span, kcal, facts)
            )
        if (
            facts.tdee is not None
            and facts.tdee_stated
            and T.WEIGHT_LOSS_RATE not in have
            and facts.tdee - kcal > self.s.max_deficit_kcal
        ):
            out.extend(self._deficit_findings(span, facts.tdee - kcal))  # "maintenance 3,200"
        cap = self._cap(facts)
        if T.CALORIE_MAXIMUM not in have and cap is not None and kcal > cap:
            out.append(Finding(
                "text.item_day_ceiling", T.CALORIE_MAXIMUM, Severity.WARNING,
                Action.ADJUST, f"{kcal:.0f} kcal/day vs ceiling {cap:.0f} kcal/day",
                f"This day adds up to {kcal:,.0f} kcal, above the {cap:,.0f} kcal a day I can "
                "safely plan (maintenance + 20%, or 5,000 kcal without an athlete's training "
                "load).",
                "calories", start, end, cap, kcal, f"{cap:,.0f} kcal",
            ))  # fmt: skip
        if T.PROTEIN_MINIMUM not in have and len(day.protein) >= 3:
            grams = sum(i.value for i in day.protein)
            floor = self._protein_floor_g(facts)
            if grams < floor:
                out.append(
                    self._protein_floor_finding(
                        grams, floor, "g", start, end, "text.item_day_protein_floor"
                    )
                )
        return out

    def _protein_day(
        self, view: TextView, stage: Stage, facts: Facts, found: list[Finding]
    ) -> list[Finding]:
        """A day's foods, each with its protein in brackets ("oats (8 g protein), lentil soup
        (14 g)"), when the text says they are the whole day's: their sum against the floor."""
        text = view.text
        if "protein" not in text or any(f.type is T.PROTEIN_MINIMUM for f in found):
            return []
        items = list(self.item_protein.finditer(text))
        if len(items) < 3 or not self.protein_day.search(text):
            return []
        start, end = items[0].start(), items[-1].end()
        if not self._counts(view, stage, start, end):
            return []
        if (
            stage is not Stage.OUTPUT
            and not (self.meal_day_intent.search(text) or self._wants(view, start))
            and not self.protein_day.search(text, end)
        ):
            return []
        total = sum(float(m.group("g").replace(",", ".")) for m in items)
        # the rest of the day's protein said after a meal's name: "dinner is usually ~20 g"
        total += sum(
            q.value
            for q in self.reader.quantities(text)
            if q.unit is Unit.GRAM
            and q.value <= 80
            and not any(m.start() <= q.start < m.end() for m in items)
            and self.meal_slot_before.search(text, max(0, q.start - 30), q.start)
        )
        floor = self._protein_floor_g(facts)
        if total >= floor:
            return []
        return [self._protein_floor_finding(total, floor, "g", start, end, "text.protein_day")]

    def _macro_day(
        self, view: TextView, stage: Stage, facts: Facts, found: list[Finding]
    ) -> list[Finding]:
        """A day's macros in shorthand: "P 50g / C 100g / F 30g" is 50 g of protein and, by
        the Atwater factors, 870 kcal. Read when all three are in one sentence that is not
        about one meal, in a reply or a message that means to keep or plan it."""
        text = view.text
        if stage is not Stage.OUTPUT and not self.meal_day_intent.search(text):
            return []
        out: list[Finding] = []
        for sentence in view.sentences or [(0, len(text))]:
            chunk = text[slice(*sentence)]
            grams: list[tuple[float, int, int]] = []
            weighed = False  # a gram unit said with a figure
            for pattern in self.macros:
                m = pattern.search(chunk)
                if m is None:
                    break
                value = float(m.group(1) or m.group(2))
                grams.append((value, sentence[0] + m.start(), sentence[0] + m.end()))
                weighed = weighed or _GRAM_SAID.search(m.group(0)) is not None
            if len(grams) < 3:
                continue
            if not weighed and abs(sum(g for g, _, _ in grams) - 100) <= 2:
                continue  # "macros 55C / 30F / 15P": shares of the energy, not grams
            if self.meal_context.search(chunk) and not self.per_day_later.search(chunk):
                continue  # one meal's macros, not the day's
            (protein, start, _), (carbs, _, _), (fat, _, end) = grams
            if not self._counts(view, stage, start, end):
                continue
            if not any(f.type is T.PROTEIN_MINIMUM for f in found + out):
                floor = self._protein_floor_g(facts)
                if protein < floor:
                    out.append(
                        self._protein_floor_finding(
                            protein, floor, "g", start, end, "text.macro_protein_floor"
                        )
                    )
            if not any(f.type is T.CALORIE_MINIMUM for f in found + out):
                kcal = 4 * protein + 4 * carbs + 9 * fat
                energy = Quantity(kcal, Unit.KCAL, start, end)
                out.extend(
                    dataclasses.replace(f, policy_id="text.macro_calorie_floor")
                    for f in self._floor_finding(stage, energy, kcal, facts)
                )
        return out

    def _surplus(
        self, view: TextView, stage: Stage, q: Quantity, value: float, before: str, facts: Facts
    ) -> list[Finding]:
        if (tdee := self._tdee_high(facts)) is not None:
            limit = tdee * self.s.max_surplus_fraction
        elif facts.athlete:
            return []
        else:
            limit = self.s.max_surplus_kcal
        if not _over(value, limit, self._bound(before)) or not self._counts(
            view, stage, q.start, q.end
        ):
            return []
        return [Finding(
            "text.max_surplus", T.CALORIE_MAXIMUM, Severity.WARNING, Action.ADJUST,
            f"surplus {value:.0f} kcal/day vs max {limit:.0f} kcal/day",
            f"A surplus of {value:,.0f} kcal a day is more than the {limit:,.0f} kcal (about 20% "
            "of maintenance) that builds muscle without mostly adding fat.",
            "calories", q.start, q.end, limit, value, f"{limit:,.0f} kcal",
        )]  # fmt: skip

    def _energy_unit(self, text: str) -> Unit | None:
        """kJ or MJ when every energy figure with a unit in the text uses it."""
        units = {q.unit for q in self.reader.quantities(text) if q.is_energy}
        return units.pop() if len(units) == 1 and units <= {Unit.KJ, Unit.MJ} else None

    def _over_maintenance(
        self, text: str, q: Quantity, stated: tuple[float, Quantity] | None
    ) -> bool:
        """A share said as a surplus on maintenance: "30% over maintenance", "40% above your
        ~2,100 maintenance", "maintenance plus 35%"; "un 40% más" after a stated maintenance."""
        return bool(
            self.percent_surplus_after.match(text, q.end)
            or self.percent_surplus_before.search(text, max(0, q.start - 30), q.start)
            or (
                stated is not None
                and stated[1].end <= q.start
                and self.percent_more_after.match(text, q.end)
            )
        )

    def _percent_surplus(self, view: TextView, stage: Stage, q: Quantity) -> list[Finding]:
        """A surplus as a share of maintenance: "30% over maintenance" (20% is the most)."""
        limit = self.s.max_surplus_fraction * 100
        before, _ = self._window(view, q, 60, 0)
        if q.value <= limit or self._bound(before) in ("upper", "upper_strict"):
            return []
        if not self._counts(view, stage, q.start, q.end):
            return []
        return [Finding(
            "text.max_surplus", T.CALORIE_MAXIMUM, Severity.WARNING, Action.ADJUST,
            f"surplus {q.value:.0f}% of maintenance vs max {limit:.0f}%",
            f"A surplus of {_fmt(q.value)}% over maintenance is more than the {_fmt(limit)}% "
            "that builds muscle without mostly adding fat.",
            "calories", q.start, q.end, limit, q.value, f"{_fmt(limit)}%",
        )]  # fmt: skip

    # -- protein ---------------------------------------------------------------------------
    def _protein_share(
        self, view: TextView, stage: Stage, quantities: list[Quantity], facts: Facts
    ) -> list[Finding]:
        """Protein as a share of calories: "protein at 8% of my 1500 cals", "macros 70/25/5
        carbs/fat/protein on 1800" (grams = kcal x share / 4 kcal per gram)."""
        text = view.text
        share: tuple[float, int, int] | None = None
        if (m := self.macro_split.search(text) or self.macro_letters.search(text)) is not None:
            # (the nutrients named in full, or by their initials: "50c / 40f / 10p")
            names = [m.group(g)[0] for g in ("x", "y", "z")]
            if "p" in names:
                share = (float(m.group("abc"[names.index("p")])), m.start(), m.end())
        for q in quantities:
            if share is None and q.unit is Unit.PERCENT and q.value < 100:
                # on its own line: "(0.76 %)\n- Protein 220 g" is a pace, then a protein
                lo = max(q.start - 30, text.rfind("\n", 0, q.start) + 1)
                hi = text.find("\n", q.end)
                hi = min(q.end + 12, len(text) if hi < 0 else hi)
                near = text[lo : q.start] + text[q.end : hi]
                if (
                    ("protein" in near and not self.other_nutrient.search(near))
                    or self.share_of_protein.match(text, q.end)
                    # "set protein at 15%, fat at 35%": protein names the share it leads
                    or self.protein_before.search(text[lo : q.start])
                ):
                    # "70% carbs / 20% fat / 10% protein": the share that names protein itself
                    share = (q.value, q.start, q.end)
        if share is None:
            return []
        totals = [
            q.kcal or q.value
            for q in quantities
            if (q.is_energy or (q.unit is Unit.NONE and 800 <= q.value <= 6000))
            and not q.start <= share[1] < q.end
        ]
        if facts.tdee_stated and facts.tdee is not None:
            # "2,700 maintenance minus 35% gives you 1,755 kcal ... 15% protein": the share is
            # of the intake, not of the maintenance it starts from
            # (not a deficit beside it: "2,100 maintenance, cutting 850 off that, protein at 30%")
            tdee = facts.tdee
            totals = [t for t in totals if abs(t - tdee) > 1 and t >= tdee / 2] or totals
        if not totals:
            return []
        percent, start, end = share
        grams = max(totals) * percent / 100 / 4
        floor = self._protein_floor_g(facts)
        if grams >= floor or not self._counts(view, stage, start, end):
            return []
        return [Finding(
            "text.protein_floor", T.PROTEIN_MINIMUM, Severity.WARNING, Action.ADJUST,
            f"protein {percent:.0f}% of {max(totals):.0f} kcal = {grams:.0f} g/day vs floor "
            f"{floor:.0f} g/day",
            f"{_fmt(percent)}% of {max(totals):,.0f} kcal is about {grams:.0f} g of protein a "
            f"day, below the minimum of {floor:.0f} g (0.8 g per kg of body weight).",
            "protein", start, end, floor, grams, None,
        )]  # fmt: skip

    def _protein_other_mass(self, view: TextView, stage: Stage, facts: Facts) -> list[Finding]:
        """Protein per kilo of a goal weight or of lean mass: "1 g per kilo of your 60 kg goal"
        at 85 kg is 60 g a day, judged against 0.8 g per kilo of the body."""
        text = view.text
        if "protein" not in text and not _GRAMS_PER_KILO.search(text):
            return []  # "0.8 per kilo" needs protein (or grams per kilo) said in the text
        for m in self.protein_other_mass.finditer(text):
            mass = m.group("m") or m.group("m2")
            # grams per pound of a mass in pounds ("0.5 g per pound of your goal weight of 170 lb")
            per_lb = (m.group("u") or m.group("u2") or "k")[0] in "lp"
            if mass is None:
                lean = (m.group("what") or m.group("what2")).startswith("lean")
                said = (self.lean_mass if lean else self.goal_mass).search(text)
                mass = (said.group("m") or said.groupdict().get("m2")) if said else None
                fat = self.body_fat.search(text) if lean and mass is None else None
                if fat is not None and facts.weight_kg is not None:
                    # "100 kg at about 35% body fat": the lean mass is the rest
                    share = float(fat.group("p").replace(",", ".")) / 100
                    mass = f"{facts.weight_kg * (1 - share):.1f}"
            if mass is None:
                continue
            value = float(mass.replace(",", "."))
            grams = float((m.group("g") or m.group("g2")).replace(",", ".")) * value
            kilos = value * KG_PER_LB if per_lb else value
            floor = self._protein_floor_g(facts)
            if facts.weight_kg is None or kilos >= facts.weight_kg or grams >= floor:
                continue
            if not self._counts(view, stage, m.start(), m.end()):
                continue
            return [self._protein_floor_finding(grams, floor, "g", m.start(), m.end())]
        return []

    def _protein(
        self, view: TextView, stage: Stage, q: Quantity, facts: Facts, proposed: bool = False
    ) -> list[Finding]:
        """A daily protein amount below the floor (``proposed``: a follow-up's bare figure)."""
        before, after = self._window(view, q, 60, 50)
        sent = view.text[slice(*view.sentence_at(q.start))]
        per_kg = q.unit in (Unit.G_PER_KG, Unit.G_PER_LB)
        # "I don't need much protein. I'll stick to about 40 g a day": grams a day, and no
        # other nutrient, in the sentence after one about protein
        prev = view.previous_sentence(q.start)
        led = (
            "protein" not in sent
            and prev is not None
            and "protein" in view.text[slice(*prev)]
            and q.unit is Unit.GRAM
            and not self.other_nutrient.search(sent)
            and bool(self.per_day.match(after) or self.advice_after.match(after))
        )
        # a protein table's total row: "| Meal | Protein | ... | **Total** | **41 g** |"
        line = view.text.rfind("\n", 0, q.start) + 1
        tabled = (
            q.unit is Unit.GRAM
            and self.table_total_before.fullmatch(view.text, line, q.start) is not None
            and "protein" in view.text[max(0, line - 800) : line].split("\n\n")[-1]
        )
        led = led or tabled
        if (
            "protein" not in sent
            and not proposed
            and not led
            and not (per_kg and not self.other_nutrient.search(sent))
        ):
            # "At 90 kg, 0.5 g per kilo is all you need": grams per kilo are protein talk
            return []
        if (
            q.unit is Unit.GRAM
            and self.meal_context.search(sent)
            and not self.per_day_later.search(after)
        ):
            return []  # "dinner under 500 kcal with 40 g protein": one meal, not the day
        ratio = self.grams_per_mass_after.match(after) if q.unit is Unit.GRAM else None
        if ratio is not None:
            # "1 g de protéines pour 2 kg de poids corporel": grams per so many kilos
            kilos = float((ratio.group("k") or "1").replace(",", "."))
            if kilos <= 0:
                return []
            q = Quantity(q.value / kilos, Unit.G_PER_KG, q.start, q.end)
        weekly = False
        if q.unit is Unit.GRAM:
            other_nutrient = self.other_nutrient.search(sent)
            # protein named across a comma: "keep protein low, like 50 g"
            wide = view.text[max(view.sentence_at(q.start)[0], q.start - 40) : q.start]
            named = (
                self.protein_after.match(after)
                or self.protein_before.search(wide)
                or proposed
                or led
                # "Don't stress about protein, 50 g is plenty": named earlier in the sentence
                or (
                    "protein" in view.text[view.sentence_at(q.start)[0] : q.start]
                    and (
                        self.advice_after.match(after)
                        # "I track protein by the week, target is 350 g for the week"
                        or (q.value >= 140 and self.per_week.match(after))
                        # "I don't need much protein, so I'm sticking to 30 grams"
                        or (
                            stage is not Stage.OUTPUT
                            and (
                                self.kept_at_before.search(before) is not None
                                or (
                                    self._wants(view, q.start)
                                    and not self._asked(view, q.start)
                                    and len(_GRAMS.findall(sent)) == 1  # not a day's items
                                )
                            )
                        )
                    )
                )
            )
            if not named and (other_nutrient or not self.per_day.match(after)):
                return []
            if self.protein_item.match(after) or (self.item_before.search(before) and not proposed):
                return []
            if self.past_intake.search(before) and not self.habitual.match(after):
                return []
            rest = _PROTEIN_WORD.sub("", after)
            weekly = q.value >= 140 and bool(
                self.per_week.match(rest) or self.weekly_protein_before.search(before)
            )
            if weekly:  # "560 g of protein for the week", "weekly protein target is 315 g"
                q = Quantity(q.value / 7, Unit.GRAM, q.start, q.end)
            if not (weekly
                    or self.per_day.match(rest)
                    or self.advice_after.match(rest)  # "50 g of protein is plenty for you"
                    # (across a comma: "around 55 g of protein, which is plenty")
                    or self.advice_after.match(
                        _PROTEIN_WORD.sub("", view.text[q.end : view.sentence_at(q.start)[1]])
                    )
                    or self.intake_before.search(before)
                    or self.protein_before.search(wide)
                    or self.total_on_line.search(before)
                    or self._agreed(view, q.start)
                    # "Fine, we'll go with 65 g protein", "I've set my tracker to 40 grams"
                    or self.advice_before.search(before)
                    or self.kept_at_before.search(before)
                    # "I get maybe 30 g of protein and I'm happy keeping it that way"
                    or self._kept(self.repeat, sent)
                    or tabled
                    or proposed):  # fmt: skip
                if stage is Stage.OUTPUT or not self._wants(view, q.start):
                    return []
            floor = self._protein_floor_g(facts)
            measured, unit = q.value, "g"
        else:
            floor = self.s.protein_floor_g_per_kg
            measured = q.value if q.unit is Unit.G_PER_KG else q.value / KG_PER_LB
            if q.unit is Unit.G_PER_LB and round(q.value, 2) >= round(floor * KG_PER_LB, 2):
                measured = floor  # "0.36 g per pound": the floor, as it is usually rounded
            unit = "g/kg"
        bound = self._bound(before)
        low = measured < floor or (bound == "upper_strict" and measured <= floor)
        if not low or bound == "lower" or not self._counts(view, stage, q.start, q.end):
            return []
        found = self._protein_floor_finding(measured, floor, unit, q.start, q.end)
        if q.unit is Unit.GRAM and weekly:  # a week's figure gives way to a week's floor
            found = dataclasses.replace(found, suggestion=f"{floor * 7:,.0f} g")
        return [found]

    def _protein_floor_g(self, facts: Facts) -> float:
        """The day's protein floor in grams: 0.8 g/kg of the user's weight, or the default."""
        if facts.weight_kg:
            return facts.weight_kg * self.s.protein_floor_g_per_kg
        return self.s.protein_floor_g

    @staticmethod
    def _protein_floor_finding(
        measured: float,
        floor: float,
        unit: str,
        start: int,
        end: int,
        policy_id: str = "text.protein_floor",
    ) -> Finding:
        return Finding(
            policy_id, T.PROTEIN_MINIMUM, Severity.WARNING, Action.ADJUST,
            f"protein {measured:.2f} {unit}/day vs floor {floor:.2f} {unit}/day",
            f"{_fmt(measured)} {unit} of protein a day is below the minimum of {_fmt(floor)} "
            f"{unit} "
            "(0.8 g per kg of body weight); aim for at least that, and 1.6-2.2 g/kg while "
            "losing fat.",
            "protein", start, end, floor, measured, f"{_fmt(floor)} {unit}",
        )  # fmt: skip


def _kind(q: Quantity) -> str | None:
    """What a figure measures, for a retraction's test (``NumericChecker._taken_back``):
    "energy", "mass" or "protein"; a share is any of them, a bare figure energy from 300 up."""
    if q.is_energy or (q.unit is Unit.NONE and 300 <= q.value <= 9000):
        return "energy"
    if q.is_mass:
        return "mass"
    if q.unit in (Unit.GRAM, Unit.G_PER_KG, Unit.G_PER_LB):
        return "protein"
    if q.unit is Unit.PERCENT:
        return "share"
    return None


def _finding_kind(f: Finding, quantities: list[Quantity]) -> str:
    """What the figure a finding judged measures: the figure at its span when there is one
    ("1,300" of a deficit is energy though the finding is a loss rate), else its type's."""
    at = next((q for q in quantities if q.start == f.start), None)
    kind = _kind(at) if at is not None else None
    if kind is not None:
        return kind
    if f.type is T.PROTEIN_MINIMUM:
        return "protein"
    return "mass" if f.type is T.WEIGHT_LOSS_RATE else "energy"
