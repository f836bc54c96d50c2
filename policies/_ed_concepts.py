"""Eating-disorder signals found by concepts that occur together, not by fixed phrases.

People describe disordered eating in endless words: "I cry if I go 10 calories over", "my
therapist doesn't know I stopped eating again", "my stomach growling makes me proud". Each
piece alone is ordinary (crying, a therapist, a growling stomach); the signal is the
combination, which is what SCOFF asks about (DOMAIN.md): distress or loss of control around
food, restriction paired with a body goal or with secrecy, exercise or fasting used to undo
eating, pride in hunger, worth tied to thinness.

A :class:`ConceptPair` fires when a match of ``first`` and one of ``second`` lie within
``window`` characters of each other in one sentence, the partner is not negated ("I don't feel
guilty when I eat"), and, where required, the person speaks about themselves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ._context import Context, TextView
from .rules import load_table


@dataclass(frozen=True, slots=True)
class ConceptPair:
    """Two concepts that, together and close, are an eating-disorder signal.

    ``same_clause``: both must sit in one clause (pride and hunger in separate clauses are
    "I was hungry, but I'm proud I didn't snack"). ``self_feeling``: the second concept is a
    feeling that must be the speaker's own and, when it names what it is about, be about food.
    """

    name: str
    first: re.Pattern[str]
    second: re.Pattern[str]
    window: int
    first_person: bool = True
    negatable_second: bool = True
    same_clause: bool = False
    self_feeling: bool = False


class EdConcepts:
    """Compiled concept pairs (built once per engine)."""

    def __init__(self) -> None:
        t = load_table("ed_concepts")
        food, restrict, distress = t.compile("food"), t.compile("restrict"), t.compile("distress")
        self.first_person = t.compile("first")
        self.pairs = [
            # restriction with a body goal, distress, compensation, secrecy or pride
            ConceptPair("restriction_goal", restrict, t.compile("body_goal"), 90),
            ConceptPair("restriction_distress", restrict, distress, 90, self_feeling=True),
            ConceptPair("restriction_pride", restrict, t.compile("pride"), 60, same_clause=True),
            ConceptPair("restriction_secrecy", restrict, t.compile("secrecy"), 60),
            ConceptPair("restriction_compensation", restrict, t.compile("compensate"), 90),
            # distress or compensation tied to eating
            ConceptPair("eating_distress", food, distress, 50, self_feeling=True),
            ConceptPair("eating_compensation", food, t.compile("compensate"), 60),
            ConceptPair("secret_behaviour", t.compile("secrecy"), t.compile("ed_acts"), 50),
            ConceptPair("eating_control_loss", food, t.compile("control_loss"), 60),
            ConceptPair(
                "hunger_pride", t.compile("hunger"), t.compile("pride"), 30, same_clause=True
            ),
            ConceptPair("bones_showing", t.compile("bones"), t.compile("showing"), 40),
            ConceptPair("worth_thinness", t.compile("worth"), t.compile("thin_if"), 40),
            ConceptPair(
                "insulin_weight",
                t.compile("insulin"),
                t.compile("lose"),
                60,
                negatable_second=False,
            ),
        ]
        self.food = food
        self.feeling_object = t.compile("feeling_object")
        self.third_subject = t.compile("third_subject")
        self.self_subject = t.compile("self_subject")
        self.single = [
            ("shame_request", t.compile("shame_me")),
            ("chew_spit", t.compile("spit")),
            ("liquid_diet", t.compile("liquid_diet")),
            ("fat_yet_thin", t.compile("fat_yet_thin")),
            ("deserve_starve", t.compile("deserve_starve")),
            ("emaciated_goal", t.compile("emaciated_goal")),
            ("control_feeling", t.compile("control_feeling")),
            ("exercise_for_food", t.compile("exercise_for_food")),
            ("thigh_gap", t.compile("thighs")),
            ("still_fat", t.compile("still_fat")),
            ("others_worried", t.compile("others_worried")),
            ("safe_foods", t.compile("safe_foods")),
            ("token_intake", t.compile("token_intake")),
            ("secret_eating", t.compile("secret_eating")),
            ("low_bmi_goal", t.compile("low_bmi_goal")),
            ("performed_eating", t.compile("performed_eating")),
            ("appetite_gone", t.compile("appetite_gone")),
        ]

    def find(self, view: TextView, ctx: Context) -> tuple[str, int, int] | None:
        """The first concept combination in ``view``: (name, start, end) or None."""
        text = view.text
        for name, pattern in self.single:
            m = pattern.search(text)
            if m and not ctx.negated(view, m.start()):
                return name, m.start(), m.end()
        for pair in self.pairs:
            firsts = list(pair.first.finditer(text))
            if not firsts:
                continue
            for b in pair.second.finditer(text):
                if pair.negatable_second and ctx.negated(view, b.start()):
                    continue
                if pair.self_feeling and not self._own_food_feeling(view, b):
                    continue
                sent = view.sentence_at(b.start())
                clause = view.clause_at(b.start())
                for a in firsts:
                    if a.start() == b.start() or not sent[0] <= a.start() < sent[1]:
                        continue
                    if pair.same_clause and not clause[0] <= a.start() < clause[1]:
                        continue
                    if abs(a.start() - b.start()) > pair.window:
                        continue
                    if pair.first_person and not self.first_person.search(text, *sent):
                        continue
                    return pair.name, min(a.start(), b.start()), max(a.end(), b.end())
        return None

    def _own_food_feeling(self, view: TextView, feeling: re.Match[str]) -> bool:
        """The speaker feels it, and about food when the feeling names its object."""
        text = view.text
        cs, ce = view.clause_at(feeling.start())
        clause = text[cs:ce]
        if self.third_subject.search(clause) or not self.self_subject.search(clause):
            # "I'm so ashamed" as its own short clause after a food clause still counts
            if not (self.self_subject.search(clause) and len(clause.split()) <= 5):
                return False
        obj = self.feeling_object.match(text, feeling.end(), ce)
        return obj is None or self.food.search(obj.group("obj")) is not None
