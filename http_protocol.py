"""The HTTP front of /graphql, an ASGI wrapper in front of strawberry (and the compiled reads):

- every request is checked first (http_requests): a malformed one is answered here with a
  4xx JSON error and reaches nothing behind;
- automatic persisted queries (persisted_queries), for callers with a valid token;
- `application/graphql-response+json` answered to clients that ask for it (GraphQL over HTTP).
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from config import Settings
from persisted_queries import PersistedQueryError, PersistedQueryStore
from request_checks import (
    Refusal,
    as_query_string,
    error_body,
    from_body,
    from_query_string,
    method_not_allowed,
    require_query,
)
from resolvers.auth import AuthenticationError, token_from_header

GRAPHQL_RESPONSE = b"application/graphql-response+json"
PARSED_REQUEST = "graphql_request"  # the key of the checked POST request in the ASGI scope's state
MAX_BODY_BYTES = 1024 * 1024  # a GraphQL request is a document and its variables


async def read_body(receive: Receive, limit: int = MAX_BODY_BYTES) -> bytes:
    """The whole request body; a 413 Refusal past `limit` bytes, before holding more."""
    chunks, size = [], 0
    while True:
        message = await receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise Refusal(413, f"The request body is over {limit} bytes.")
        chunks.append(chunk)
        if not message.get("more_body"):
            return b"".join(chunks)


class GraphQLHttp:
    """Checks and completes every HTTP request to /graphql before strawberry sees it."""

    def __init__(
        self, app: ASGIApp, settings: Settings, store: PersistedQueryStore | None = None
    ) -> None:
        self.app = app
        self.settings = settings
        self.store = store or PersistedQueryStore(max_bytes=settings.persisted_query_max_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        send = _media_type(scope, send)
        try:
            if scope["method"] == "POST":
                scope, receive = await self._post(scope, receive)
            elif scope["method"] == "GET":
                scope = self._get(scope)
            else:
                raise method_not_allowed("GET, POST", "/graphql answers GET and POST only.")
        except Refusal as refusal:
            await _respond(send, refusal.body(), refusal.status, refusal.headers)
            return
        except PersistedQueryError as error:  # Apollo's clients expect these with a 200
            await _respond(send, error_body(str(error), error.code))
            return
        await self.app(scope, receive, send)

    async def _post(self, scope: Scope, receive: Receive) -> tuple[Scope, Receive]:
        body = await read_body(receive)
        request = from_body(body, _header(scope, b"content-type") or b"")
        resolved = self.store.resolve(request, self._authenticated(scope))
        require_query(resolved)
        if resolved is not request:
            body = json.dumps(resolved).encode()
        # Parsed once: the compiled read path reads the request from here.
        scope.setdefault("state", {})[PARSED_REQUEST] = resolved
        return scope, replay(body, receive)

    def _get(self, scope: Scope) -> Scope:
        """Apollo's hashed GET (`?extensions={"persistedQuery": ...}`, the document optional);
        strawberry reads the request again from the query string rebuilt here."""
        request = from_query_string(scope.get("query_string", b""))
        if not request and b"text/html" in (_header(scope, b"accept") or b""):
            # A browser opening /graphql: GraphiQL, which strawberry serves where it is on.
            if self.settings.graphiql_enabled:
                return scope
            raise Refusal(404, "Nothing here for a browser: send a GraphQL `query`.", "NOT_FOUND")
        resolved = self.store.resolve(request, self._authenticated(scope))
        require_query(resolved)
        return {**scope, "query_string": as_query_string(resolved)}

    def _authenticated(self, scope: Scope) -> bool:
        authorization = _header(scope, b"authorization")
        if authorization is None:
            return False
        try:
            # A valid signature, unexpired (minutes): no database before the store answers.
            return token_from_header(self.settings, authorization.decode("latin-1")) is not None
        except AuthenticationError:
            return False


def _header(scope: Scope, name: bytes) -> bytes | None:
    """The first value of a header, as Starlette's Headers.get reads it."""
    return next((value for key, value in scope.get("headers") or [] if key == name), None)


async def _respond(
    send: Send, body: bytes, status: int = 200, headers: tuple[tuple[bytes, bytes], ...] = ()
) -> None:
    head = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": [*head, *headers]})
    await send({"type": "http.response.body", "body": body})


def replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed


# Errors raised before execution: with application/graphql-response+json they are a 400
# without a `data` entry (GraphQL over HTTP).
REQUEST_ERRORS = {
    "GRAPHQL_PARSE_FAILED",
    "GRAPHQL_VALIDATION_FAILED",
    "BAD_USER_INPUT",
    "INTROSPECTION_DISABLED",
}


def _request_error(body: bytes) -> bytes | None:
    """The body without `data` when the response is a request error, else None."""
    try:
        result = json.loads(body)
    except ValueError:
        return None
    if not isinstance(result, dict) or result.get("data") is not None or not result.get("errors"):
        return None
    codes = {(error.get("extensions") or {}).get("code") for error in result["errors"]}
    if not codes <= REQUEST_ERRORS:
        return None
    return json.dumps({"errors": result["errors"]}).encode()


def _media_type(scope: Scope, send: Send) -> Send:
    if GRAPHQL_RESPONSE not in (_header(scope, b"accept") or b""):
        return send
    start: Message = {}
    chunks: list[bytes] = []

    async def sending(message: Message) -> None:
        nonlocal start
        if message["type"] == "http.response.start":
            start = message
            return
        chunks.append(message.get("body", b""))
        if message.get("more_body"):
            return
        body, status = b"".join(chunks), start["status"]
        headers = [(name, value) for name, value in start.get("headers", [])]
        if any(n == b"content-type" and v.startswith(b"application/json") for n, v in headers):
            refused = _request_error(body)
            if refused is not None:
                body, status = refused, 400
            headers = [
                (n, GRAPHQL_RESPONSE if n == b"content-type" else v)
                for n, v in headers
                if n != b"content-length"
            ] + [(b"content-length", str(len(body)).encode())]
        await send({**start, "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return sending
