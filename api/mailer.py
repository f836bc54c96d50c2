"""Outgoing email, behind a small protocol so deployments can plug in their own transport.

The default :class:`LoggingMailer` writes the message to the log, which is enough for the
embedded mode and development (the verification link is in the server log).
:class:`MemoryMailer` keeps messages in a list (tests, demos).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Protocol

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Email:
    """One outgoing message."""

    to: str
    subject: str
    body: str
    link: str | None = None


class Mailer(Protocol):
    """Delivers an email; raising means it was not delivered."""

    async def send(self, message: Email) -> None:
        """Deliver ``message``."""
        ...


class LoggingMailer:
    """Logs each message instead of sending it (the default)."""

    async def send(self, message: Email) -> None:
        """Write the message to the log."""
        log.info("email to %s: %s\n%s", message.to, message.subject, message.body)


@dataclass
class MemoryMailer:
    """Keeps every message in :attr:`outbox`."""

    outbox: list[Email] = field(default_factory=list)

    async def send(self, message: Email) -> None:
        """Append the message to the outbox."""
        self.outbox.append(message)


def verification_email(*, to: str, link: str, hours: int) -> Email:
    """The message that asks a new user to confirm their address."""
    body = (
        "Welcome to Sleek Coach.\n\n"
        f"Confirm your email address by opening this link within {hours} hours:\n{link}\n\n"
        "If you did not create an account, ignore this message."
    )
    return Email(to=to, subject="Confirm your email address", body=body, link=link)


__all__ = ["Email", "LoggingMailer", "Mailer", "MemoryMailer", "verification_email"]
