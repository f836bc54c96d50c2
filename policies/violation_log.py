"""Writing violations to ``ai_policy_violation_log``, redacted, in the caller's transaction.

``trigger_content`` is a minimal excerpt: the matched span with a little context (at most
200 characters, 20 around eating-disorder and crisis matches so a disclosure is never stored
whole), with e-mail addresses and phone numbers masked. Violations without a span (plans,
tool arguments) store their evidence, which is numbers only.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable

from sqlalchemy.ext.asyncio import AsyncSession

from persistence.models import AIPolicyViolationLog
from persistence.repositories import ai_logs

from .models import Decision, Violation

MAX_TRIGGER_CHARS = 200
_SENSITIVE_TOPICS = frozenset({"ed", "crisis"})
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\w.,])\+?\(?\d[\d\s().-]{7,}\d(?!\w)")


def _phone(m: re.Match[str]) -> str:
    # Nine or more digits: a phone number, not "2,000 2,500" or a date.
    return "[phone]" if sum(c.isdigit() for c in m.group()) >= 9 else m.group()


def redact(text: str) -> str:
    """Mask e-mail addresses and phone numbers."""
    return _PHONE.sub(_phone, _EMAIL.sub("[email]", text))


def trigger_excerpt(violation: Violation, trigger_text: str | None) -> str | None:
    """The redacted minimal excerpt of ``trigger_text`` behind ``violation``."""
    if violation.span is None or not trigger_text:
        return redact(violation.evidence)[:MAX_TRIGGER_CHARS] or None
    start, end = violation.span
    pad = 20 if violation.topic in _SENSITIVE_TOPICS else 60
    start, end = max(0, start - pad), min(len(trigger_text), end + pad)
    if end - start > MAX_TRIGGER_CHARS:
        end = start + MAX_TRIGGER_CHARS
    excerpt = trigger_text[start:end].strip()
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(trigger_text) else ""
    return redact(prefix + excerpt + suffix)[:MAX_TRIGGER_CHARS]


async def record_violations(
    db: AsyncSession,
    *,
    user_id: uuid.UUID,
    session_id: uuid.UUID | None,
    decision_or_violations: Decision | Iterable[Violation],
    trigger_text: str | None,
) -> list[AIPolicyViolationLog]:
    """Add one ``ai_policy_violation_log`` row per violation; flushes, never commits."""
    violations = (
        list(decision_or_violations.violations)
        if isinstance(decision_or_violations, Decision)
        else list(decision_or_violations)
    )
    rows: list[AIPolicyViolationLog] = []
    for v in violations:
        details = {
            "stage": v.stage.value,
            "policy_id": v.policy_id,
            "policy_version": v.policy_version,
            "evidence": redact(v.evidence)[:MAX_TRIGGER_CHARS],
            "threshold": v.threshold,
            "measured": v.measured,
        }
        rows.append(
            await ai_logs.add_violation(
                db,
                user_id=user_id,
                session_id=session_id,
                violation_type=v.type,
                severity=v.severity.value,
                trigger_content=trigger_excerpt(v, trigger_text),
                action_taken=v.action.value,
                details=details,
            )
        )
    return rows
