"""Bodies of ``/v1/auth/*``: credentials, token pairs, the public view of a user."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from api.passwords import PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH

# Practical address syntax (RFC 5321/5322 dot-atom, without quoted local parts or address
# literals, which real sign-ups do not use): a local part of atext characters with single
# dots between them, and a domain of at least two LDH labels ending in an alphabetic TLD.
_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
_TLD = re.compile(r"[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59}")

EMAIL_MAX_LENGTH = 254  # RFC 5321: a path is at most 256 octets including the angle brackets


def normalize_email_address(value: str) -> str:
    """``value`` trimmed and lowercased when it is a deliverable-looking address.

    Raises ``ValueError`` naming what is wrong. Internationalised domains are accepted and
    stored in their ASCII (punycode) form.
    """
    email = value.strip()
    local, at, domain = email.rpartition("@")
    if not at or not local or not domain:
        raise ValueError("must be an email address like name@example.com")
    if len(local) > 64 or not _LOCAL.fullmatch(local):
        raise ValueError("the part before @ is not a valid mailbox name")
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise ValueError("the domain is not a valid host name") from exc
    labels = ascii_domain.rstrip(".").split(".")
    valid = (
        len(labels) >= 2
        and all(_LABEL.fullmatch(label) for label in labels)
        and _TLD.fullmatch(labels[-1])
    )
    if not valid:
        raise ValueError("the domain is not a valid host name")
    normalized = f"{local}@{'.'.join(labels)}".lower()
    if len(normalized) > EMAIL_MAX_LENGTH:
        raise ValueError(f"must be at most {EMAIL_MAX_LENGTH} characters")
    return normalized


EmailAddress = Annotated[
    str,
    Field(max_length=320, json_schema_extra={"format": "email"}),
    AfterValidator(normalize_email_address),
]
NewPassword = Annotated[
    str,
    Field(min_length=PASSWORD_MIN_LENGTH, max_length=PASSWORD_MAX_LENGTH, repr=False),
]
# Checking an existing password enforces only the upper bound: a shorter password simply
# does not match, and the answer must not reveal the policy per account.
AnyPassword = Annotated[str, Field(min_length=1, max_length=PASSWORD_MAX_LENGTH, repr=False)]
OpaqueToken = Annotated[str, Field(min_length=1, max_length=512, repr=False)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


class RegisterRequest(_Body):
    """A new account."""

    email: EmailAddress
    password: NewPassword


class LoginRequest(_Body):
    """Credentials of an existing account."""

    email: Annotated[str, Field(min_length=1, max_length=320)]
    password: AnyPassword


class RefreshRequest(_Body):
    """A refresh token to rotate (``/refresh``) or revoke (``/logout``)."""

    refresh_token: OpaqueToken


class ChangePasswordRequest(_Body):
    """The current password and its replacement."""

    old_password: AnyPassword
    new_password: NewPassword


class VerifyRequest(_Body):
    """The token from the verification email."""

    token: Annotated[str, Field(min_length=1, max_length=2048)]


class TokenPair(BaseModel):
    """What login and refresh answer."""

    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int = Field(description="seconds until the access token expires")


class UserOut(BaseModel):
    """The public view of an account (never the password hash)."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    email: str
    is_verified: bool
    created_at: dt.datetime | None


__all__ = [
    "ChangePasswordRequest",
    "EmailAddress",
    "LoginRequest",
    "RefreshRequest",
    "RegisterRequest",
    "TokenPair",
    "UserOut",
    "VerifyRequest",
    "normalize_email_address",
]
