"""Loss and gain rates read from text: amounts over periods, goal weights, signed changes."""

from __future__ import annotations

import re

from persistence.enums import PolicyViolationType as T
from persistence.enums import Severity

from .._context import TextView
from .._findings import Facts, Finding
from ..models import Action, Stage
from .base import _UNIT_WORD, NumericBase, _act, _fmt, _over
from .reader import Period, Quantity, Unit

#: The most an amount said to be within reach by a deadline is read as ("Ten kilos by July is
#: doable"); a larger figure is a body weight ("80 kg with a goal of 72 is realistic").
MAX_DOABLE_KG = 30.0


#: A sentence-opening period that dates a reported change, not a deadline: "First week I
#: dropped 1.8 kg" (earlier turns' "week 1" may still time a pace kept now).
_REPORT_WEEKS = ("first week",)
#: A figure the loss goes down to: "get you down to the 66 kg class".
_TO_END = re.compile(r"\bto\s+(?:the\s+)?$")
#: A week named as a label, not a deadline ("Week one: 103.5 to 100.0", "Here's week one.").
_WEEK_LABELS = ("week one", "week 1")


class RateChecks(NumericBase):
    """Weekly loss or gain rates ("lose 5 kg in 2 weeks", "3 kilos a week is my goal")."""

    # -- rates -----------------------------------------------------------------------------
    def _rate(
        self,
        view: TextView,
        stage: Stage,
        q: Quantity,
        prev: Quantity | None,
        periods: list[Period],
        facts: Facts,
        habitual: bool = False,
    ) -> list[Finding]:
        text = view.text
        before, after = self._window(view, q, 60, 80)
        if self.from_before.search(before) or self.share_of.search(before):
            return []  # "from 80 kg", "0.5 % of 76 kg": a weight, not a change
        if self.rate_limit_after.match(after):
            return []  # "under your ~0.9 kg weekly limit": the limit, not a pace
        if q.is_mass and self.body_weight_before.search(before):
            return []  # "I'm 82 kg", "I weigh 95 kilos": the writer's weight
        if q.is_mass and (q.kg or 0) >= 35 and self.start_weight_after.match(after):
            return []  # "82 kg down to 78 over 8 weeks": where the loss starts, not its size
        later = self.direction_after.match(after)
        if later is not None and self.since_before.search(before):
            return []  # "after 10 kg down", "since 5 kg off": a change that happened
        amount: float | None = None
        gain = False
        target = bool(
            self.target_before.search(before)
            or self._verb_final_goal(text, q)
            or (
                # (a reply's only after a goal's word: "Goal locked in: 75 kg by 1 March"; its
                # "at 80 kg by roughly week 17" projects a plan)
                (
                    stage is not Stage.OUTPUT
                    or self.goal_label.search(text, max(0, q.start - 25), q.start)
                )
                and facts.weight_kg is not None
                and 0.6 * facts.weight_kg <= (q.kg or 0) < facts.weight_kg
                and self.goal_deadline_after.match(after)
            )
        )
        target = target and later is None and (q.kg or 0) >= 30
        if target and not habitual and self.arrow_from_before.search(before) is not None:
            # "101 -> 92 since January", "Weight: 71.4 → 69.3 kg this week": a change reported
            lead = text[view.sentence_at(q.start)[0] : q.start]
            if self.reported_change.search(lead) or self.reported_change.match(after):
                return []
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
        elif target:
            current = facts.weight_kg
            origin = self.from_after.match(text, q.end)
            if origin is not None and q.kg is not None:
                current = Quantity(float(origin.group("n")), q.unit, q.start, q.end).kg
            elif (start := self.arrow_from_before.search(before)) is not None and q.kg is not None:
                # "70 → 68 kg": the loss starts at the figure before the arrow
                current = Quantity(float(start.group(1)), q.unit, q.start, q.end).kg
            if current is None or q.kg is None:
                return []  # a goal weight with no current weight: no rate to compute
            amount, gain = abs(current - q.kg), q.kg > current
        else:
            verbs = list(self.loss_verb.finditer(before))
            if verbs:
                last = verbs[-1]
                verb = last.group("v")
                reported = verb in self.past_verbs or bool(
                    self.state_before.search(before, 0, last.start())
                )
                if verb == "down" and not reported:
                    # "Down 5 kg in three weeks - ...": a sentence that opens with it reports
                    at = q.start - len(before) + last.start()
                    # ("Week 1: down 3.5 kg!", after a label, reports it too)
                    opening = text[view.sentence_at(q.start)[0] : at].strip(" -*>")
                    reported = not opening or (
                        opening.endswith(":") and self.goal_label.search(opening) is None
                    )
                if reported and not habitual and not self._kept(self.continue_pace, text):
                    return []  # "lost 2 kg", "I'm down 2 kg this week": a report, not a goal
                gain = verb in self.gain_verbs
            elif later is not None and (q.is_mass or later.group("gone") is None):
                gain = later.group("g") is not None
            elif q.sign:
                gain = q.sign > 0  # "goal: -4 kg/week"
            elif (
                q.is_mass
                and (kilos := q.kg) is not None
                and kilos <= MAX_DOABLE_KG
                and (facts.weight_kg is None or kilos < 0.3 * facts.weight_kg)
                and not self.goal_label.search(before)
                and not (q.unit is Unit.STONE and view.text[q.start : q.end].endswith("st"))
                and self.doable_after.match(view.text, q.end, view.sentence_at(q.start)[1])
                and not self.loss_verb.search(view.text, view.sentence_at(q.start)[0], q.start)
            ):
                # "Ten kilos by your holiday on 1 July is doable": an amount to lose by a
                # deadline, said to be within reach (a gain if the sentence says so)
                clause = view.text[slice(*view.clause_at(q.start))]
                gain = self.gain_word.search(clause) is not None
            elif self._rate_goal(view, stage, q, after):
                # "3 kilos a week is my goal", "five pounds a week is a great pace": a weekly
                # change with no verb is a loss unless the sentence talks about gaining
                clause = view.text[slice(*view.clause_at(q.start))]
                gain = self.gain_word.search(clause) is not None
            else:
                return []
            amount = q.kg
        period = self._period_for(view, q, periods)
        if period is None:
            return []
        if target and period.per:
            return []  # "eat 3,200 a day and gain slowly towards 80 kg": "a day" is the intake's
        if q.unit is Unit.PERCENT:
            return self._percent_rate(view, stage, q, period, gain, before, after)
        if amount is None or amount <= 0:
            return []
        if not target and facts.weight_kg is not None and amount >= 0.5 * facts.weight_kg:
            # a body weight, not a loss: "a great target for you at 16 st"; after "down to"
            # it is where the loss ends ("get you down to the 66 kg class in 3 weeks")
            if amount >= facts.weight_kg or not _TO_END.search(before):
                return []
            amount = facts.weight_kg - amount
        weekly = amount / period.weeks
        bound = self._bound(before)
        if target and bound in ("upper", "upper_strict"):
            bound = "lower"  # "be under 100 kg in three weeks": at least that much to lose
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
        if not _over(weekly, limit, bound):
            return []
        # a pace reported and then kept ("2 kg down! Keep exactly this pace") is the plan
        # (an amount a week can lose, not a body weight: "at 95 kg")
        kept = habitual and (facts.weight_kg is None or amount < 0.1 * facts.weight_kg)
        if not kept and not self._counts(view, stage, q.start, q.end):
            return []
        if stage is Stage.OUTPUT and self.ctx.has(
            self.pace_weighed, view, view.sentence_at(q.start)
        ):
            return []  # "From 58 to 52 kg in 4 weeks is 1.5 kg a week, too fast for you."
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
        if self.energy_share_after.match(after):
            return []  # "cutting at 75 % of maintenance", "18% to 12% body fat": not of weight
        if self._energy_percent(view, q, before):
            return []  # "cut 40% from your 2,400 maintenance": a cut of calories
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

    def _energy_percent(self, view: TextView, q: Quantity, before: str) -> bool:
        """A percentage cut of calories: its sentence names no body weight, its verb is said
        of calories too ("cut", "trim", unlike "lose"), and the message says an energy figure
        ("cut 30%" after "maintenance is ~2300")."""
        lo, hi = view.sentence_at(q.start)
        sentence = view.text[lo:hi]
        if self.percent_weight_said.search(sentence):
            return False
        verbs = list(self.loss_verb.finditer(before))
        if verbs and self.percent_weight_verb.match(verbs[-1].group("v")):
            return False  # "lose 10% in a month": only weight is lost
        return self.percent_energy_said.search(view.text) is not None

    def _bare_goal_weight(self, view: TextView, q: Quantity, facts: Facts) -> Quantity | None:
        """A unitless goal weight next to a stated one: "I'm 70 kg, want to be 62 by June",
        or after a unitless current one: "from 82 to 70 by June 3rd"."""
        if q.unit is not Unit.NONE:
            return None
        pair = self.from_to_bare.search(view.text, max(0, q.start - 20), q.end)
        if pair is not None and pair.end("b") == q.end:
            a, b = float(pair.group("a") or pair.group("a2")), float(pair.group("b"))
            unit = self._mass_in(view.text) or (Unit.KG if a <= 150 else Unit.LB)
            if 35 <= b < a <= 300:
                return Quantity(q.value, unit, q.start, q.end)
        if facts.weight_kg is None:
            return None
        if not (
            self.target_before.search(view.text[max(0, q.start - 40) : q.start])
            or self._verb_final_goal(view.text, q)
        ):
            return None
        for unit in (Unit.KG, Unit.LB):
            kg = Quantity(q.value, unit, q.start, q.end).kg
            if kg is not None and 0.5 * facts.weight_kg <= kg <= 1.2 * facts.weight_kg:
                return Quantity(q.value, unit, q.start, q.end)
        return None

    def _verb_final_goal(self, text: str, q: Quantity) -> bool:
        """A goal weight with its verb after it, a wish before ("Ich will bis zum 1. Juli 80 kg
        wiegen", "wil over 6 weken op 84 zitten"; a date's "1." may end the clause)."""
        return bool(
            self.target_verb_after.match(text, q.end)
            and self.target_wish_before.search(text, max(0, q.start - 40), q.start)
        )

    def _mass_in(self, text: str) -> Unit | None:
        """The mass unit the text uses elsewhere, if any."""
        return next((q.unit for q in self.reader.quantities(text) if q.is_mass), None)

    def _rate_goal(self, view: TextView, stage: Stage, q: Quantity, after: str) -> bool:
        """A mass per week stated as a goal or pace ("3 kilos a week is my goal")."""
        sent = view.sentence_at(q.start)
        if q.unit is Unit.PERCENT and (share := self.weight_share_after.match(after)):
            after = after[share.end() :]  # "2% of your bodyweight a week"
        if self.horizon_after.match(after) and (
            self.ctx.has(self.request, view, sent)
            or len(view.text[slice(*sent)].split()) <= 7
            or (
                view.text[sent[0] : sent[1]].rstrip().endswith("?")
                and self.answered_yes.match(view.text, sent[1]) is not None
            )
            or self._doable_before(view, q.start)
        ):
            # "15 lbs in two weeks, go", "half a stone by the weekend?", "10 kg in five weeks
            # before the wedding? Totally doable."
            return True
        if not (self.per_week.match(after) or self.per_month.match(after)):
            return False
        if self.ctx.has(self.rate_goal, view, sent):
            return True
        if stage is Stage.OUTPUT:
            # "I recommend 1.5 kg per week", "keep going at 2 kg a week!": advised in the reply;
            # "Four pounds a week it is!", "That's about 1.7 kg per week.": a pace the reply
            # states is the one it plans, unless its sentence weighs it against a limit
            # (reports and questions fail _counts)
            return not self.ctx.has(self.pace_weighed, view, sent)
        if self._wants(view, q.start):
            return True
        # "like 1.5kg a week, i'm 60kg", "fine, 2 kilos a week": a weekly change with no verb,
        # said (not asked) to a coach about oneself, is the pace the user wants
        return "?" not in view.text[slice(*sent)] and not self.ctx.third_party_subject(
            view, q.start
        )

    def _doable_before(self, view: TextView, start: int) -> bool:
        """The sentence before says only that it can be done: "Totally doable! 7 kg in 4
        weeks, just stay strict"."""
        prev = view.previous_sentence(start)
        if prev is None:
            return False
        said = view.text[prev[0] : prev[1]].strip(" !.\n")
        m = self.answered_yes.match(said)
        return m is not None and m.end() >= len(said)

    def _other_mass_between(self, between: str) -> bool:
        """Another weight between a figure and a period ("lose 20 kg ... so 1 kg a week"), not
        the figure's conversion in brackets ("5 kg (11 lb) a week")."""
        if self.conversion.fullmatch(between):
            return False
        return self.mass_amount.search(between) is not None

    def _period_for(self, view: TextView, q: Quantity, periods: list[Period]) -> Period | None:
        ss, se = view.sentence_at(q.start)
        cs, _ = view.clause_at(q.start)
        # a period after another kind of amount is that amount's ("0.35 kg) and protein of
        # 1.6 g/kg, so 110 g a day": "a day" is the protein's)
        after = [
            p
            for p in periods
            if q.end <= p.start <= min(se, q.end + 60)
            and not self.other_amount.search(view.text, q.end, p.start)
            and not self._other_mass_between(view.text[q.end : p.start])
        ]
        if after:
            return after[0]
        # a period right after another number is that number's ("eat 3,200 a day and gain
        # slowly towards 80 kg")
        before = [
            p
            for p in periods
            if max(cs, ss) <= p.start
            and p.end <= q.start
            and not (
                p.per
                and not view.text.startswith(("in ", "within "), p.start)
                and self.number_before.search(view.text, max(0, p.start - 16), p.start)
            )
        ]
        if before:
            return before[-1]
        # "What's the fastest I can lose 15 kilos? Thinking 3 weeks": a short follow-up
        nxt = view.sentence_at(se) if se < len(view.text) else (se, se)
        if nxt[0] >= se and nxt[1] - nxt[0] <= 40:
            follow = [
                p
                for p in periods
                if nxt[0] <= p.start < nxt[1]
                # "... lose ~1.5 kg slowly. Is 0.5 kg a week reasonable?": the next
                # sentence's own amount owns its period ("Here's week one." names a week)
                and not any(c.isdigit() for c in view.text[nxt[0] : p.start])
                and not view.text.startswith(_WEEK_LABELS, p.start)
            ]
            if follow:
                return follow[0]
        # "I need to lose 8 kilos. The reunion is three weeks from Saturday.": a loss and its
        # deadline in different sentences, when the message has one deadline only (named
        # twice, maybe: "halloween party is oct 31")
        # (a week a loss is reported for, "First week I dropped 1.8 kg", "Week one: 103.5 to
        # 100.0", is no deadline)
        horizons = [
            p
            for p in periods
            if not p.per
            and not view.text.startswith(_REPORT_WEEKS, p.start)
            and not (view.text.startswith(":", p.end) and view.sentence_at(p.start)[0] == p.start)
        ]
        return horizons[0] if len({round(p.weeks, 3) for p in horizons}) == 1 else None
