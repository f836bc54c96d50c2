"""Bodies of ``/v1/auth/*``: credentials, token pairs, the public view of a user."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

from email_validator import EmailNotValidError, validate_email
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from api.passwords import PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH


def normalize_email_address(value: str) -> str:
    """``value`` trimmed, checked and normalised by ``email-validator``, then lowercased.

    Raises ``ValueError`` naming what is wrong. Internationalised domains follow IDNA 2008
    and are kept in their Unicode form (``faß.de`` stays ``faß.de``; its ``xn--`` spelling
    is the same address). Deliverability (DNS) is not checked: sign-up must work offline.
    """
    try:
        checked = validate_email(value.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValueError(str(exc)) from None
    return checked.normalized.lower()


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
