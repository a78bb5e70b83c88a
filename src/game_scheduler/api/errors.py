"""Domain errors to HTTP answers: never a 500 for something the caller got wrong."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError

from game_scheduler import errors
from game_scheduler.api.schemas.types import ErrorOut
from game_scheduler.services.auth.cookies import clear_session_cookie
from game_scheduler.services.auth.discord_api import DiscordError, DiscordUnavailable
from game_scheduler.services.auth.login import LoginFailed
from game_scheduler.services.auth.membership import SessionEnded

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


async def _on_domain_error(_request: Request, error: Exception) -> JSONResponse:
    status = next(
        (code for kind, code in STATUS.items() if isinstance(error, kind)),
        400,
    )
    response = JSONResponse({"detail": str(error)}, status_code=status)
    if isinstance(error, SessionEnded):
        clear_session_cookie(response)
    return response


async def _on_data_error(_request: Request, error: Exception) -> JSONResponse:
    log.warning("the database refused a value: %s", type(error).__name__)
    return JSONResponse(validation_body("a value is out of range or malformed", ["body"]), 422)


def install_error_handlers(app: FastAPI) -> None:
    """Register the mapping on an app."""
    app.add_exception_handler(errors.ValidationError, _on_validation)
    app.add_exception_handler(errors.GameSchedulerError, _on_domain_error)
    app.add_exception_handler(DataError, _on_data_error)
