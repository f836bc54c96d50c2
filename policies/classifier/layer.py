"""How the classifier's scores and the rules' findings make one set of findings.

- The classifier decides the semantic types (eating-disorder signal, medical claim, unsafe
  content, self-harm): a label fires when its probability reaches its calibrated threshold.
  A rule finding of a semantic type is kept only when the classifier gives its type at least
  ``CONFIRM_RATIO`` of the threshold (rules spot a concept; the model reads who and how),
  unless its rule is marked ``stands: true`` in its table.
- The rules keep the numbers: their numeric findings stand, except in a mention about someone
  else (``NUMERIC_CONFIRM_RATIO``). A numeric backstop label
  (intake described only as foods, a pace in words) fires only when the rules read no
  quantity of that type in the text.
- Self-harm always gives a crisis referral (``topic="crisis"``, refer), never an
  eating-disorder referral alone.
- A mention about someone else, a hypothetical or an educational question that fires nothing
  is allowed; ``support`` then names the topic whose resources go in the decision's message.

Evidence names the label and its score: ``classifier self_harm 0.97 >= 0.41``.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from persistence.enums import PolicyViolationType as T
from persistence.enums import Severity

from .._findings import Finding
from .._text_checks import _EXPLANATION as RULE_EXPLANATION
from ..models import Action, Stage
from ..quantities import Quantity, Unit
from ..rules import load_table, standing_rules
from .runtime import OWN, Scores

#: A semantic rule finding needs this share of its type's threshold from the classifier
#: (chosen on the validation split; see docs/safety.md).
CONFIRM_RATIO = 0.25
#: In a text about someone else, a story or a question (the "about" head), a numeric rule
#: finding needs this share of its type's threshold from the classifier's numeric head: it
#: removes trivia and figures about others ("sumo wrestlers eat 7,000 kcal a day", "my
#: daughter only gets 15 g of protein, how do I get more into her?") that the rules read as
#: the user's own target, while a request to set one for them still stands.
NUMERIC_CONFIRM_RATIO = 0.5
#: "About" must be this likely for a mention to count as someone else's (or hypothetical,
#: or educational) when deciding to add supportive resources.
ABOUT_MIN = 0.5
#: Some risk must be in the air for resources to be worth adding to an allowed mention.
SUPPORT_MIN = 0.2
#: Under this share of words the encoder's vocabulary holds whole, a text is mostly in another
#: language: the model (trained on English) cannot read it, so it vetoes no rule finding
#: (round 36: on text mostly in other languages the layer took detection from 0.40 to 0.34).
READABLE_MIN = 0.6
_READ_UNCONFIRMED = frozenset({T.UNSAFE_CONTENT, T.MEDICAL_CLAIM})

SEMANTIC = frozenset({T.EATING_DISORDER_SIGNAL, T.MEDICAL_CLAIM, T.UNSAFE_CONTENT})
NUMERIC = frozenset({T.CALORIE_MINIMUM, T.CALORIE_MAXIMUM, T.PROTEIN_MINIMUM, T.WEIGHT_LOSS_RATE})
#: Rule findings of a semantic type that come from numbers (a fast's length, a BMI): they are
#: the rules' to decide.
_NUMERIC_RULES = ("text.", "ed.underweight_loss", "ed.concept.prolonged_starvation")

#: The rules' explanations per topic, plus the classifier's own topics.
_EXPLANATION = {
    **RULE_EXPLANATION,
    "unsafe": "This could seriously harm your health.",
    "intake": "That is far too little food for a day: 1,200 kcal a day is the lowest target "
    "I can plan.",
    "surplus": "That is far more food than your body needs; a surplus of 5-20% over "
    "maintenance is the most I can plan.",
}
_NUMERIC_TOPIC = {
    T.CALORIE_MINIMUM: "intake",
    T.CALORIE_MAXIMUM: "surplus",
    T.PROTEIN_MINIMUM: "protein",
    T.WEIGHT_LOSS_RATE: "rate",
}
_ENERGY = frozenset({Unit.KCAL, Unit.KJ, Unit.MJ})
_MASS = frozenset({Unit.KG, Unit.LB, Unit.STONE, Unit.PERCENT})
_PROTEIN = frozenset({Unit.GRAM, Unit.G_PER_KG, Unit.G_PER_LB})


@dataclass(frozen=True, slots=True)
class Outcome:
    """The findings that stand, and the topic of supportive resources for an allowed mention."""

    findings: list[Finding]
    support: str | None = None


@functools.cache
def _topic_table() -> dict[str, list[tuple[str, re.Pattern[str]]]]:
    raw = json.loads((Path(__file__).parent / "topics.json").read_text(encoding="utf-8"))
    return {
        kind: [(topic, re.compile(pattern)) for topic, pattern in rows]
        for kind, rows in raw.items()
        if not kind.startswith("_")
    }


def read_types(quantities: Iterable[Quantity], text: str = "") -> frozenset[T]:
    """The numeric types the rules had a quantity to judge (energy, mass or rate, grams; a
    share in a ``text`` about protein beside calories in a unit, which the rules work out)."""
    units = {q.unit for q in quantities}
    read: set[T] = set()
    if units & _ENERGY or any(q.unit is Unit.NONE and 300 <= q.value <= 9000 for q in quantities):
        read |= {T.CALORIE_MINIMUM, T.CALORIE_MAXIMUM}
    if units & _MASS:
        read.add(T.WEIGHT_LOSS_RATE)
    if units & _PROTEIN or (Unit.PERCENT in units and units & _ENERGY and "protein" in text):
        read.add(T.PROTEIN_MINIMUM)
    return frozenset(read)


class LearnedLayer:
    """Combines one text's classifier scores with the rules' findings (see module docs)."""

    def __init__(self, thresholds: dict[str, float]) -> None:
        self.thresholds = thresholds
        self._topics = _topic_table()
        # rules marked ``stands: true`` in their table are the rules' to decide, as numbers are
        self._standing = standing_rules()
        figures = load_table("figurative")
        self._figurative = figures.compile("figurative")
        self._harm_left = figures.compile("harm_left")
        gates = load_table("layer_gates")
        self._medical_action = gates.compile("medical_action")
        self._clinician_led = gates.compile("clinician_led")
        self._own_way = gates.compile("own_way")
        self._danger_said = gates.compile("danger_said")

    def combine(
        self,
        text: str,
        stage: Stage,
        rules: list[Finding],
        scores: Scores,
        read: Callable[[], frozenset[T]],
        *,
        readable: float = 1.0,
        earlier: bool = False,
    ) -> Outcome:
        """The findings for ``text`` (normalised) given the rules' and the model's view;
        ``read`` gives the numeric types the rules had a quantity for (asked only when a
        numeric backstop fires); ``readable`` is the share of the text's words the encoder
        holds whole: under ``READABLE_MIN`` the rules' findings all stand; ``earlier``: the
        model also read the user's earlier turns (which may carry what the text refers to)."""
        p = scores.labels
        fired = {name for name, value in p.items() if value >= self.thresholds[name]}
        kept: list[Finding] = []
        dropped = False
        # Another language: the model's silence says nothing of crisis, danger or medicine
        # (eating-disorder words in other languages still need it: alone they flag more safe
        # text than they catch), nor its "about" head of who the text is about.
        foreign = readable < READABLE_MIN
        mention = (
            not foreign
            and scores.about_top not in OWN
            and scores.about[scores.about_top] >= ABOUT_MIN
        )
        numeric_ratio = NUMERIC_CONFIRM_RATIO if mention else 0.0
        for f in rules:
            if (
                f.type not in SEMANTIC
                or f.policy_id.startswith(_NUMERIC_RULES)
                or f.policy_id in self._standing
            ):
                label = f.type.value if f.type in NUMERIC else None
                if label is None or p[label] >= numeric_ratio * self.thresholds[label]:
                    if label is not None:
                        f.note = f"classifier {label} {p[label]:.2f}"
                    kept.append(f)
                else:
                    dropped = True
                continue
            label = "self_harm" if f.topic == "crisis" else f.type.value
            support = max(p[label], p[f.type.value])
            if foreign and f.type in _READ_UNCONFIRMED:
                f.note = f"classifier {f.type.value} {p[f.type.value]:.2f}, another language"
                kept.append(f)
            elif support >= CONFIRM_RATIO * self.thresholds[label]:
                f.note = f"classifier {f.type.value} {p[f.type.value]:.2f}"
                kept.append(f)
            else:
                dropped = True
        found = kept + self._learned(text, stage, kept, fired, p, read, earlier, foreign)
        if found or stage is Stage.OUTPUT:
            return Outcome(found)
        return Outcome(found, self._support(scores, dropped))

    # -- internals -----------------------------------------------------------------------------
    def _learned(
        self,
        text: str,
        stage: Stage,
        kept: list[Finding],
        fired: set[str],
        p: Mapping[str, float],
        read: Callable[[], frozenset[T]],
        earlier: bool = False,
        foreign: bool = False,
    ) -> list[Finding]:
        have = {f.type for f in kept}
        crisis = any(f.topic == "crisis" for f in kept)
        out: list[Finding] = []
        # The layer's reading alone (no rule's crisis finding, no earlier turns read) of an
        # English message (the gates' words are English: another language's reading stands)
        # with no word of death, harm, hopelessness or disappearing anywhere.
        unworded = (
            bool(fired & {"self_harm", "unsafe_content"})
            and not crisis
            and not earlier
            and not foreign
            and self._harm_left.search(text) is None
        )
        if self._only_figurative(text):
            # "so tired of meal prepping I could die lol": the layer's danger is a figure of
            # speech (the rules' own crisis findings stand, in ``kept``)
            fired = fired - {"self_harm", "unsafe_content"}
        elif unworded:
            # ... is not a crisis ("Is eating raw cookie dough dangerous? Asking because I
            # absolutely will anyway")
            fired = fired - {"self_harm"}
        if unworded and "unsafe_content" in fired and self._danger_said.search(text) is None:
            # ... nor, with no word of a substance, a dose or drying out either, a danger
            # ("Pizza night is sacred. Don't you dare take it from me.")
            fired = fired - {"unsafe_content"}
        if "self_harm" in fired and not crisis:
            out.append(self._finding("self_harm", T.UNSAFE_CONTENT, Action.REFER, "crisis", p))
            have.add(T.UNSAFE_CONTENT)
        if "unsafe_content" in fired and T.UNSAFE_CONTENT not in have:
            topic = self._topic("unsafe_content", text)
            if topic is None:
                near_self_harm = p["self_harm"] >= CONFIRM_RATIO * self.thresholds["self_harm"]
                topic = "crisis" if near_self_harm else "unsafe"
            action = Action.REFER if topic == "crisis" else Action.BLOCK
            out.append(self._finding("unsafe_content", T.UNSAFE_CONTENT, action, topic, p))
        if "eating_disorder_signal" in fired and T.EATING_DISORDER_SIGNAL not in have:
            ed = T.EATING_DISORDER_SIGNAL
            out.append(self._finding(ed.value, ed, Action.REFER, "ed", p))
        if (
            "medical_claim" in fired
            and T.MEDICAL_CLAIM not in have
            and (earlier or self._medical_said(text))
        ):
            topic = self._topic("medical_claim", text) or "medication"
            out.append(self._finding("medical_claim", T.MEDICAL_CLAIM, Action.REFER, topic, p))
        for vtype, topic in _NUMERIC_TOPIC.items():
            if vtype.value in fired and vtype not in have and vtype not in read():
                out.append(self._finding(vtype.value, vtype, Action.BLOCK, topic, p))
        return out

    def _medical_said(self, text: str) -> bool:
        """The message asks for or states a change, a dose, a cure or a diagnosis that is not
        its clinician's: what the layer's medical reading needs when no rule found one
        (``rules/data/layer_gates.yaml``)."""
        if self._medical_action.search(text) is None:
            return False
        return self._clinician_led.search(text) is None or self._own_way.search(text) is not None

    def _only_figurative(self, text: str) -> bool:
        """The text speaks of death or harm only figuratively ("my PT is trying to kill me")."""
        if self._figurative.search(text) is None:
            return False
        return self._harm_left.search(self._figurative.sub(" ", text)) is None

    def _finding(
        self, label: str, vtype: T, action: Action, topic: str, p: Mapping[str, float]
    ) -> Finding:
        mild = vtype in NUMERIC or vtype is T.MEDICAL_CLAIM
        severity = Severity.WARNING if mild else Severity.CRITICAL
        return Finding(
            f"classifier.{label}",
            vtype,
            severity,
            action,
            f"classifier {label} {p[label]:.2f} >= {self.thresholds[label]:.2f}",
            _EXPLANATION.get(topic, "This needs a qualified professional."),
            topic,
        )

    def _topic(self, kind: str, text: str) -> str | None:
        return next((topic for topic, rx in self._topics[kind] if rx.search(text)), None)

    def _support(self, scores: Scores, dropped: bool) -> str | None:
        """Resources for an allowed mention about someone else, a story or a question."""
        about = scores.about_top
        if about in OWN or scores.about[about] < ABOUT_MIN:
            return None
        p = scores.labels
        risk = {
            "crisis": max(p["self_harm"], p["unsafe_content"] if p["self_harm"] > 0.1 else 0.0),
            "ed": p["eating_disorder_signal"],
            "unsafe": p["unsafe_content"],
            "medical": p["medical_claim"],
        }
        topic = max(risk, key=lambda k: risk[k])
        return topic if risk[topic] >= SUPPORT_MIN or dropped else None
