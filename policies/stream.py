"""Checking a reply while it streams, one sentence at a time.

The conversation engine feeds the model's text deltas to an :class:`OutputGuard` and sends
the user only what the guard releases::

    guard = OutputGuard(engine, profile=profile)
    async for delta in model_stream:          # any iterable of str deltas
        for chunk in guard.feed(delta):
            await send(chunk.text)            # the sentence, or its safe replacement
    for chunk in guard.flush():               # the tail without a final full stop
        await send(chunk.text)
    if guard.violations:                      # log them in the turn's transaction
        await record_violations(db, user_id=..., session_id=..., trigger_text=guard.text,
                                decision_or_violations=guard.violations)

Text is held back only until the next sentence boundary (``.``, ``!`` or ``?`` followed by
whitespace, or a line break), or until ``max_buffer`` characters without one. A sentence that
needs a change is replaced by the decision's message: the amended sentence for ``adjust``, the
safe reply or referral for ``block``/``refer``. A replacement already sent is not repeated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .engine import PolicyEngine
from .models import Action, Decision, PolicyProfile, Stage, Violation
from .quantities.checks import MEAL_DAY_POLICY

_BOUNDARY = re.compile(r"(?<=[.!?])[\"')\]]*(?:[ \t]+|\n+|$)|\n+")
_ABBREVIATION = re.compile(
    r"(?:\b(?:e\.g|i\.e|dr|mr|mrs|ms|vs|approx|incl|min|max|no|fig|st|etc|cf)|^\s*\d{1,2}|\s\d{1,2})\.$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class GuardedText:
    """A piece of reply released by the guard."""

    text: str
    original: str
    decision: Decision

    @property
    def replaced(self) -> bool:
        """True when ``text`` is not the original sentence."""
        return self.text != self.original


class OutputGuard:
    """Buffers streamed text and releases checked sentences (see the module docstring)."""

    def __init__(
        self,
        engine: PolicyEngine,
        profile: PolicyProfile | None = None,
        *,
        max_buffer: int = 600,
    ) -> None:
        self._engine = engine
        self._profile = profile
        self._max = max_buffer
        self._buffer = ""
        self._text: list[str] = []
        self._decisions: list[Decision] = []
        self._sent_messages: set[str] = set()
        self._meals_checked: str | None = None

    @property
    def text(self) -> str:
        """Everything fed so far (the original reply)."""
        return "".join(self._text) + self._buffer

    @property
    def decisions(self) -> list[Decision]:
        """The decisions that changed something, in order."""
        return list(self._decisions)

    @property
    def violations(self) -> list[Violation]:
        """Every violation found so far."""
        return [v for d in self._decisions for v in d.violations]

    def feed(self, delta: str) -> list[GuardedText]:
        """Add a text delta; return the sentences it completed, checked."""
        self._buffer += delta
        cut = self._last_boundary(self._buffer)
        if cut == 0 and len(self._buffer) > self._max:
            cut = self._buffer.rfind(" ", 0, self._max) + 1 or len(self._buffer)
        if cut == 0:
            return []
        ready, self._buffer = self._buffer[:cut], self._buffer[cut:]
        return self._check_all(self._sentences(ready))

    def flush(self) -> list[GuardedText]:
        """Check and release whatever is left (call once, when the stream ends); then the
        reply's meals, read as one day (a plan written a meal a line is in no one sentence):
        a day under the floor gets the decision's message after it."""
        tail, self._buffer = self._buffer, ""
        out = self._check_all(self._sentences(tail)) if tail else []
        reply = self.text
        if self._meals_checked == reply:
            return out
        self._meals_checked = reply
        if any(v.policy_id == MEAL_DAY_POLICY for v in self.violations):
            return out  # one sentence already held the whole day
        day = self._engine.check_reply_day(reply, self._profile)
        if day.allowed or day.message is None or day.message in self._sent_messages:
            return out
        self._decisions.append(day)
        self._sent_messages.add(day.message)
        return [*out, GuardedText("\n\n" + day.message, reply, day)]

    # -- internals -------------------------------------------------------------------------
    def _last_boundary(self, text: str) -> int:
        last = 0
        for m in _BOUNDARY.finditer(text):
            if m.end() == len(text) and not m.group().endswith(("\n", " ", "\t")):
                continue  # "... 1." may still become "1.5 kg": wait for what follows
            if _ABBREVIATION.search(text[: m.start()]) and not m.group().startswith("\n"):
                continue
            last = m.end()
        return last

    def _sentences(self, text: str) -> list[str]:
        out: list[str] = []
        start = 0
        for m in _BOUNDARY.finditer(text):
            if _ABBREVIATION.search(text[: m.start()]) and not m.group().startswith("\n"):
                continue
            if m.end() > start:
                out.append(text[start : m.end()])
                start = m.end()
        if start < len(text):
            out.append(text[start:])
        return out

    def _check_all(self, sentences: list[str]) -> list[GuardedText]:
        """Check the sentences completed together in one call (one classifier run)."""
        decisions = self._engine.check_outputs(sentences, self._profile)
        return [self._check(s, d) for s, d in zip(sentences, decisions, strict=True)]

    def _check(self, sentence: str, decision: Decision) -> GuardedText:
        self._text.append(sentence)
        if not sentence.strip():
            return GuardedText(
                sentence, sentence, Decision(action=Action.ALLOW, stage=Stage.OUTPUT)
            )
        if decision.allowed or decision.message is None:
            return GuardedText(sentence, sentence, decision)
        self._decisions.append(decision)
        trailing = sentence[len(sentence.rstrip()) :] or " "
        if decision.message in self._sent_messages:
            return GuardedText("", sentence, decision)
        self._sent_messages.add(decision.message)
        return GuardedText(decision.message + trailing, sentence, decision)
