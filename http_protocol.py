"""HTTP conventions front ends expect around /graphql, as ASGI wrappers:

- automatic persisted queries: a client sends the sha256 of a document it sent once before
  instead of the document (Apollo's `extensions.persistedQuery`);
- `application/graphql-response+json` answered to clients that ask for it (GraphQL over HTTP).
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.types import ASGIApp, Message, Receive, Scope, Send

GRAPHQL_RESPONSE = b"application/graphql-response+json"
PARSED_REQUEST = "graphql_request"  # the key of the parsed POST body in the ASGI scope's state


class PersistedQueryError(Exception):
    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


class PersistedQueryStore:
    """The documents this instance has seen, by sha256; least recently used go first."""

    def __init__(self, maxsize: int = 5000) -> None:
        self.maxsize = maxsize
        self._documents: OrderedDict[str, str] = OrderedDict()

    def resolve(self, request: dict[str, Any]) -> dict[str, Any]:
        """The request with its document filled in from the hash, or remembered under it."""
        extensions = request.get("extensions")
        persisted = extensions.get("persistedQuery") if isinstance(extensions, dict) else None
        if not isinstance(persisted, dict):
            return request
        digest = persisted.get("sha256Hash")
        if not isinstance(digest, str):
            raise PersistedQueryError("persistedQuery needs a sha256Hash.", "BAD_USER_INPUT")
        query = request.get("query")
        if isinstance(query, str):
            if hashlib.sha256(query.encode()).hexdigest() != digest:
                raise PersistedQueryError("provided sha does not match query", "BAD_USER_INPUT")
            self._remember(digest, query)
            return request
        known = self._documents.get(digest)
        if known is None:
            raise PersistedQueryError("PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND")
        self._documents.move_to_end(digest)
        return {**request, "query": known}

    def _remember(self, digest: str, query: str) -> None:
        self._documents[digest] = query
        self._documents.move_to_end(digest)
        while len(self._documents) > self.maxsize:
            self._documents.popitem(last=False)


MAX_BODY_BYTES = 1024 * 1024  # a GraphQL request is a document and its variables


class BodyTooLarge(Exception):
    pass


async def read_body(receive: Receive, limit: int = MAX_BODY_BYTES) -> bytes:
    """The whole request body; BodyTooLarge past `limit` bytes, before holding more."""
    chunks, size = [], 0
    while True:
        message = await receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
        if not message.get("more_body"):
            return b"".join(chunks)


async def _json_response(send: Send, payload: dict[str, Any], status: int = 200) -> None:
    body = json.dumps(payload).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class GraphQLHttp:
    """Applies both conventions to POST /graphql before strawberry sees the request."""

    def __init__(self, app: ASGIApp, store: PersistedQueryStore | None = None) -> None:
        self.app = app
        self.store = store or PersistedQueryStore()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "POST"):
            await self.app(scope, receive, send)
            return
        if scope["method"] == "GET":
            await self._get(scope, receive, send)
            return
        try:
            body = await read_body(receive)
        except BodyTooLarge:
            message = f"The request body is over {MAX_BODY_BYTES} bytes."
            errors = [{"message": message, "extensions": {"code": "BAD_REQUEST"}}]
            await _json_response(send, {"errors": errors}, status=413)
            return
        try:
            body, request = self._resolved(body)
        except PersistedQueryError as error:
            errors = [{"message": str(error), "extensions": {"code": error.code}}]
            await _json_response(send, {"errors": errors})
            return
        # Parsed once: the compiled read path reads the request from here.
        scope.setdefault("state", {})[PARSED_REQUEST] = request
        await self.app(scope, replay(body, receive), _media_type(scope, send))

    async def _get(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Apollo's hashed GET: `?extensions={"persistedQuery": ...}`, the document optional."""
        params = dict(parse_qsl(scope.get("query_string", b"").decode(), keep_blank_values=True))
        if "extensions" in params:
            try:
                request = {**params, "extensions": json.loads(params["extensions"])}
                params["query"] = self.store.resolve(request)["query"]
            except ValueError:
                pass  # not JSON: strawberry explains
            except PersistedQueryError as error:
                errors = [{"message": str(error), "extensions": {"code": error.code}}]
                await _json_response(send, {"errors": errors})
                return
            except KeyError:
                pass  # no persisted query: an ordinary GET
            scope = {**scope, "query_string": urlencode(params).encode()}
        await self.app(scope, receive, _media_type(scope, send))

    def _resolved(self, body: bytes) -> tuple[bytes, dict[str, Any] | None]:
        """The body with a persisted document filled in, and the request it holds (None when
        the body is not a JSON object: strawberry answers that itself)."""
        try:
            request = json.loads(body)
        except ValueError:
            return body, None
        if not isinstance(request, dict):
            return body, None
        resolved = self.store.resolve(request)
        return (body if resolved is request else json.dumps(resolved).encode()), resolved


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
REQUEST_ERRORS = {"GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED", "BAD_USER_INPUT"}


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
    accept = dict(scope.get("headers") or []).get(b"accept", b"")
    if GRAPHQL_RESPONSE not in accept:
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
