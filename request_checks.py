"""What makes a request one the API takes: an HTTP body or query string read, strictly, into
`{query, operationName, variables, extensions}`, else a Refusal saying why not.

A refusal is an HTTP error with a JSON body shaped like every other error of the API,
`{"errors": [{"message": ..., "extensions": {"code": ...}}]}`: 400 for a request that is
malformed (not UTF-8, not JSON, not an object, a parameter of the wrong type), 413 for one
too large, 415 for a body that is not JSON, 405 for a method /graphql does not answer.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

import request_json

# A GraphQL request's parameters and the JSON type each must have when it is not null.
PARAMETERS: dict[str, tuple[type, str]] = {
    "query": (str, "a string"),
    "operationName": (str, "a string"),
    "variables": (dict, "an object"),
    "extensions": (dict, "an object"),
}
JSON_PARAMETERS = ("variables", "extensions")  # JSON text inside a GET query string


class Refusal(Exception):
    """A request refused before GraphQL sees it: an HTTP status, a message and a code."""

    def __init__(
        self,
        status: int,
        message: str,
        code: str = "BAD_REQUEST",
        headers: tuple[tuple[bytes, bytes], ...] = (),
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.headers = headers

    def body(self) -> bytes:
        return error_body(self.message, self.code)


def error_body(message: str, code: str) -> bytes:
    return json.dumps({"errors": [{"message": message, "extensions": {"code": code}}]}).encode()


def method_not_allowed(allowed: str, message: str) -> Refusal:
    return Refusal(405, message, "METHOD_NOT_ALLOWED", headers=((b"allow", allowed.encode()),))


def from_body(body: bytes, content_type: bytes) -> dict[str, Any]:
    """The request a POST body holds."""
    media_type = content_type.split(b";")[0].strip().lower()
    # As strawberry reads it (which then refuses anything else in plain text).
    if b"application/json" not in media_type:
        raise Refusal(415, "Send the request as JSON: Content-Type: application/json.")
    return checked(_json(body))


def from_query_string(query_string: bytes) -> dict[str, Any]:
    """The request a GET query string holds (variables and extensions decoded)."""
    try:
        pairs = parse_qsl(query_string.decode(), keep_blank_values=True, errors="strict")
    except UnicodeDecodeError as error:
        raise Refusal(400, "The query string is not UTF-8.") from error
    params: dict[str, Any] = {}
    for name, value in pairs:
        if name in JSON_PARAMETERS:
            params[name] = _json(value) if value else None
        elif name in PARAMETERS:
            params[name] = value
    return checked(params)


def as_query_string(request: dict[str, Any]) -> bytes:
    """A checked request as the query string strawberry reads again."""
    params = {
        name: json.dumps(value) if name in JSON_PARAMETERS else value
        for name, value in request.items()
        if name in PARAMETERS and value is not None
    }
    return urlencode(params).encode()


def checked(request: Any) -> dict[str, Any]:
    """The request, when it is one JSON object whose parameters have their types."""
    if isinstance(request, list):
        raise Refusal(400, "Batched requests are not supported: send one operation each.")
    if not isinstance(request, dict):
        raise Refusal(400, "The request must be a JSON object with a `query`.")
    for name, (kind, described) in PARAMETERS.items():
        if request.get(name) is not None and not isinstance(request[name], kind):
            raise Refusal(400, f"`{name}` must be {described} or null.")
    return request


def require_query(request: dict[str, Any]) -> None:
    if not request.get("query"):
        raise Refusal(400, "No GraphQL query found in the request.")


def _json(data: bytes | str) -> Any:
    try:
        return request_json.loads(data)
    except request_json.MalformedJson as error:
        raise Refusal(400, error.message) from error


async def routing_refusal(request: Request, error: Exception) -> Response:
    """Starlette's own refusals (a path the API does not serve, a method a route does not
    answer) as JSON errors with a code, like every other error of the API."""
    assert isinstance(error, HTTPException)
    code = {404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}.get(error.status_code, "BAD_REQUEST")
    return Response(
        error_body(error.detail, code),
        error.status_code,
        error.headers,
        media_type="application/json",
    )
