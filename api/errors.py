"""One error format for the whole API: RFC 9457 ``application/problem+json``.

Domain errors from the lower packages map to HTTP here and only here:

- ``persistence.errors.NotFound`` -> 404, ``Conflict`` -> 409;
- request validation -> 422 with ``errors: [{"field": "body.weight_kg", "message": ...}]``;
- a CHECK violation that slipped past validation -> 422, a unique violation -> 409;
- PostgreSQL or Redis unreachable (``ServiceUnavailable``, or any driver error that
  :func:`persistence.errors.outage_of` recognises) -> 503 with ``Retry-After``;
- ``ApiError`` (raised by routes) -> its own status;
- anything else -> 500 that shows only the request id (the traceback goes to the log).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, IntegrityError
from starlette.exceptions import HTTPException as StarletteHTTPException

from persistence.errors import Conflict, NotFound, ServiceUnavailable, outage_of

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"

#: The only thing a 500 tells the client; the traceback goes to the log with the request id.
INTERNAL_ERROR_DETAIL = "an internal error occurred; quote the request id"
#: ``Retry-After`` of a 503 for an outage of PostgreSQL or Redis, in seconds.
OUTAGE_RETRY_AFTER_S = 2


class ApiError(Exception):
    """An error a route raises on purpose, with its status and a client-facing detail."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        title: str | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.title = title
        self.headers = headers
        self.extra = extra


_TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    422: "Unprocessable Content",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


def problem(
    request: Request,
    status: int,
    detail: str,
    *,
    title: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    """A problem+json response."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title or _TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "instance": request.url.path,
    }
    request_id = getattr(request.state, "request_id", None)
    if request_id:
        body["request_id"] = request_id
    body.update(extra)
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_JSON)


def unavailable(request: Request, outage: ServiceUnavailable) -> JSONResponse:
    """The 503 of an outage of a backing service (no internals, a ``Retry-After``)."""
    log.warning(
        "%s unavailable (request id %s): %s",
        outage.service,
        getattr(request.state, "request_id", "-"),
        outage,
    )
    return problem(
        request,
        503,
        f"the {outage.service} is unavailable; retry shortly",
        headers={"Retry-After": str(OUTAGE_RETRY_AFTER_S)},
    )


def error_response(request: Request, exc: Exception) -> JSONResponse:
    """The answer to an exception no other handler took: 503 for an outage, else 500."""
    outage = outage_of(exc)
    if outage is not None:
        return unavailable(request, outage)
    log.exception(
        "unhandled error (request id %s)",
        getattr(request.state, "request_id", "-"),
        exc_info=exc,
    )
    return problem(request, 500, INTERNAL_ERROR_DETAIL)


def _field_path(loc: tuple[Any, ...] | list[Any]) -> str:
    return ".".join(str(part) for part in loc)


def _message(err: Mapping[str, Any]) -> str:
    # pydantic prefixes messages of custom validators ("Value error, must be ..."); the
    # field path already says where, so the client sees just the reason.
    message = str(err.get("msg", "invalid"))
    for prefix in ("Value error, ", "Assertion failed, "):
        if message.startswith(prefix):
            return message[len(prefix) :]
    return message


def validation_errors(errors: Sequence[Any]) -> list[dict[str, str]]:
    """``[{"field": "body.height_cm", "message": ...}]`` from pydantic's error list.

    The offending input is never echoed (it may be a password).
    """
    return [{"field": _field_path(err.get("loc", ())), "message": _message(err)} for err in errors]


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers on ``app``."""

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        return problem(
            request, exc.status, exc.detail, title=exc.title, headers=exc.headers, **exc.extra
        )

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = validation_errors(exc.errors())
        first = errors[0] if errors else {"field": "", "message": "invalid request"}
        return problem(
            request,
            422,
            f"{first['field']}: {first['message']}",
            title="Validation failed",
            errors=errors,
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return problem(
            request, exc.status_code, str(exc.detail), headers=getattr(exc, "headers", None)
        )

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> JSONResponse:
        return problem(request, 404, f"{exc.entity} not found")

    @app.exception_handler(Conflict)
    async def conflict(request: Request, exc: Conflict) -> JSONResponse:
        return problem(request, 409, str(exc))

    @app.exception_handler(IntegrityError)
    async def integrity_error(request: Request, exc: IntegrityError) -> JSONResponse:
        sqlstate = getattr(getattr(exc, "orig", None), "sqlstate", None) or ""
        constraint = getattr(getattr(exc.orig, "__cause__", None), "constraint_name", None)
        if sqlstate == "23505":
            return problem(request, 409, "a record with these values already exists")
        if sqlstate == "23514":
            return problem(
                request,
                422,
                f"a value is out of its allowed range ({constraint or 'check constraint'})",
                title="Validation failed",
            )
        return problem(request, 409, "the request conflicts with stored data")

    @app.exception_handler(ServiceUnavailable)
    async def service_unavailable(request: Request, exc: ServiceUnavailable) -> JSONResponse:
        return unavailable(request, exc)

    @app.exception_handler(DBAPIError)
    async def dbapi_error(request: Request, exc: DBAPIError) -> JSONResponse:
        sqlstate = getattr(getattr(exc, "orig", None), "sqlstate", None) or ""
        if sqlstate.startswith("22"):  # data exception: numeric overflow, invalid text, ...
            return problem(request, 422, "a value is out of range for its field")
        return error_response(request, exc)

    @app.exception_handler(Exception)
    async def unhandled(request: Request, exc: Exception) -> JSONResponse:
        return error_response(request, exc)
