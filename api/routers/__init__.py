"""Routers under ``/v1``. Add a router here to serve it."""

from __future__ import annotations

from fastapi import APIRouter

from api.routers import health


def all_routers() -> list[APIRouter]:
    """Every router the app serves, in OpenAPI order."""
    return [health.router]
