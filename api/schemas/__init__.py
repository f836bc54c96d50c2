"""Request and response models of the account routes (auth and me)."""

from __future__ import annotations

from api.schemas.auth import (
    ChangePasswordRequest,
    LoginRequest,
    RefreshRequest,
    RegisterRequest,
    TokenPair,
    UserOut,
    VerifyRequest,
)
from api.schemas.me import (
    GoalOut,
    GoalUpdate,
    MacroTargets,
    MeOut,
    PreferencesOut,
    PreferencesUpdate,
    ProfileOut,
    ProfileUpdate,
)

__all__ = [
    "ChangePasswordRequest",
    "GoalOut",
    "GoalUpdate",
    "LoginRequest",
    "MacroTargets",
    "MeOut",
    "PreferencesOut",
    "PreferencesUpdate",
    "ProfileOut",
    "ProfileUpdate",
    "RefreshRequest",
    "RegisterRequest",
    "TokenPair",
    "UserOut",
    "VerifyRequest",
]
