"""The learned safety layer: a small fine-tuned encoder run with ONNX Runtime (no torch).

:class:`SafetyClassifier` scores texts (a probability per safety label, who the text is
about) and embeds them; :func:`load_classifier` gives the process's one instance.
Training lives in ``policies.training`` (not imported at run time); docs/safety.md has the
data, the split and the figures.
"""

from .runtime import ARTIFACT, SafetyClassifier, Scores, load_classifier

__all__ = ["ARTIFACT", "SafetyClassifier", "Scores", "load_classifier"]
