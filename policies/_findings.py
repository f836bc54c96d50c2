"""The intermediate result of a detector, before it becomes a :class:`Violation`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from persistence.enums import PolicyViolationType, Severity

from .models import Action


@dataclass(slots=True)
class Finding:
    """One detected problem; ``start``/``end`` index the normalised text (or are -1)."""

    policy_id: str
    type: PolicyViolationType
    severity: Severity
    action: Action
    evidence: str
    explanation: str
    topic: str
    start: int = -1
    end: int = -1
    threshold: float | None = None
    measured: float | None = None
    suggestion: str | None = None  # safe text to put in place of the span (output stage)
    note: str | None = None  # what the learned layer said of a rule finding it kept

    def read_elsewhere(self, source: str, said: str | None = None) -> Finding:
        """This finding as one of a text it was not found in (an earlier turn, a figure the
        follow-up implies): the evidence says where (``source``, then what was matched there,
        read from ``said`` when given) and the span, which indexes that other text, is
        dropped."""
        excerpt = f' "{said[max(0, self.start) : self.end]}"' if said is not None else ""
        self.evidence = f"{source}{excerpt}: {self.evidence}"
        self.start = self.end = -1
        return self


@dataclass(slots=True)
class Facts:
    """What the checks know about the person (profile first, then what the text says)."""

    weight_kg: float | None = None
    female: bool | None = None
    age: int | None = None
    tdee: float | None = None
    athlete: bool = False
    today: dt.date | None = None  # the engine's clock, for deadlines ("by June 3rd")
    tdee_stated: bool = False  # the maintenance was said, not estimated from the profile
    height_cm: float | None = None  # profile first, then "I'm 165cm", "5'6\"" in the text
    #: The estimate a ceiling uses: as ``tdee``, but a profile without an activity level counts
    #: as moderately active (``tdee`` counts it as sedentary, the floor side's safe choice).
    tdee_high: float | None = None
    #: The same for an athlete the text names ("a heavyweight rower"): very active (x1.9).
    tdee_athlete: float | None = None
    #: Mifflin-St Jeor BMR from the profile (the base an athlete's stated training adds to).
    bmr: float | None = None
