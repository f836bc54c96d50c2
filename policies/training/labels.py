"""The classifier's outputs: the sigmoid labels and the classes of the "about" head."""

from __future__ import annotations

from persistence.enums import PolicyViolationType

#: The seven violation types a case can carry.
TYPES = tuple(t.value for t in PolicyViolationType)
#: Sigmoid outputs, in the model's order: the semantic types, self-harm, and the numeric
#: types as backstops (intake described only in words, which the rules cannot read).
LABELS = (
    "eating_disorder_signal",
    "medical_claim",
    "unsafe_content",
    "self_harm",
    "calorie_minimum",
    "calorie_maximum",
    "protein_minimum",
    "weight_loss_rate",
)
#: Softmax classes of the "about" head: who the risky-sounding content concerns.
ABOUT = ("self", "other", "hypothetical", "educational", "none")
