"""The web app served at ``/``: the reference browser client of the API.

Plain ES modules and CSS shipped inside this package (``static/``), served as they are: no
CDN, no build step, no request leaving the origin. ``GET /`` answers the page with a
Content-Security-Policy that allows only the origin's own scripts, styles and API
(``connect-src 'self'``); the assets are under ``/web/``. The page uses the public API
only (``/v1/auth``, ``/v1/me``, ``/v1/coach``), reads the chat's SSE with ``fetch`` and
resumes a dropped turn with ``Last-Event-ID``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

__all__ = ["PAGE_CSP", "STATIC_DIR", "WEB_PREFIX", "mount_web_app"]

STATIC_DIR: Final = Path(__file__).parent / "static"
WEB_PREFIX: Final = "/web"

#: The page's policy: its own scripts, styles, images and API; nothing inline, no frames.
PAGE_CSP: Final = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)
# Revalidated on every load (the ETag makes that a 304): a new release is seen at once.
_PAGE_HEADERS: Final = {"Content-Security-Policy": PAGE_CSP, "Cache-Control": "no-cache"}


def mount_web_app(app: FastAPI) -> None:
    """Serve the page at ``/`` and its assets under ``/web/``."""

    async def index() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html", headers=_PAGE_HEADERS)

    app.add_api_route("/", index, methods=["GET", "HEAD"], include_in_schema=False)
    app.mount(WEB_PREFIX, StaticFiles(directory=STATIC_DIR), name="web")
