"""GitHub's official OpenAPI description (npm @octokit/openapi), loaded once, and its validators."""

from __future__ import annotations

import functools
import json
from typing import Any

from jsonschema.validators import extend
from openapi_schema_validator import OAS30Validator, oas30_format_checker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from tests.support import NODE_MODULES

SPEC_PATH = NODE_MODULES / "@octokit" / "openapi" / "generated" / "api.github.com.json"
# The whole description is one resource; every schema is reached by a JSON pointer into it.
BASE_URI = "urn:github-openapi"
# What GitHub sends with any error status: {"message": ..., "documentation_url": ...}.
ERROR_SCHEMA = ("components", "schemas", "basic-error")


def _nullable_enum(validator: Any, enums: Any, instance: Any, schema: dict[str, Any]) -> Any:
    """Let null through an enum of a nullable schema.

    GitHub's description marks e.g. an issue's `state_reason` as nullable with an enum that lacks
    null, and GitHub sends null for every open issue; OAS 3.0.3 read strictly rejects that. This is
    the only loosening.
    """
    if instance is None and schema.get("nullable") is True:
        return
    yield from OAS30Validator.VALIDATORS["enum"](validator, enums, instance, schema)


Validator = extend(OAS30Validator, {"enum": _nullable_enum})


@functools.cache
def spec() -> dict[str, Any]:
    """The parsed description (13 MB: read once per process)."""
    return json.loads(SPEC_PATH.read_text(encoding="utf-8"))


@functools.cache
def _registry() -> Registry:
    return Registry().with_resource(
        BASE_URI, Resource.from_contents(spec(), default_specification=DRAFT4)
    )


def _pointer(parts: tuple[str, ...]) -> str:
    escaped = (part.replace("~", "~0").replace("/", "~1") for part in parts)
    return f"{BASE_URI}#/" + "/".join(escaped)


@functools.cache
def _validator(parts: tuple[str, ...]) -> Any:
    return Validator(
        {"$ref": _pointer(parts)}, registry=_registry(), format_checker=oas30_format_checker
    )


def _errors(parts: tuple[str, ...], instance: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '<root>'}: {error.message[:300]}"
        for error in _validator(parts).iter_errors(instance)
    ]


def operation(method: str, template: str) -> dict[str, Any]:
    """The operation object for a method and path template such as /repos/{owner}/{repo}."""
    return spec()["paths"][template][method.lower()]


def _resolve_response(response: dict[str, Any]) -> dict[str, Any]:
    ref = response.get("$ref")
    if ref is None:
        return response
    return spec()["components"]["responses"][ref.rsplit("/", 1)[-1]]


def response_errors(method: str, template: str, status: int, body: Any) -> list[str]:
    """Mismatches between a response and the description; an empty list means it conforms."""
    where = f"{method} {template} {status}"
    responses = operation(method, template)["responses"]
    documented = responses.get(str(status))
    if documented is None:
        if status < 400:
            return [f"{where}: status not documented for this operation"]
        return [f"{where}: {error}" for error in _errors(ERROR_SCHEMA, body)]
    content = _resolve_response(documented).get("content")
    if content is None:
        return [] if body is None else [f"{where}: documented without a body, got one"]
    status_key = str(status)
    key = ("paths", template, method.lower(), "responses", status_key, "content")
    if "$ref" in documented:
        key = ("components", "responses", documented["$ref"].rsplit("/", 1)[-1], "content")
    parts = (*key, "application/json", "schema")
    return [f"{where}: {error}" for error in _errors(parts, body)]


def request_errors(method: str, template: str, body: Any) -> list[str]:
    """Mismatches between a request body and the operation's documented request body."""
    request_body = operation(method, template).get("requestBody")
    if request_body is None or body is None:
        return []
    parts = ("paths", template, method.lower(), "requestBody", "content", "application/json")
    return [f"{method} {template} request: {error}" for error in _errors((*parts, "schema"), body)]
