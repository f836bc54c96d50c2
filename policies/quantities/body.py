"""Facts and body-level checks read from text: stated weight/age/sex, fraction-of-needs
intakes, long fasts, minors and underweight people asking to lose weight."""

from __future__ import annotations

import dataclasses
import itertools
import re

from persistence.enums import PolicyViolationType as T
from persistence.enums import Severity

from .._context import TextView
from .._energy import bmi as bmi_of
from .._findings import Facts, Finding
from ..models import Action, Stage
from .base import _FAST_N, _FAST_U, _HOURS, NumericBase, _age_value, _mass_unit, fraction_value
from .reader import CM_PER_INCH, Quantity, Unit

#: Energy of vigorous endurance training per kg of body weight and hour (8-10 METs: swimming,
#: rowing, cycling, running; Ainsworth 2011 Compendium of Physical Activities).
TRAINING_KCAL_PER_KG_H = 8.0


#: The groups of ``percent_more`` that hold a fraction in words, and what the words are worth
#: ("plus a third more", "aggiungine un terzo", "ajoute un quart", "2,600 mas un cuarto").
_FRAC_GROUPS = ("frac", "frac2", "frac3", "frac4", "frac5")
_FRACTION_WORDS = {"quarter": 0.25, "quarto": 0.25, "quart": 0.25, "cuarto": 0.25,
                   "viertel": 0.25, "third": 1 / 3, "terzo": 1 / 3, "tiers": 1 / 3,
                   "tercio": 1 / 3, "drittel": 1 / 3}  # fmt: skip


#: The rest of a figure grouped by a space that the reader cut ("2 200" read as 2).
_SPACE_GROUP = re.compile(r" \d{3}\b")


#: The sums' operators said as words ("2,000 minus 900"), not signs that also join ranges.
_WORD_SIGNS = frozenset({"minus", "menos", "moins", "meno", "plus", "mais"})


class BodyChecks(NumericBase):
    """Checks about the person rather than one number's role."""

    # -- facts stated in the text ------------------------------------------------------------
    def complete_facts(self, text: str, facts: Facts) -> Facts:
        """Fill what the profile lacks from what the text says (weight, age, sex, athlete)."""
        out = dataclasses.replace(facts)
        if out.weight_kg is None and (
            m := self.weight_stated.search(text)
            or self.weight_now.search(text)
            or self.weight_lead.search(text)
        ):
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
        if out.height_cm is None and (m := self.height_stated.search(text)):
            out.height_cm = _height_cm(m)
        if not out.tdee_stated and (stated := self.stated_maintenance(text)) is not None:
            out.tdee, out.tdee_stated = stated[0], True  # said beats estimated from the profile
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
        if (
            out.athlete
            and out.bmr is not None
            and out.weight_kg is not None
            and (m := self.training_hours.search(text)) is not None
        ):
            # lightly active (x1.375 of the BMR) plus the training
            hours = min(float(m.group("h")), 40.0)
            trained = out.bmr * 1.375 + hours * TRAINING_KCAL_PER_KG_H * out.weight_kg / 7
            out.tdee_athlete = max(out.tdee_athlete or 0.0, trained)
        return out

    def stated_maintenance(self, text: str) -> tuple[float, Quantity] | None:
        """A maintenance the user states: "my tdee is about 2400", "2.6k maintenance",
        "maintenance is 11,000 kJ", "I maintain at 2.7k", "TDEE twenty-one hundred"."""
        words = list(self.maintenance_word.finditer(text))
        if not words:
            return self._daily_burn(text)
        quantities = [q for q in self.reader.quantities(text) if q.is_energy or q.unit is Unit.NONE]
        for m in words:
            # a figure set apart before the word ("2,300 (your maintenance)") only when the word
            # has no figure of its own after it ("bulking at 3,400 (maintenance 2,700)") and no
            # sum follows it ("1,500 (maintenance minus 500)" is the sum's result)
            apart: tuple[float, Quantity] | None = None
            summed = self.maintenance_sum_after.match(text, m.end()) is not None
            for q in quantities:
                if q.value < 10 and _SPACE_GROUP.match(text, q.end):
                    continue  # "TDEE est à 2 200 pis": a figure grouped by a space, cut
                set_apart = False
                if m.end() <= q.start <= m.end() + 45:
                    gap_ok = self.maintenance_gap_after.fullmatch(text, m.end(), q.start)
                elif m.start() - 25 <= q.end <= m.start():
                    gap_ok = self.maintenance_gap_before.fullmatch(text, q.end, m.start())
                    set_apart = any(c in text[q.end : m.start()] for c in "(,")
                else:
                    continue
                if gap_ok is None:
                    continue
                kcal = q.kcal if q.is_energy else q.value
                if kcal is not None and 1.2 <= kcal <= 6:
                    kcal *= 1000  # "maintenance is two and a half"
                if kcal is not None and 1200 <= kcal <= 6000:
                    if not set_apart:
                        return kcal, q
                    if apart is None and not summed:
                        apart = (kcal, q)
            if apart is not None:
                return apart
        return self._daily_burn(text)

    def _daily_burn(self, text: str) -> tuple[float, Quantity] | None:
        """A day's whole burn, as a watch reports it: "I burn about 3300 a day"."""
        m = self.daily_burn.search(text)
        if m is None:
            return None
        start = next(m.start(g) for g in ("a", "b", "c", "d", "e", "f", "g") if m.group(g))
        for q in self.reader.quantities(text):
            if q.start == start and (q.is_energy or q.unit is Unit.NONE):
                kcal = q.kcal if q.is_energy else q.value
                if kcal is not None and 1500 <= kcal <= 6000:
                    return kcal, q
        return None

    def _fraction_of_needs(self, view: TextView, stage: Stage, facts: Facts) -> list[Finding]:
        """An intake set as a fraction of needs: "a third of my 2400 maintenance"."""
        for m in self.fraction.finditer(view.text):
            if not self._counts(view, stage, m.start(), m.end()):
                continue
            if stage is not Stage.OUTPUT and not self._wants(view, m.start()):
                continue
            f = fraction_value(m.group("f"))
            needs_raw = m.group("n1") or m.group("n2")
            needs = float(needs_raw) if needs_raw else facts.tdee
            floor = self._floor(facts)
            if needs is not None:
                intake = needs * f
                if intake >= floor:
                    continue
                measured = intake
            elif f <= 0.4:  # a third of any adult's needs is below every floor
                measured = None
            else:
                continue
            shown = f"{measured:,.0f} kcal" if measured is not None else f"{f:.0%} of needs"
            return [Finding(
                "text.calorie_floor", T.CALORIE_MINIMUM, Severity.WARNING, Action.ADJUST,
                f"{shown} vs floor {floor:.0f} kcal/day",
                f"Eating {shown} a day is below the {floor:,.0f} kcal a day that is safe without "
                f"medical supervision, so {floor:,.0f} kcal is the lowest target I can plan.",
                "calories", m.start(), m.end(), floor, measured, f"{floor:,.0f} kcal",
            )]  # fmt: skip
        return []

    def _worked_intakes(
        self,
        view: TextView,
        stage: Stage,
        facts: Facts,
        stated: tuple[float, Quantity] | None,
        sums: list[tuple[float, int, int]],
    ) -> list[Finding]:
        """An intake given as arithmetic on maintenance: "TDEE x 1.3", "2600 + 35%",
        "maintenance minus 750", "a 45% cut to your 2500 TDEE", "eat double my maintenance"
        (``stated``: the text's maintenance; ``sums``: its :meth:`worked_sums`, read once
        per check)."""
        text = view.text
        tdee = stated[0] if stated is not None else facts.tdee
        found = list(sums)
        # a cut as a share needs the maintenance said, or what the user eats now (a share of
        # an estimate is too rough); twice any maintenance is over the ceiling
        said = stated[0] if stated is not None else tdee if facts.tdee_stated else None
        at = stated[1].start if stated is not None else -1  # where the text says it
        if said is None and (now := self.current_intake.search(text)) is not None:
            eaten = float(re.sub(r"[, ]", "", now.group("n")))
            said, at = (eaten, now.start("n")) if 1000 <= eaten <= 6000 else (None, -1)
        if said is not None:
            found.extend(self._changed(text, said, at))
            for m in self.percent_cut.finditer(text):
                share = float(m.group("a") or m.group("b") or m.group("c")) / 100
                found.append((said * (1 - share), m.start(), m.end()))
            for m in self.share_of_that.finditer(text):
                if "protein" not in text[m.start() : m.end()]:
                    found.append((said * float(m.group("p")) / 100, m.start("p"), m.end()))
        for m in self.worked_factor.finditer(text):
            if m.group("dn"):  # "try doubling your usual 2,200": the figure is the base
                base: float | None = _whole(m.group("dn"))
            elif m.group("half") or m.group("dthat"):  # "double that": a base the text says
                base = said
            else:  # ("triple your 2,400 maintenance" on Saturdays)
                base = said or tdee
            factor = 0.5 if m.group("half") else 3.0 if m.group("tri") else 2.0
            if base is not None:
                found.append((base * factor, m.start(), m.end()))
        out: list[Finding] = []
        if stated is not None:
            facts = dataclasses.replace(facts, tdee=tdee, tdee_stated=True)
        cap = self._cap(facts)
        for intake, start, end in found:
            if not self._counts(view, stage, start, end):
                continue
            if (
                stage is not Stage.OUTPUT
                and self._asked(view, start)
                and not self._wants(view, start)
            ):
                continue  # "is maintenance + 40% too much?": a question, not a plan
            q = Quantity(intake, Unit.KCAL, start, end)
            low = self._floor_finding(stage, q, intake, facts)
            if low:
                out.extend(low)
            elif cap is not None and intake > cap:
                out.append(self._ceiling_finding(q, intake, cap))
            elif (
                facts.tdee_stated
                and facts.tdee is not None
                and facts.tdee - intake > self.s.max_deficit_kcal
            ):
                # "maintenance is 3500, I'll eat maintenance minus 1200": above the floor,
                # but a deficit larger than is safe
                out.extend(self._deficit_findings(q, facts.tdee - intake))
        return out

    def _a_day(self, text: str, value: float, end: int) -> float:
        """``value``, said up to ``end``, as a day's: a seventh of it when a week follows it
        ("add 3,500 kcal across the week on top of your maintenance": 500 a day)."""
        return value / 7 if self.per_week.match(text[end : end + 60]) else value

    def _changed(self, text: str, base: float, at: int = -1) -> list[tuple[float, int, int]]:
        """A said maintenance (or intake) changed in words: amounts added on top or taken
        off, amounts less or more ("800 menos", "aim 800 above it"), a share added, a factor,
        a half (see ``maintenance_add`` and the patterns after
        it in ``numeric.yaml``). Amounts added are summed. ``at``: where the text says the
        base (its figure is no amount of change)."""
        out: list[tuple[float, int, int]] = []
        added = [
            (
                sum(
                    self._a_day(text, _whole(m.group(g)), m.end(g))
                    for g in ("n", "m")
                    if m.group(g)
                ),
                m,
            )
            for m in self.maintenance_add.finditer(text)
        ]
        added = [(n, m) for n, m in added if 100 <= n <= 3000]
        if added and (self.maintenance_word.search(text) or self.add_anchor.search(text)):
            total = sum(n for n, _ in added)
            if any(
                self.day_kind.search(text, a.end(), b.start())
                for (_, a), (_, b) in itertools.pairwise(added)
            ):
                total = max(n for n, _ in added)  # one amount a kind of day, not their sum
            out.append((base + total, added[0][1].start(), added[-1][1].end()))
        for m in self.maintenance_off.finditer(text):
            n = _whole(m.group("n") or m.group("s") or m.group("d"))
            if 100 <= n < base:
                out.append((base - n, m.start(), m.end()))
        # (not the base's own figure: "the rest of the day I eat ~1700 more")
        for m in self.amount_less.finditer(text):
            n = _whole(m.group("n"))
            if 100 <= n < base and not m.start() <= at < m.end():
                out.append((base - n, m.start(), m.end()))
        for m in self.amount_more.finditer(text):
            n = _whole(m.group("n") or m.group("m"))
            if 100 <= n <= 3000 and not m.start() <= at < m.end():
                out.append((base + n, m.start(), m.end()))
        for m in self.percent_more.finditer(text):
            if m.group("p") or m.group("q") or m.group("r"):
                share = float(m.group("p") or m.group("q") or m.group("r")) / 100
            else:
                frac = next((m.group(g) for g in _FRAC_GROUPS if m.group(g)), "")
                share = _FRACTION_WORDS.get(frac, 0.5)
            out.append((base * (1 + share), m.start(), m.end()))
        for m in self.times_that.finditer(text):
            f = 1.5 if m.group("f15") else float((m.group("f") or m.group("f2")).replace(",", "."))
            if 0.3 <= f <= 3:
                out.append((base * f, m.start(), m.end()))
        for m in self.half_that.finditer(text):
            out.append((base / 2, m.start(), m.end()))
        for m in self.percent_of_base.finditer(text):
            out.append((base * float(m.group("p")) / 100, m.start(), m.end()))
        return out

    def worked_sums(
        self, text: str, facts: Facts, stated: tuple[float, Quantity] | None
    ) -> list[tuple[float, int, int]]:
        """Intakes written as sums on maintenance, with their spans: the figures inside a
        span are its operands, not intakes of their own ("eat 2,000 minus 400")."""
        tdee = stated[0] if stated is not None else facts.tdee
        found: list[tuple[float, int, int]] = []
        for m in self.worked_intake.finditer(text):
            op, pct = m.group("op"), m.group("pct") is not None
            raw = m.group("n")
            # "minus 1,300" (a thousands comma), "x 1,25" (a decimal comma)
            n = _whole(raw) if re.fullmatch(r"\d{1,2},\d{3}", raw) else float(raw.replace(",", "."))
            if self.worked_weighed.match(text, m.end()):
                continue  # "maintenance minus 1100 would be 1400, under the minimum"
            if m.group("word"):
                if stated is None and not facts.tdee_stated:
                    continue  # an estimate from the profile is too rough for a sum on it
                base = tdee
            else:
                base = float(m.group("base").replace(",", ""))
                lead = text[max(0, m.start() - 40) : m.start()]
                times = op in ("x", "×", "*", "times", "mal")
                if not (
                    (stated is not None and abs(stated[0] - base) < 1)
                    or self.maintenance_word.search(lead)
                    # "2200 × 1,25": scaling a daily-sized figure
                    or (times and not pct and 1.05 <= n <= 3)
                    or (op in _WORD_SIGNS and self.worked_eat_lead.search(lead))
                ):
                    continue
            if base is None or not 1200 <= base <= 6000:
                continue
            if op in ("x", "×", "*", "times", "mal"):
                if pct or not 0.3 <= n <= 3:
                    continue
                intake = base * n
            elif op in ("+", "plus", "mais"):
                intake = base * (1 + n / 100) if pct else base + n
                if not pct and not 50 <= n < base:
                    continue
            else:
                intake = base * (1 - n / 100) if pct else base - n
                if (pct and n >= 90) or (not pct and not 50 <= n < base):
                    continue
            if (said := self.worked_result.match(text, m.end())) is not None:
                result = float(said.group("n").replace(",", ""))
                if 800 <= result <= 9000:
                    intake = result  # "2000 + 600 = 2600": the figure said stands
            found.append((intake, m.start(), m.end()))
        found.extend(self._bmr_sums(text))
        if stated is not None:
            for m in self.stated_factor.finditer(text, stated[1].end):
                n = float(m.group("n").replace(",", "."))
                if m.start() - stated[1].end <= 150 and 0.3 <= n <= 3 and n != 1:
                    found.append((stated[0] * n, m.start(), m.end()))
        for m in self.added_on_top.finditer(text):
            base, n = (float(m.group(g).replace(",", "")) for g in ("base", "n"))
            count = self.reader._count(m.group("k")) if m.group("k") else 1  # "two 500-calorie"
            n = self._a_day(text, n, m.end("n"))  # "add 3,500 kcal across the week on top of"
            if count is not None and 1200 <= base <= 6000 and 100 <= n <= 3000:
                found.append((base + count * n, m.start(), m.end()))
        return found

    def _bmr_sums(self, text: str) -> list[tuple[float, int, int]]:
        """Intakes as the BMR less an amount ("BMR is about 1730 ... eat my BMR minus 250"),
        with the figure said after the first mention of the word as the base."""
        found: list[tuple[float, int, int]] = []
        base: float | None = None
        for word in self.bmr_word.finditer(text):
            said = self.bmr_value_after.match(text, word.end())
            if base is None and said is not None:
                value = _whole(said.group("n"))  # "1,720", "1.480"
                base = value if 900 <= value <= 3500 else None
            minus = self.bmr_minus_after.match(text, word.end())
            if minus is None and said is not None:
                # "my BMR (1,720) minus 400": the value said between the word and the sum
                rest = said.end() + text.startswith(")", said.end())
                minus = self.bmr_minus_after.match(text, rest)
            if minus is not None and base is not None:
                n = float(minus.group("n"))
                if 50 <= n < base:
                    found.append((base - n, word.start(), minus.end()))
        return found

    def _counted_meals(
        self,
        view: TextView,
        stage: Stage,
        facts: Facts,
        stated: tuple[float, Quantity] | None,
    ) -> list[Finding]:
        """A day as meals counted and sized ("5 meals of 1050 each", "3 meals at 700 + 3
        snacks at 300"): above the ceiling already, or below the floor when the text says
        that is the whole day."""
        text = view.text
        parts = list(self.counted_meals.finditer(text))
        if not parts:
            return []
        total = 0.0
        most_meals = 0.0  # the largest count of meals (not snacks or shakes) a part names
        for m in parts:
            count = self.reader._count(m.group("k") or m.group("k2") or m.group("k3"))
            each = float((m.group("v") or m.group("v2") or m.group("v3")).replace(",", ""))
            if count is None or not 50 <= each <= 2500:
                return []
            total += count * each
            if "meal" in m.group(0):
                most_meals = max(most_meals, count)
        start, end = parts[0].start(), parts[-1].end()
        if self.split_before.search(text, max(0, start - 30), start):
            return []  # "divida em 6 refeições de ~850": a stated total's parts
        if not self._counts(view, stage, start, end):
            return []
        if stage is not Stage.OUTPUT and not (
            self.meal_day_intent.search(text)
            or self.goal_label.search(text)
            or self.bulk_talk.search(text)
            or self._wants(view, start)
        ):
            return []
        # (three meals or more, with their snacks, are a whole day: "3 meals of around 400
        # each plus one 150 snack")
        whole = self.meal_day_whole.search(text) is not None or most_meals >= 3
        if whole:
            # the whole day: the other meals' figures count too ("breakfast 650, lunch 700,
            # two snacks at 200")
            total += sum(o.kcal or o.value for o in self._other_energy(text, parts, stated))
        q = Quantity(total, Unit.KCAL, start, end)
        cap = self._cap(facts)
        if cap is not None and total > cap:
            return [self._ceiling_finding(q, total, cap)]
        return self._floor_finding(stage, q, total, facts) if whole else []

    def _other_energy(
        self, text: str, parts: list[re.Match[str]], stated: tuple[float, Quantity] | None
    ) -> list[Quantity]:
        """Energy figures of ``text`` outside the counted meals (bare ones after a meal's
        name: "lunch 650"), its stated maintenance aside."""
        return [
            q
            for q in self.reader.quantities(text)
            if (
                q.is_energy
                or (
                    q.unit is Unit.NONE
                    and 50 <= q.value <= 2500
                    and self.meal_slot_before.search(text, max(0, q.start - 30), q.start)
                )
            )
            and not any(m.start() <= q.start < m.end() for m in parts)
            and not (stated is not None and stated[1].start == q.start)
        ]

    # -- fasting and minors ---------------------------------------------------------------------
    def _fasting(self, view: TextView, stage: Stage) -> list[Finding]:
        out: list[Finding] = []
        for m in self.fast.finditer(view.text):
            n = next(m.group(g) for g in _FAST_N if m.group(g))
            u = next(m.group(g) for g in _FAST_U if m.group(g))
            count = self.reader._count(n)
            hours = _HOURS.get(u.rstrip("s"), 0.0)
            if count is None or count * hours < self.s.max_fast_hours:
                continue
            if not self._counts(view, stage, m.start(), m.end()):
                continue
            if self.ctx.third_party_concern(view, m.start()):
                continue
            if stage is not Stage.OUTPUT and self.ctx.third_party_subject(view, m.start()):
                continue  # "My uncle is bragging about doing a 21-day water fast"
            if self._quoted_name(view, m.start(), m.end()):
                continue  # "I keep seeing '30-day fast' videos": the name of a thing seen
            total = count * hours
            out.append(Finding(
                "text.fast_length", T.UNSAFE_CONTENT, Severity.CRITICAL, Action.BLOCK,
                f"fast {total:.0f} h vs max {self.s.max_fast_hours:.0f} h",
                "Fasting for three days or more without medical supervision is dangerous.",
                "fasting", m.start(), m.end(), self.s.max_fast_hours, total,
            ))  # fmt: skip
        return out

    def _quoted_name(self, view: TextView, start: int, end: int) -> bool:
        """The span is inside quotation marks and the sentence does not say the user does it."""
        lead = view.text[view.sentence_at(start)[0] : start]
        return self.ctx.inside_quotes(view, start, end) and self.doing_before.search(lead) is None

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

    def _underweight_target(self, view: TextView, facts: Facts) -> list[Finding]:
        """A goal weight that would be underweight (BMI below 18.5) for the user's height.

        ``DOMAIN.md``: no deficit plans when the current or the target BMI is below 18.5;
        wanting to reach an underweight body is also an eating-disorder signal, so it is
        referred as one. A goal above the current weight (gaining back) is not judged.
        """
        if facts.height_cm is None or not 120 <= facts.height_cm <= 230:
            return []
        for m in self.target_weight.finditer(view.text):
            value = float(m.group("n").replace(",", "."))
            unit = m.group("u")
            if not unit and not 30 <= value <= 150:
                continue  # an unmarked number outside a kilogram weight: not read as one
            kg = Quantity(value, _mass_unit(unit or "kg"), m.start(), m.end()).kg or value
            target_bmi = bmi_of(kg, facts.height_cm) or 0.0
            if not 10 <= target_bmi < self.s.min_bmi:
                continue
            if facts.weight_kg is not None and kg >= facts.weight_kg:
                continue
            if self.ctx.negated(view, m.start(), window=4) or self.ctx.educational(view, m.start()):
                continue
            if self.ctx.has(self.ctx.third_party, view, view.clause_at(m.start())):
                continue  # "my sister's goal is 45": someone else's goal
            shown = f"target BMI {target_bmi:.1f} < {self.s.min_bmi}"
            return [
                Finding(
                    "text.underweight_target", T.WEIGHT_LOSS_RATE, Severity.CRITICAL,
                    Action.REFER, shown,
                    "A goal weight below a BMI of 18.5 isn't a safe target.", "underweight",
                    m.start(), m.end(), self.s.min_bmi, round(target_bmi, 1),
                ),
                Finding(
                    "ed.underweight_target", T.EATING_DISORDER_SIGNAL, Severity.CRITICAL,
                    Action.REFER, shown,
                    "Aiming for an underweight body may be a sign of an eating disorder.",
                    "ed", m.start(), m.end(), self.s.min_bmi, round(target_bmi, 1),
                ),
            ]  # fmt: skip
        return []

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


def _whole(raw: str) -> float:
    """An amount of kcal with its thousands separator: "1,000", "1.000", "900"."""
    return float(re.sub(r"[,.]", "", raw))


def _height_cm(m: re.Match[str]) -> float | None:
    """Centimetres from a ``height_stated`` match (cm, feet and inches, or metres)."""
    if m.group("cm"):
        return float(m.group("cm"))
    if m.group("ft"):
        return (int(m.group("ft")) * 12 + int(m.group("inch") or 0)) * CM_PER_INCH
    if m.group("m"):
        return float(m.group("m").replace(",", ".")) * 100
    return None
