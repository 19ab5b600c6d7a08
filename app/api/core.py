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


def parse_body(model: type[BaseModel]) -> BaseModel:
    """The JSON body as ``model``: 400 when it is not a JSON object, 422 with field messages when invalid."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise BadRequest(_l("The body must be a JSON object."))
    try:
        return model.model_validate(data)
    except PydanticValidationError as exc:
        raise ValidationError(_l("Check the fields."), fields=_pydantic_fields(exc)) from None


def parse_query(model: type[BaseModel]) -> BaseModel:
    """Query parameters as ``model`` (422 with field messages when invalid)."""
    try:
        return model.model_validate(request.args.to_dict())
    except PydanticValidationError as exc:
        raise ValidationError(_l("Check the query parameters."), fields=_pydantic_fields(exc)) from None


def endpoint(rule: str, method: str, *, summary: str, tag: str, role: str | None = None,
             body: type[BaseModel] | None = None, query: type[BaseModel] | None = None,
             responses: dict[int, Any] | None = None) -> Callable:
    """Declare an API endpoint. The view gets ``user`` and, when declared, ``data`` and ``params``.

    It returns ``(payload, status)`` or a payload (200); ``None`` with 204 means no body.
    Successful calls are committed here: one transaction per request.
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

        bp.add_url_rule(rule, endpoint=f"{fn.__module__.rsplit('.', 1)[-1]}_{fn.__name__}",
                        view_func=view, methods=[method])
        OPERATIONS.append(Operation(rule, method.lower(), summary, tag, role, body, query,
                                    responses or {200: None}))
        return fn

    return decorator
