"""Prolonged self-starvation with the wish to keep going: an eating-disorder signal.

"I haven't eaten anything in 4 days and I want to keep going, any tips?" is more than a
dangerous fast: restriction is an eating-disorder behaviour (DOMAIN.md "Behaviours"), and
days without food plus the wish to continue, pride in it, or tips to push through is the
pattern to refer. The signal is two concepts in one message:

- a **state**: the speaker has already gone days without food ("haven't eaten in 4 days",
  "it's been a week since I ate", "day 5 of no food", "I've been fasting for 6 days"), at
  least ``min_starvation_hours`` (48 h) without eating, or ``max_fast_hours`` (72 h) when
  the speaker calls it a fast;
- a **continuation**: wanting to keep going, pride or good feelings about it, or asking for
  tips (not tips to start eating again).

Religious fasts, medically supervised ones, illness and a lack of money are reasons that are
not this signal; plain questions ("is it safe to fast for 4 days?") have no state. A plan not
yet started ("no food for 5 days, how do I push through") stays dangerous fasting only.
"""

from __future__ import annotations

import re

from ._context import Context, TextView
from .rules import load_table
from .settings import PolicySettings

_WORD_COUNTS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "twenty": 20, "thirty": 30, "several": 3, "a few": 3,
    "few": 3, "many": 3, "multiple": 2, "a couple of": 2, "couple of": 2, "a couple": 2,
}  # fmt: skip
_UNIT_HOURS = {"hour": 1.0, "hr": 1.0, "day": 24.0, "week": 168.0, "fortnight": 336.0,
               "month": 730.0}  # fmt: skip


def _hours(span: re.Pattern[str], dur: str) -> float | None:
    """Hours in a span like "4 days", "a full week", "a couple of weeks" or bare "days"."""
    m = span.fullmatch(dur.strip())
    if m is None:
        return None
    raw = re.sub(r"\s+", " ", m.group("n") or "")
    if not raw:
        count = 2.0  # "for days", "in weeks": at least two
    elif raw[0].isdigit():
        count = float(raw)
    else:
        count = float(_WORD_COUNTS.get(raw, 0))
    return count * _UNIT_HOURS[m.group("u")]


class ProlongedStarvation:
    """Days without food plus the wish to continue (patterns compiled once)."""

    def __init__(self, settings: PolicySettings) -> None:
        self.min_hours = settings.min_starvation_hours
        self.min_fast_hours = settings.max_fast_hours
        t = load_table("starvation")
        self.states = t.compile_each("states")
        self.span = t.compile("span")
        self.negated_before = t.compile("negated_before")
        self.third_person = t.compile("third_person")
        self.first_person = t.compile("first_person")
        self.day_n = t.compile("day_n")
        self.cont = t.compile("continue")
        self.refuse_stop = t.compile("refuse_stop")
        self.other_reason = t.compile("other_reason")

    def find(self, view: TextView, ctx: Context) -> tuple[int, int] | None:
        """The span of the starvation state when a continuation goes with it, or None."""
        text = view.text
        state = self._state(view)
        if state is None or self.other_reason.search(text):
            return None
        if ctx.third_party_concern(view, state[0]):
            return None
        for pattern, negatable in ((self.refuse_stop, False), (self.cont, True)):
            for m in pattern.finditer(text):
                if state[0] <= m.start() < state[1]:
                    continue  # the state itself ("day 5 of my fast") is not its continuation
                if negatable and self._negated(view, m.start(), state):
                    continue
                # Only the state is the evidence: the log keeps a minimal excerpt, never the
                # whole disclosure.
                return state
        return None

    def _state(self, view: TextView) -> tuple[int, int] | None:
        text = view.text
        for pattern in self.states:
            for m in pattern.finditer(text):
                hours = _hours(self.span, m.group("dur"))
                fast = m.groupdict().get("fast")
                if hours is not None and self._long_enough(hours, fast) and self._speaker(view, m):
                    return m.start(), m.end()
        for m in self.day_n.finditer(text):
            n = m.group("n")
            count = float(n) if n.isdigit() else float(_WORD_COUNTS.get(n, 0))
            if self._long_enough(count * 24, m.group("fast")) and self._speaker(view, m):
                return m.start(), m.end()
        return None

    def _long_enough(self, hours: float, fast: str | None) -> bool:
        return hours >= (self.min_fast_hours if fast else self.min_hours)

    def _speaker(self, view: TextView, m: re.Match[str]) -> bool:
        """The speaker, not someone else, went without food ("my son hasn't eaten ...")."""
        cs, _ = view.clause_at(m.start())
        prefix = view.text[cs : m.start()]
        return not (self.third_person.search(prefix) and not self.first_person.search(prefix))

    def _negated(self, view: TextView, start: int, state: tuple[int, int]) -> bool:
        """A negator right before the continuation ("I can't keep going"), after the state."""
        cs, _ = view.clause_at(start)
        lo = max(cs, state[1] if state[1] <= start else cs, start - 40)
        return self.negated_before.search(view.text[lo:start]) is not None
