"""Access tokens (JWT, HS256) and the signing secret.

Tokens carry ``iss``, ``aud``, ``sub`` (the user id), ``iat``, ``exp`` and ``jti``; all are
required when decoding, and only HS256 is accepted, so ``alg: none`` and tokens signed with
another key or algorithm fail.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import uuid
from dataclasses import dataclass
from pathlib import Path

import jwt

from api.settings import PLACEHOLDER_SECRETS

log = logging.getLogger(__name__)

ALGORITHM = "HS256"
REQUIRED_CLAIMS = ("iss", "aud", "sub", "iat", "exp", "jti")


class InvalidToken(Exception):
    """The token is malformed, expired, wrongly signed or lacks a claim."""


class InsecureSecret(Exception):
    """No usable signing secret outside the embedded mode."""


@dataclass(frozen=True, slots=True)
class TokenCodec:
    """Encodes and decodes access tokens with one secret, issuer and audience."""

    secret: str
    issuer: str
    audience: str
    ttl: dt.timedelta

    def encode(
        self,
        user_id: uuid.UUID,
        *,
        now: dt.datetime,
        kind: str = "access",
        ttl: dt.timedelta | None = None,
    ) -> str:
        """A signed token for ``user_id`` valid for ``ttl`` (default: the codec's) from ``now``.

        ``kind`` other than ``access`` (e.g. ``verify``) signs for another audience, so a
        token of one kind is never accepted as another.
        """
        claims = {
            "iss": self.issuer,
            "aud": self.audience if kind == "access" else f"{self.audience}:{kind}",
            "sub": str(user_id),
            "iat": int(now.timestamp()),
            "exp": int((now + (ttl or self.ttl)).timestamp()),
            "jti": uuid.uuid4().hex,
        }
        return jwt.encode(claims, self.secret, algorithm=ALGORITHM)

    def decode(self, token: str, *, kind: str = "access") -> uuid.UUID:
        """The user id of a valid token, or ``InvalidToken``."""
        audience = self.audience if kind == "access" else f"{self.audience}:{kind}"
        try:
            claims = jwt.decode(
                token,
                self.secret,
                algorithms=[ALGORITHM],
                audience=audience,
                issuer=self.issuer,
                options={"require": list(REQUIRED_CLAIMS)},
            )
            return uuid.UUID(str(claims["sub"]))
        except (jwt.PyJWTError, ValueError, TypeError, KeyError) as exc:
            raise InvalidToken(str(exc)) from exc


def resolve_secret(configured: str | None, *, embedded: bool, data_dir: Path) -> str:
    """The signing secret: configured, or (embedded mode only) generated once in ``data_dir``.

    Outside the embedded mode a missing, short or placeholder secret refuses to start.
    """
    if configured and configured.strip().lower() not in PLACEHOLDER_SECRETS:
        if len(configured) < 32 and not embedded:
            raise InsecureSecret("JWT_SECRET must be at least 32 characters")
        return configured
    if not embedded:
        raise InsecureSecret(
            "JWT_SECRET is missing or a placeholder; set a random value of at least 32 "
            'characters (python -c "import secrets; print(secrets.token_urlsafe(48))")'
        )
    path = data_dir / "jwt_secret"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    path.write_text(secret)
    path.chmod(0o600)
    log.info("generated a signing secret in %s", path)
    return secret
