"""Routers under ``/v1``. Add a router here to serve it."""

from __future__ import annotations

from fastapi import APIRouter

from api.routers import account, admin_audit, auth, checkins, coach, health, me, nutrition, photos


def all_routers() -> list[APIRouter]:
    """Every router the app serves, in OpenAPI order."""
    return [
        health.router,
        auth.router,
        me.router,
        coach.router,
        admin_audit.router,
        checkins.router,
        nutrition.router,
        photos.router,
        account.router,
    ]
