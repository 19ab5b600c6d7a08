"""The /api/v1 blueprint, Bearer authentication, body parsing and the operation registry.

Each endpoint is declared once with ``@endpoint``; the same declaration drives auth, input
validation and the OpenAPI description, so the document cannot drift from the code.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import wraps
from typing import Any, Callable

from flask import Blueprint, jsonify, request
from flask_babel import lazy_gettext as _l
from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

from app.core.page_cache import cached_page
from app.accounts.models import ROLE_RANK
from app.accounts.services import user_for_api_token
from app.errors import BadRequest, Forbidden, Unauthorized, ValidationError
from app.extensions import csrf, db

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # Bearer tokens, not cookies: no cross-site request can carry one


@dataclass
class Operation:
    """What OpenAPI needs to know about one endpoint."""

    rule: str
    method: str
    summary: str
    tag: str
    role: str | None
    body: type[BaseModel] | None
    query: type[BaseModel] | None
    responses: dict[int, Any] = field(default_factory=dict)
    request_body: dict[str, Any] | None = None  # OpenAPI requestBody for non-JSON bodies (file uploads)


OPERATIONS: list[Operation] = []


def current_api_user(required_role: str | None):
    """The token's user; 401 without a valid token when a role is required, 403 for a lower role."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    user = user_for_api_token(token.strip()) if scheme.lower() == "bearer" else None
    if required_role is None:
        return user
    if user is None:
        raise Unauthorized(_l("A valid API token is required (Authorization: Bearer <token>)."))
    if ROLE_RANK.get(user.role, 0) < ROLE_RANK[required_role]:
        raise Forbidden(_l("Your role does not allow this."))
    return user


def _pydantic_fields(exc: PydanticValidationError) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for error in exc.errors():
        name = ".".join(str(part) for part in error["loc"]) or "body"
        message = error["msg"]
        if message.startswith("Value error, "):
            message = message[len("Value error, "):]
        fields.setdefault(name, []).append(message)
    return fields


# Integer columns are 32-bit on PostgreSQL; a larger number would fail in the database (a 500).
MAX_JSON_INT = 2**31 - 1


def _unstorable_values(value: Any, path: str = "") -> dict[str, list[Any]]:
    """Field errors for values no column can hold: NUL characters, integers beyond 32 bits."""
    fields: dict[str, list[Any]] = {}
    if isinstance(value, dict):
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            if "\x00" in str(key):
                fields.setdefault(path or "body", []).append(_l("NUL characters are not allowed."))
            for k, v in _unstorable_values(item, name).items():
                fields.setdefault(k, []).extend(v)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            for k, v in _unstorable_values(item, f"{path}.{index}" if path else str(index)).items():
                fields.setdefault(k, []).extend(v)
    elif isinstance(value, str) and "\x00" in value:
        fields[path or "body"] = [_l("NUL characters are not allowed.")]
    elif isinstance(value, int) and not isinstance(value, bool) and not -MAX_JSON_INT - 1 <= value <= MAX_JSON_INT:
        fields[path or "body"] = [_l("The number is too large.")]
    return fields


def parse_body(model: type[BaseModel]) -> BaseModel:
    """The JSON body as ``model``: 400 when it is not a JSON object, 422 with field messages when invalid."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise BadRequest(_l("The body must be a JSON object."))
    try:
        parsed = model.model_validate(data)
    except PydanticValidationError as exc:
        raise ValidationError(_l("Check the fields."), fields=_pydantic_fields(exc)) from None
    # Only what the model read (unknown fields are ignored, so they may hold anything).
    unstorable = _unstorable_values(parsed.model_dump())
    if unstorable:
        raise ValidationError(_l("Check the fields."), fields=unstorable)
    return parsed


def parse_query(model: type[BaseModel]) -> BaseModel:
    """Query parameters as ``model`` (422 with field messages when invalid)."""
    try:
        parsed = model.model_validate(request.args.to_dict())
    except PydanticValidationError as exc:
        raise ValidationError(_l("Check the query parameters."), fields=_pydantic_fields(exc)) from None
    unstorable = _unstorable_values(parsed.model_dump())
    if unstorable:
        raise ValidationError(_l("Check the query parameters."), fields=unstorable)
    return parsed


def endpoint(rule: str, method: str, *, summary: str, tag: str, role: str | None = None,
             body: type[BaseModel] | None = None, query: type[BaseModel] | None = None,
             responses: dict[int, Any] | None = None, cache: tuple[str, ...] | None = None,
             request_body: dict[str, Any] | None = None) -> Callable:
    """Declare an API endpoint. The view gets ``user`` and, when declared, ``data`` and ``params``.

    It returns ``(payload, status)`` or a payload (200); ``None`` with 204 means no body.
    Successful calls are committed here: one transaction per request. ``cache`` (GET only): the
    content versions the answer shows; it is then kept per token (app/core/page_cache.py).
    """

    def decorator(fn: Callable) -> Callable:
        @wraps(fn)
        def view(**path_args: Any):
            user = current_api_user(role)
            if body is not None:
                path_args["data"] = parse_body(body)
            if query is not None:
                path_args["params"] = parse_query(query)
            result = fn(user=user, **path_args)
            payload, status = result if isinstance(result, tuple) else (result, 200)
            db.session.commit()
            if status == 204:
                return "", 204
            return jsonify(payload), status

        if cache is not None and method == "GET":
            view = cached_page(*cache, personal=True)(view)
        bp.add_url_rule(rule, endpoint=f"{fn.__module__.rsplit('.', 1)[-1]}_{fn.__name__}",
                        view_func=view, methods=[method])
        OPERATIONS.append(Operation(rule, method.lower(), summary, tag, role, body, query,
                                    responses or {200: None}, request_body))
        return fn

    return decorator
