"""The installed package's version (``coach --version``, the API, session metadata)."""

from __future__ import annotations

import importlib.metadata

DISTRIBUTION = "sleek-coach"


def app_version() -> str:
    """The installed package version (``unknown`` when not installed)."""
    try:
        return importlib.metadata.version(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


__all__ = ["DISTRIBUTION", "app_version"]
