"""Reading quantities and time spans from normalised free text.

Numbers are written many ways: ``1,800``, ``1 800 kcal``, ``1.800 kcal``, ``1.1k``,
``1200kcal``, ``eight hundred``, ``twelve hundred``, ``one thousand five hundred``,
``two and a half``, ``half a stone``, ``a kilo``. Units: kcal/calories, kJ and MJ (converted by
/4.184), kg, lb/lbs/pounds, stone, grams, g/kg, g/lb, percent, hours/days/weeks/months,
years old and medication doses. Ranges (``800-1000 calories``) give the unit to both ends.

Time spans turn an amount into a weekly rate: ``per week``, ``a week``, ``weekly``,
``in 2 weeks``, ``in ten days``, ``in a month``, ``by Saturday`` (at most a week away, so
read as one week: the slowest rate it can mean), ``by tomorrow``, ``this month``.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from enum import StrEnum

from ..rules import load_table

KJ_PER_KCAL = 4.184  # thermochemical calorie
KG_PER_LB = 0.45359237  # international avoirdupois pound
KG_PER_STONE = 6.35029318  # 14 lb
CM_PER_INCH = 2.54  # international inch
WEEKS_PER_MONTH = 4.345  # 365.25 / 12 / 7


class Unit(StrEnum):
    """Unit families the reader recognises."""

    KCAL = "kcal"
    KJ = "kj"
    MJ = "mj"
    KG = "kg"
    LB = "lb"
    STONE = "stone"
    GRAM = "g"
    G_PER_KG = "g/kg"
    G_PER_LB = "g/lb"
    PERCENT = "%"
    HOUR = "hour"
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"
    DOSE = "dose"
    NONE = ""


_MASS = {Unit.KG: 1.0, Unit.LB: KG_PER_LB, Unit.STONE: KG_PER_STONE}
_WEEKS = {Unit.HOUR: 1 / 168, Unit.DAY: 1 / 7, Unit.WEEK: 1.0, Unit.MONTH: WEEKS_PER_MONTH}


@dataclass(slots=True)
class Quantity:
    """A number with its unit; spans index the normalised text."""

    value: float
    unit: Unit
    start: int
    end: int
    plus: bool = False  # "5500+": at least this much
    sign: int = 0  # -1 for "-4kg" (a loss written as a signed change), +1 for "+2kg"

    @property
    def kg(self) -> float | None:
        """The value in kilograms, for masses."""
        factor = _MASS.get(self.unit)
        return None if factor is None else self.value * factor

    @property
    def kcal(self) -> float | None:
        """The value in kcal, for energies (kJ converted)."""
        if self.unit is Unit.KCAL:
            return self.value
        if self.unit is Unit.KJ:
            return self.value / KJ_PER_KCAL
        if self.unit is Unit.MJ:
            return self.value * 1000 / KJ_PER_KCAL
        return None

    @property
    def weeks(self) -> float | None:
        """The value in weeks, for durations."""
        factor = _WEEKS.get(self.unit)
        return None if factor is None else self.value * factor

    @property
    def is_mass(self) -> bool:
        """True for kg, lb and stone."""
        return self.unit in _MASS

    @property
    def is_energy(self) -> bool:
        """True for kcal and kJ."""
        return self.unit in (Unit.KCAL, Unit.KJ, Unit.MJ)


@dataclass(slots=True)
class Period:
    """A time span in the text: ``per`` is a rate unit ("a week"), else a horizon."""

    weeks: float
    per: bool
    start: int
    end: int


#: Unit families in the order their patterns are tried (``units.yaml``).
_UNIT_ORDER = (
    Unit.G_PER_KG, Unit.G_PER_LB, Unit.KJ, Unit.MJ, Unit.KCAL, Unit.KG, Unit.LB, Unit.STONE,
    Unit.DOSE, Unit.GRAM, Unit.PERCENT, Unit.YEAR, Unit.HOUR, Unit.DAY, Unit.WEEK, Unit.MONTH,
)  # fmt: skip
_VAGUE = frozenset({"couple", "few", "several"})


class NumberReader:
    """Compiled number, unit and period patterns; build once per engine."""

    def __init__(self) -> None:
        self._last: tuple[str, list[Quantity]] | None = None
        t = load_table("units")
        self._small = {**t.values("small"), **t.values("foreign")}
        self._hundreds = t.values("hundreds")
        self._thousands = t.values("thousands")
        self._fractions = t.values("fractions")
        self._joiners = frozenset(t.words("joiners"))
        vocab = [*self._small, *self._hundreds, *self._thousands, *self._fractions, "dozen"]
        word = (
            "(?:"
            + "|".join(
                w.replace(" ", r"\s+") + (t.source("not_grand") if w == "grand" else "")
                for w in sorted(vocab, key=len, reverse=True)
            )
            + ")"
        )
        ahead = t.source("energy_ahead")
        join = "|".join(rf"\s+{j}\s+a\s+|\s+{j}\s+" for j in sorted(self._joiners))
        digits = (
            rf"\d{{1,3}}(?: \d{{3}})+{ahead}"
            rf"|\d{{1,3}}(?:\.\d{{3}})+{ahead}"
            r"|\d{1,3}(?:,\d{3})+(?!\d)"
            r"|\d+,\d{1,2}(?![\d,])"
            r"|\d+(?:\.\d+)?|\.\d+"
        )
        words = (
            rf"\b(?:(?:a|an)\s+)?{word}"
            rf"(?:(?:{join}|\s+a\s+|\s+of\s+|\s*){word}|\s+point\s+{word})*\b"
            r"(?:\s+of\b|\s+an?(?=\s+(?:kilo|kg|pound|lb|stone|gram|g\b)))?"
        )
        hundreds = "|".join(sorted(self._hundreds, key=len, reverse=True))
        self._number = re.compile(
            rf"(?<![\w.,])(?P<d>{digits})(?P<half>\s+and\s+a\s+half\b)?"
            r"(?P<k>\s?k\b(?!\s?(?:g|j|cal|m)\b))?"
            rf"(?P<t>\s?(?:thousand|grand{t.source('not_grand')})\b)?"
            rf"(?P<h>\s?(?:{hundreds})\b)?"
            r"(?:\s?-?\s?ish\b)?"  # "900ish", "900-ish": approximately
            rf"|(?P<w>{words})"
            # ("a full stone off", "a whole kilo"): one of the unit
            r"|\b(?P<a>an?)\s+(?:(?:full|whole|solid|good|entire)\s+)?"
            r"(?=(?:kilo|kg|pound|lb|stone|calorie)s?\b)"
        )
        units = [(u, t.source(u.name.lower())) for u in _UNIT_ORDER]
        self._unit = re.compile(
            r"[\s-]{0,2}(?:" + "|".join(f"(?P<{u.name}>{p})" for u, p in units) + ")"
        )
        self._word_tok = re.compile(
            word + r"|\ban?\b|\b(?:" + "|".join(self._joiners) + r")\b|\bpoint\b"
        )
        self._range = re.compile(r"\s?(?:-|to|or|and)\s?")
        # ("three and a half weeks", "3 and a half months": the half read with its count)
        num = (
            rf"(?:(?:\d+(?:\.\d+)?|{word}(?:\s?{word})*)(?:\s+and\s+a\s+half\b)?"
            r"|an?|a\s+couple\s+of|a\s+few|couple\s+of)"
        )
        self._num_only = re.compile(rf"(?:{num})")
        day = (
            r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri"
            r"|sat|sun|weekend)"
        )
        self._period = re.compile(
            # ("pro" and "par": "pro Woche", "par semaine", read "pro week", "par week")
            r"(?P<per>(?:\bper|\ban?|\beach|\bevery|\bpro|\bpar|/"
            # ("en un mes", "em um mês", "in einem Monat": in a month)
            r"|\b(?:in|en|em|im|entro)\s+(?:a|one|1|just\s+a|only\s+a|un|una|um|uma|einem|einer)"
            r"|\bwithin\s+(?:a|one|1))\s?(?:single\s+|given\s+|calendar\s+)?"
            r"(?P<pu>day|week|wk|month|fortnight|hour)\b"
            r"|\b(?:daily|weekly|monthly|fortnightly|nightly|overnight|pw)\b)"
            # ("em 6 semanas", "en 6 semanas", "tra 5 settimane", "binnen 6 weken", "d'ici 5
            # semaines", "w 6 tygodni": in, read with the foreign "weeks")
            rf"|(?P<span>\b(?:in|within|over|during|inside|under|for|em|en|entro|tra|fra|binnen|dans|dici|w)\s+(?:the\s+)?"
            r"(?:next\s+|coming\s+|following\s+|span\s+of\s+|just\s+|only\s+|about\s+|around\s+"
            r"|(?:my|the)\s+first\s+)?"
            rf"(?P<sn>{num})\s?-?\s?(?:(?:more|further|extra|additional)\s+)?"
            r"(?P<su>hours?|hrs?|days?|weeks?|wks?|months?|fortnights?)\b)"
            rf"|(?P<by>\b(?:by|before|until|till|til)\s+(?:this\s+coming\s+|this\s+|next\s+|the\s+)?"
            # ("by the end of week 4": four weeks)
            rf"(?P<bw>{day}|tomorrow|tmrw|tmr|tonight|end\s+of\s+(?:the\s+|this\s+)?(?:week|month)"
            r"(?:\s+(?P<bn>\d{1,2})\b)?"
            r"|next\s+(?:week|month)|week|month)\b)"
            # "2.1 kg in week one", "1.6 kg in my first week" (not "my first week of keto")
            r"|(?P<this>\bthis\s+(?P<tu>week|month|weekend)\b"
            r"|\b(?:(?:my|your)\s+first\s+week|week\s+(?:one|1))\b(?!\s+of\b)"
            # ("down 1.2 kg in week one of the new plan": after "in", the week the loss took)
            r"|(?<=\bin\s)(?:week\s+(?:one|1)|the\s+first\s+week\b(?!\s+of\b))\b"
            # ("First week of the cut done and I dropped 1.6 kg": a sentence opening with it)
            r"|(?:^|(?<=[.!?]\s)|(?<=\n))first\s+week\b)"
            # "my wedding on saturday": within a week
            r"|(?P<on>\bon\s+(?:this\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday"
            r"|sunday)\b(?!s))"
            # "before my holiday next week": at most two weeks (a month: two months) away
            r"|(?P<next>\bnext\s+(?P<nu>week|month)\b)"
            # ("about 10 more weeks to get to around 68.5": the weeks still to go)
            rf"|(?P<adj>\b(?P<an>{num})\s?-?\s?(?:(?:more|further|extra|additional)\s+)?"
            r"(?P<au>day|week|wk|month)s?\b)"
        )

    # -- numbers -----------------------------------------------------------------------
    def quantities(self, text: str) -> list[Quantity]:
        """Every number in ``text`` with the unit that follows it (``Unit.NONE`` if none).

        The last text's reading is kept: one check asks for it several times (roles,
        maintenance, units); the quantities are shared, so treat them as read-only.
        """
        cached = self._last
        if cached is not None and cached[0] == text:
            return list(cached[1])
        found = self._read(text)
        self._last = (text, found)
        return list(found)

    def _read(self, text: str) -> list[Quantity]:
        found: list[Quantity] = []
        for m in self._number.finditer(text):
            value = self._value(m)
            if value is None:
                continue
            end = m.end()
            plus = text.startswith("+", end)
            end += plus
            unit = Unit.NONE
            um = self._unit.match(text, end)
            if um is not None and um.lastgroup is not None:
                unit = Unit[um.lastgroup]
                end = um.end()
            if m.group("a") is not None and unit is Unit.NONE:
                continue
            if (
                m.group("w") is not None
                and unit is Unit.NONE
                and m.group("w").strip() in ("a", "an")
            ):
                continue
            sign = 0
            lead = text[max(0, m.start() - 2) : m.start()]
            if m.group("d") is not None and lead.endswith(("-", "+")):
                # "-4kg/week", "goal: +2 kg": a signed change, not a range ("3-4 kg")
                if len(lead) < 2 or not lead[0].isalnum():
                    sign = -1 if lead.endswith("-") else 1
            found.append(Quantity(value, unit, m.start(), end, plus, sign))
        self._spread_range_units(text, found)
        return _stone_and_pounds(text, found)

    def _value(self, m: re.Match[str]) -> float | None:
        if m.group("d") is not None:
            raw = m.group("d")
            if "," in raw and re.fullmatch(r"\d+,\d{1,2}", raw):
                value = float(raw.replace(",", "."))
            # "1.500 kcal" groups thousands; "0.875 kg" (a leading zero) is a decimal
            elif " " in raw or re.fullmatch(r"(?!0\.)\d{1,3}(?:\.\d{3})+", raw):
                value = float(raw.replace(" ", "").replace(".", ""))
            else:
                value = float(raw.replace(",", ""))
            if m.group("half"):
                value += 0.5  # "8 and a half stone"
            if m.group("k") or m.group("t"):
                value *= 1000
            if m.group("h"):
                value *= 100  # "9 hundred", "12 hundo"
            return value
        if m.group("w") is not None:
            return self._words_value(m.group("w"))
        return 1.0

    def _words_value(self, phrase: str) -> float | None:
        tokens = self._word_tok.findall(phrase)
        spoken = self._spoken_hundreds(tokens)
        if spoken is not None:
            return spoken
        total = 0.0
        current = 0.0
        fraction = 0.0
        pending_one = False
        decimals: list[int] | None = None
        seen = False
        for tok in tokens:
            if tok in ("a", "an"):
                pending_one = True
                continue
            if tok in self._joiners:
                continue
            if tok == "point":
                decimals = []
                continue
            if decimals is not None and tok in self._small and self._small[tok] < 10:
                decimals.append(int(self._small[tok]))
                continue
            seen = True
            tok = " ".join(tok.split())  # "huit  cents"
            if tok in self._small:
                current += self._small[tok]
            elif tok in self._hundreds:
                current = ((current + fraction) or 1) * 100
                fraction = 0.0
            elif tok in self._thousands:
                total += ((current + fraction) or 1) * 1000  # "three and a half thousand"
                current = fraction = 0.0
            elif tok == "dozen":
                current = (current or 1) * 12
            elif tok in self._fractions:
                part = self._fractions[tok]
                if current or total:
                    fraction += part
                else:
                    current = part
            pending_one = False
        if not seen:
            return 1.0 if pending_one else None
        value = total + current + fraction
        if decimals:
            value += float("0." + "".join(str(d) for d in decimals))
        return value

    def _spoken_hundreds(self, tokens: list[str]) -> float | None:
        """Hundreds said the way people say prices: "seven fifty" (750), "twelve forty" (1240).

        Only a number from one to nineteen followed directly by a tens word (and an optional
        unit digit) reads this way; "twenty five" stays 25.
        """
        words = [t for t in tokens if t not in ("a", "an", "and")]
        small = self._small
        if len(words) not in (2, 3) or any(w not in small for w in words):
            return None
        if words[0] in _VAGUE or words[1] in _VAGUE:
            return None
        head, tens = int(small[words[0]]), int(small[words[1]])
        if not (1 <= head <= 19 and tens >= 20 and tens % 10 == 0):
            return None
        unit = int(small[words[2]]) if len(words) == 3 else 0
        if len(words) == 3 and not 1 <= unit <= 9:
            return None
        return float(head * 100 + tens + unit)

    def _spread_range_units(self, text: str, found: list[Quantity]) -> None:
        for left, right in itertools.pairwise(found):
            if left.unit is not Unit.NONE or right.unit is Unit.NONE:
                continue
            gap = text[left.end : right.start]
            if gap.strip() == "and" and not text[: left.start].endswith("between "):
                continue
            if not self._range.fullmatch(gap):
                continue
            if (
                right.is_energy
                and right.value >= 1000
                and left.value < 100
                and left.value * 1000 <= right.value
            ):
                left.value *= 1000  # "6-7k calories", "1.2 to 1.5k": the thousands are both's
            if left.value <= right.value * 1.01:
                left.unit = right.unit

    # -- periods -------------------------------------------------------------------------
    def periods(self, text: str) -> list[Period]:
        """Every time span in ``text``, with its length in weeks."""
        out: list[Period] = []
        for m in self._period.finditer(text):
            weeks = self._period_weeks(m)
            if weeks is not None and weeks > 0:
                out.append(Period(weeks, m.group("per") is not None, m.start(), m.end()))
        return out

    def _period_weeks(self, m: re.Match[str]) -> float | None:
        if m.group("per") is not None:
            unit = m.group("pu") or m.group("per").strip()
            return _unit_weeks(unit)
        if m.group("span") is not None:
            n = self._count(m.group("sn"))
            unit = _unit_weeks(m.group("su"))
            return None if n is None or unit is None else n * unit
        if m.group("by") is not None:
            what = m.group("bw")
            if what in ("tomorrow", "tmrw", "tmr", "tonight"):
                return 1 / 7
            count = float(m.group("bn")) if m.group("bn") else 1.0
            return (WEEKS_PER_MONTH if "month" in what else 1.0) * count
        if m.group("this") is not None:
            return WEEKS_PER_MONTH if m.group("tu") == "month" else 1.0
        if m.group("on") is not None:
            return 1.0
        if m.group("next") is not None:
            return 2 * WEEKS_PER_MONTH if m.group("nu") == "month" else 2.0
        n = self._count(m.group("an"))
        unit = _unit_weeks(m.group("au"))
        return None if n is None or unit is None else n * unit

    def _count(self, raw: str) -> float | None:
        raw = raw.strip()
        if raw.endswith(" and a half") and raw[0].isdigit():
            whole = self._count(raw.removesuffix(" and a half"))
            return None if whole is None else whole + 0.5
        if raw in ("a", "an"):
            return 1.0
        if raw.startswith(("a couple", "couple")):
            return 2.0
        if raw == "a few":
            return 3.0
        try:
            return float(raw)
        except ValueError:
            return self._words_value(raw)


def _stone_and_pounds(text: str, found: list[Quantity]) -> list[Quantity]:
    """ "12st 2lb", "11st 4", "9 stone 6": one weight in stone, the pounds its fraction."""
    out: list[Quantity] = []
    for q in found:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.unit is Unit.STONE
            and q.unit in (Unit.LB, Unit.NONE)
            and 0 <= q.value < 14
            and text[prev.end : q.start].strip(" ") == ""
            and not (q.unit is Unit.NONE and text[q.end : q.end + 1].isdigit())
        ):
            out[-1] = Quantity(prev.value + q.value / 14, Unit.STONE, prev.start, q.end)
            continue
        out.append(q)
    return out


def _unit_weeks(unit: str) -> float | None:
    unit = unit.rstrip("s")
    if unit in ("hour", "hr", "h"):
        return 1 / 168
    if unit in ("day", "daily", "nightly", "overnight"):
        return 1 / 7
    if unit in ("week", "wk", "weekly", "pw"):
        return 1.0
    if unit in ("fortnight", "fortnightly"):
        return 2.0
    if unit in ("month", "monthly", "mo"):
        return WEEKS_PER_MONTH
    return None
