"""Typed domain errors and the HTML / JSON error handlers.

Services raise ``DomainError`` subclasses; views turn them into form errors, the API into
``{"error", "message", "fields"}`` JSON (CONTRACT.md), anything left over reaches the handlers here.
"""
from __future__ import annotations

from typing import Any

from flask import Flask, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import DataError as SQLAlchemyDataError
from werkzeug.exceptions import HTTPException

from app.extensions import db


class DomainError(Exception):
    """A rule of the domain refused the request; ``message`` is shown to the user."""

    status = 422
    code = "invalid"

    def __init__(self, message: Any = None, *, field: str | None = None,
                 fields: dict[str, list[Any]] | None = None, code: str | None = None,
                 **extra: Any) -> None:
        self.message = message if message is not None else _l("The request could not be processed.")
        self.fields = dict(fields or {})
        if field:
            self.fields.setdefault(field, []).append(self.message)
        if code:
            self.code = code
        self.extra = extra
        super().__init__(str(self.message))

    def to_json(self) -> dict[str, Any]:
        """The CONTRACT.md error body."""
        body: dict[str, Any] = {"error": self.code, "message": str(self.message)}
        if self.fields:
            body["fields"] = {k: [str(m) for m in v] for k, v in self.fields.items()}
        body.update(self.extra)
        return body


class ValidationError(DomainError):
    status = 422
    code = "invalid"


class BadRequest(DomainError):
    status = 400
    code = "malformed"


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class Conflict(DomainError):
    status = 409
    code = "conflict"


_HTTP_CODES = {400: "malformed", 401: "unauthorized", 403: "forbidden", 404: "not_found",
               405: "method_not_allowed", 409: "conflict", 413: "too_large", 415: "unsupported_media_type",
               422: "invalid", 429: "rate_limited", 500: "server_error"}


def wants_json() -> bool:
    """API paths always answer JSON; so does a client that prefers it."""
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def _http_message(status: int) -> str:
    messages = {
        400: _l("The request was malformed."),
        401: _l("Authentication is required."),
        403: _l("You do not have permission to do that."),
        404: _l("The page or resource was not found."),
        405: _l("That method is not allowed here."),
        413: _l("The request is too large."),
        415: _l("Unsupported content type."),
        429: _l("Too many attempts. Please wait a moment and try again."),
        500: _l("Something went wrong on our side. Please try again later."),
    }
    return str(messages.get(status, _l("The request could not be processed.")))


def register_error_handlers(app: Flask) -> None:
    """Attach the handlers that turn every error into a page or a JSON body."""

    @app.errorhandler(DomainError)
    def handle_domain_error(error: DomainError):
        db.session.rollback()
        if wants_json():
            return jsonify(error.to_json()), error.status
        return render_template("errors/error.html", status=error.status, message=error.message), error.status

    @app.errorhandler(HTTPException)
    def handle_http_error(error: HTTPException):
        status = error.code or 500
        if status >= 500:
            db.session.rollback()
        if wants_json():
            body = {"error": _HTTP_CODES.get(status, "error"), "message": _http_message(status)}
            response = jsonify(body)
            response.status_code = status
            if status == 405 and error.get_response().headers.get("Allow"):
                response.headers["Allow"] = error.get_response().headers["Allow"]
            return response
        template = f"errors/{status}.html" if status in (403, 404, 500) else "errors/error.html"
        return render_template(template, status=status, message=_http_message(status)), status

    @app.errorhandler(OverflowError)
    @app.errorhandler(SQLAlchemyDataError)
    def handle_out_of_range(error: Exception):
        """Defence in depth: a value too large for a date or a column that slipped past the checks
        at the edges is bad input (400), logged so that the missing check gets added."""
        db.session.rollback()
        app.logger.warning("input out of range reached %s: %s", request.endpoint, error)
        if wants_json():
            return jsonify({"error": "malformed", "message": _http_message(400)}), 400
        return render_template("errors/error.html", status=400, message=_http_message(400)), 400

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception):
        db.session.rollback()
        app.logger.exception("Unhandled error")
        if wants_json():
            return jsonify({"error": "server_error", "message": _http_message(500)}), 500
        return render_template("errors/500.html", status=500, message=_http_message(500)), 500
