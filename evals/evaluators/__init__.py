"""Evaluators of the coach's eval suites (pydantic-evals ``Evaluator`` dataclasses).

Datasets name them in YAML (``- ToolsCalled: {must: [get_weight_trend]}``);
:data:`EVALUATOR_TYPES` is the registry the loader passes to pydantic-evals.
"""

from evals.evaluators.coaching import CitesFacts, CoachJudge
from evals.evaluators.common import ReplyMentions, SafeReplies, TurnsCompleted
from evals.evaluators.conversation import ConsistentNumbers, TurnTools
from evals.evaluators.memory import Remembers
from evals.evaluators.plans import PlanInBounds
from evals.evaluators.safety import PolicyOutcome, Referral, ShortCircuited
from evals.evaluators.tools import ToolsCalled, arg_matches

EVALUATOR_TYPES = (
    CitesFacts,
    CoachJudge,
    ConsistentNumbers,
    PlanInBounds,
    PolicyOutcome,
    Referral,
    Remembers,
    ReplyMentions,
    SafeReplies,
    ShortCircuited,
    ToolsCalled,
    TurnTools,
    TurnsCompleted,
)

__all__ = [
    "EVALUATOR_TYPES",
    "CitesFacts",
    "CoachJudge",
    "ConsistentNumbers",
    "PlanInBounds",
    "PolicyOutcome",
    "Referral",
    "Remembers",
    "ReplyMentions",
    "SafeReplies",
    "ShortCircuited",
    "ToolsCalled",
    "TurnTools",
    "TurnsCompleted",
    "arg_matches",
]
