"""Releasing reply text sentence by sentence, only after the output policy passes it.

The model's text deltas go through the policies' :class:`~policies.OutputGuard`, which
holds text back until a sentence is complete and checks it. An allowed sentence is
released as is; an adjusted one as the policy amended it; a blocked or referred one is
never released: the client gets a ``policy`` event and the policy's safe replacement, and
nothing more of that reply is released (what follows an unsafe sentence usually builds
on it). Without a policy engine text passes straight through.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from policies import Action, Decision, GuardedText, OutputGuard, PolicyEngine, PolicyProfile

REFUSING: Final = frozenset({Action.BLOCK, Action.REFER})
#: Sent in place of a refused sentence when the policy gave no replacement of its own.
DEFAULT_REPLACEMENT: Final = (
    "I can't help with that safely. Let's focus on sustainable, healthy changes instead. "
)


@dataclass(frozen=True, slots=True)
class Release:
    """Text to send, and the decision when the policy changed it."""

    text: str
    decision: Decision | None = None
    original: str = ""


@dataclass
class Releaser:
    """One turn's text gate (see the module docstring)."""

    guard: OutputGuard | None = None
    blocked: bool = False
    decisions: list[Decision] = field(default_factory=list)

    @classmethod
    def for_policy(cls, policy: PolicyEngine | None, profile: PolicyProfile | None) -> Releaser:
        """A gate checking with ``policy`` (pass-through without one)."""
        return cls(guard=OutputGuard(policy, profile=profile) if policy is not None else None)

    def _convert(self, chunks: list[GuardedText]) -> list[Release]:
        out: list[Release] = []
        for chunk in chunks:
            if self.blocked:
                break
            text, decision = chunk.text, chunk.decision
            if decision.allowed:
                if text:
                    out.append(Release(text))
                continue
            self.decisions.append(decision)
            if decision.action in REFUSING:
                self.blocked = True
                if text == chunk.original:  # the policy gave no replacement: never send it
                    text = DEFAULT_REPLACEMENT
            out.append(Release(text, decision, chunk.original))
        return out

    def feed(self, delta: str) -> list[Release]:
        """Model text in; the checked sentences it completed out."""
        if self.blocked or not delta:
            return []
        if self.guard is None:
            return [Release(delta)]
        return self._convert(list(self.guard.feed(delta)))

    def finish(self) -> list[Release]:
        """Check and release the tail (end of a text part)."""
        if self.guard is None or self.blocked:
            return []
        return self._convert(list(self.guard.flush()))
