"""How a number in the coach's reply is framed: a report of the user's data, or advice.

The coach shows people their own logs and trends ("you averaged 950 kcal a day over the last
28 days", "your trend weight is falling by about 1.2 kg a week"). Those numbers are facts about
what happened; amending them to a safe value would falsify the data shown to the user. Advice
("aim for 900 calories", "keep going at 2 kg a week!") is what the output checks must catch.

A number is *observed* when its clause (or the clause just before) carries a report marker (a
past time span, a past-tense or progressive verb about the user's data, a data noun such as
"average" or "logged") and nothing prescribes it: no directive in its own clause (imperative,
modal, recommendation, target noun, future anchor), no endorsement in its sentence ("keep it
up", "a great pace", "which is fine", "realistic") and no hypothetical ("if you ate 900 a day").
Prescription wins every tie, so ambiguous sentences keep the checks they had.
"""

from __future__ import annotations

from ._context import TextView
from .rules import load_table


class Framing:
    """Compiled framing patterns (built once per engine)."""

    def __init__(self) -> None:
        t = load_table("framing")
        self._report = t.compile("report")
        self._imperative = t.compile("imperative")
        self._directive = t.compile("directive")
        self._advice = t.compile("advice")
        self._directive_after = t.compile("directive_after")
        self._future = t.compile("future")
        self._endorse = t.compile("endorse")
        self._hypothetical = t.compile("hypothetical")

    def observed(self, view: TextView, start: int, end: int) -> bool:
        """True when the number at ``start:end`` reports the user's data and nothing in its
        sentence prescribes it ("over the last 28 days you averaged 950 kcal a day")."""
        text = view.text
        ss, _ = view.sentence_at(start)
        cs, ce = view.clause_at(start)
        # The report marker sits in the number's clause or the one just before it ("over the
        # past 6 weeks, 2.5 kg a week"); a clause further back may have changed the subject
        # ("last week you averaged 1,500; this week, 900 kcal a day").
        prev = view.clause_at(cs - 1)[0] if cs > ss else cs
        if self._report.search(text, max(ss, prev), ce) is None:
            return False
        return not self.prescribed(view, start, end)

    def prescribed(self, view: TextView, start: int, end: int) -> bool:
        """True when the number is put forward as advice: a directive in its clause, or an
        endorsement or hypothetical in its sentence ("you should eat 800 kcal", "if you ate
        900 a day ...")."""
        text = view.text
        ss, se = view.sentence_at(start)
        cs, ce = view.clause_at(start)
        lead = text[cs:start]
        # (the imperative may open the span itself: "so bump that by 30%")
        if self._imperative.match(text[cs:end]) or self._directive.search(lead):
            return True
        after = text[end:ce]
        if self._directive_after.search(after) or self._future.search(after):
            return True
        return bool(self._endorse.search(text, ss, se) or self._hypothetical.search(text, ss, se))

    def advised(self, view: TextView, start: int, end: int) -> bool:
        """True when the number is recommended, set for the future or its pace endorsed, even
        with no verb of its own ("I recommend 1.5 kg per week", "keep going at 2 kg a week!")."""
        text = view.text
        ss, se = view.sentence_at(start)
        cs, ce = view.clause_at(start)
        lead = text[cs:start]
        if self._imperative.match(lead) or self._advice.search(lead):
            return True
        if self._future.search(text, end, ce):
            return True
        return self._endorse.search(text, ss, se) is not None
