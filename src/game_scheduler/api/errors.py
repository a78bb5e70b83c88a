"""Domain errors to HTTP answers: never a 500 for something the caller got wrong."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError

from game_scheduler import errors
from game_scheduler.api.schemas.types import ErrorOut
from game_scheduler.services.auth.cookies import clear_session_cookie
from game_scheduler.services.auth.discord_api import DiscordError, DiscordUnavailable
from game_scheduler.services.auth.login import LoginFailed
from game_scheduler.services.auth.membership import SessionEnded
from game_scheduler.services.throttle import Throttled

log = logging.getLogger(__name__)

STATUS: dict[type[Exception], int] = {
    errors.NotFound: 404,
    errors.NotAllowed: 403,
    errors.Conflict: 409,
    LoginFailed: 400,
    SessionEnded: 401,
    DiscordUnavailable: 503,
    DiscordError: 503,
    errors.GameSchedulerError: 400,
}

ERROR_RESPONSES: dict[int | str, dict[str, object]] = {
    401: {"model": ErrorOut, "description": "Not signed in, or the session ended"},
    404: {"model": ErrorOut, "description": "Not found, or not in one of your servers"},
}
CSRF_RESPONSES: dict[int | str, dict[str, object]] = {
    **ERROR_RESPONSES,
    403: {"model": ErrorOut, "description": "The X-CSRF-Token header is missing or wrong"},
}
WRITE_RESPONSES: dict[int | str, dict[str, object]] = {
    **ERROR_RESPONSES,
    400: {"model": ErrorOut, "description": "The body is not readable JSON"},
    403: {
        "model": ErrorOut,
        "description": "You lack the role this needs, or the X-CSRF-Token header is wrong",
    },
    409: {"model": ErrorOut, "description": "Conflicts with the current state"},
}
RETRY_AFTER_HEADER: dict[str, object] = {
    "Retry-After": {
        "description": "Seconds to wait before trying again",
        "schema": {"type": "integer", "minimum": 1},
    }
}
THROTTLED_RESPONSE: dict[str, object] = {
    "model": ErrorOut,
    "description": "Too many attempts too fast; nothing changed. Retry after Retry-After seconds",
    "headers": RETRY_AFTER_HEADER,
}
SIGNUP_RESPONSES: dict[int | str, dict[str, object]] = {
    **WRITE_RESPONSES,
    429: THROTTLED_RESPONSE,
}


def validation_entry(message: str, loc: list[str]) -> dict[str, object]:
    """One problem in FastAPI's own 422 shape, so clients handle one format."""
    return {"type": "value_error", "loc": loc, "msg": message, "input": None}


def validation_body(message: str, loc: list[str]) -> dict[str, object]:
    """FastAPI's own 422 shape, so clients handle one format."""
    return {"detail": [validation_entry(message, loc)]}


async def _on_validation(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, errors.ValidationError)
    # Every problem found, one entry each, as FastAPI lists its own.
    detail = [
        validation_entry(message, ["body", field] if field else ["body"])
        for field, message in error.problems
    ]
    return JSONResponse({"detail": detail}, status_code=422)


def _scrub(value: Any) -> Any:
    """Lone surrogates (valid in JSON escapes, not in UTF-8) become U+FFFD, so 422 stays 422."""
    if isinstance(value, str):
        return "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in value)
    if isinstance(value, dict):
        return {_scrub(k): _scrub(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub(v) for v in value]
    return value


async def _on_request_validation(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    return JSONResponse({"detail": _scrub(jsonable_encoder(error.errors()))}, status_code=422)


async def _on_domain_error(_request: Request, error: Exception) -> JSONResponse:
    status = next(
        (code for kind, code in STATUS.items() if isinstance(error, kind)),
        400,
    )
    response = JSONResponse({"detail": str(error)}, status_code=status)
    if isinstance(error, SessionEnded):
        clear_session_cookie(response)
    return response


async def _on_throttled(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, Throttled)
    return JSONResponse(
        {"detail": str(error)},
        status_code=429,
        headers={"Retry-After": str(error.retry_after)},
    )


async def _on_data_error(_request: Request, error: Exception) -> JSONResponse:
    log.warning("the database refused a value: %s", type(error).__name__)
    return JSONResponse(validation_body("a value is out of range or malformed", ["body"]), 422)


def install_error_handlers(app: FastAPI) -> None:
    """Register the mapping on an app."""
    app.add_exception_handler(errors.ValidationError, _on_validation)
    app.add_exception_handler(RequestValidationError, _on_request_validation)
    app.add_exception_handler(Throttled, _on_throttled)
    app.add_exception_handler(errors.GameSchedulerError, _on_domain_error)
    app.add_exception_handler(DataError, _on_data_error)
