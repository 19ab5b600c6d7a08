"""OpenAPI 3.1 description generated from the ``@endpoint`` registry and the pydantic models."""
from __future__ import annotations

import re
from typing import Any

from flask import current_app
from pydantic import BaseModel, TypeAdapter

from app.api.core import OPERATIONS, Operation, bp

STATUS_TEXT = {200: "OK", 201: "Created", 204: "No content", 400: "Malformed request",
               401: "Missing or invalid token", 403: "Role not allowed", 404: "Not found",
               409: "Conflict", 413: "Too large", 415: "Type not allowed", 422: "Invalid values"}


def _schema_for(annotation: Any, components: dict[str, Any]) -> dict[str, Any]:
    adapter = TypeAdapter(annotation)
    schema = adapter.json_schema(ref_template="#/components/schemas/{model}")
    for name, definition in schema.pop("$defs", {}).items():
        components[name] = definition
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        components[annotation.__name__] = schema
        return {"$ref": f"#/components/schemas/{annotation.__name__}"}
    return schema


def _openapi_path(rule: str) -> tuple[str, list[dict[str, Any]]]:
    params = []
    for converter, name in re.findall(r"<(?:(\w+):)?(\w+)>", rule):
        kind = "integer" if converter == "int" else "string"
        params.append({"name": name, "in": "path", "required": True, "schema": {"type": kind}})
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule), params


def _operation(op: Operation, components: dict[str, Any]) -> dict[str, Any]:
    path, params = _openapi_path(op.rule)
    spec: dict[str, Any] = {"summary": op.summary, "tags": [op.tag],
                            "operationId": f"{op.method}_{re.sub(r'[^a-z0-9]+', '_', path.lower()).strip('_')}"}
    if op.query is not None:
        for name, field in op.query.model_fields.items():
            field_schema = _schema_for(field.annotation, components)
            params.append({"name": field.alias or name, "in": "query", "required": field.is_required(),
                           "schema": field_schema})
    if params:
        spec["parameters"] = params
    if op.body is not None:
        spec["requestBody"] = {"required": True, "content": {
            "application/json": {"schema": _schema_for(op.body, components)}}}
    if op.request_body is not None:
        spec["requestBody"] = op.request_body
    responses: dict[str, Any] = {}
    error_ref = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for status, model in op.responses.items():
        entry: dict[str, Any] = {"description": STATUS_TEXT.get(status, "Response")}
        if status == 204:
            pass
        elif model is not None:
            entry["content"] = {"application/json": {"schema": _schema_for(model, components)}}
        elif status >= 400:
            entry["content"] = error_ref
        else:
            entry["content"] = {"application/json": {"schema": {}}}
        responses[str(status)] = entry
    # Every body-taking endpoint may answer 400/422; every authenticated one 401/403.
    if op.body is not None or op.query is not None:
        responses.setdefault("400", {"description": STATUS_TEXT[400], "content": error_ref})
        responses.setdefault("422", {"description": STATUS_TEXT[422], "content": error_ref})
    if "{" in path:
        responses.setdefault("404", {"description": STATUS_TEXT[404], "content": error_ref})
    if op.role:
        spec["security"] = [{"bearer": []}]
        responses.setdefault("401", {"description": STATUS_TEXT[401], "content": error_ref})
        responses.setdefault("403", {"description": STATUS_TEXT[403], "content": error_ref})
        spec["description"] = f"Requires role: {op.role}."
    spec["responses"] = responses
    return spec


def build_spec() -> dict[str, Any]:
    """The whole OpenAPI document."""
    from app.api.schemas import Error

    components: dict[str, Any] = {}
    _schema_for(Error, components)
    paths: dict[str, Any] = {}
    for op in OPERATIONS:
        path, _ = _openapi_path(op.rule)
        paths.setdefault(path, {})[op.method] = _operation(op, components)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Kohtaamo API", "version": "1.0.0",
                 "description": "City of Helsinki × NGO cooperation: meetings, registrations, "
                                "resident spaces, feedback and reports."},
        "servers": [{"url": current_app.config["BASE_URL"] + bp.url_prefix}],
        "paths": paths,
        "components": {"schemas": components,
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    }


@bp.get("/openapi.json")
def openapi_json():
    """The OpenAPI description (no auth)."""
    from flask import jsonify

    return jsonify(build_spec())


