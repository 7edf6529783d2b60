"""Every HTTP request and WebSocket gets an id: the client's `X-Request-Id` when it is safe
(observability.request_id_from), else a new one. It is bound to every log line written for
the request (structlog's context variables), kept in the ASGI scope's state for the layers
behind, and sent back as `X-Request-Id` on every response: GraphQL answers of either read
path, the HTTP refusals answered before them, /healthz, /metrics. A fault that escapes every
layer behind is logged here, once, and answered as a JSON 500 with an error id."""

from __future__ import annotations

import json
import uuid

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from observability import log, request_id_from

HEADER = b"x-request-id"
STATE_KEY = "request_id"  # in the scope's state, where app.SessionScope reads it
INTERNAL = "INTERNAL_SERVER_ERROR"  # as resolvers/extensions.py masks a GraphQL fault


class RequestIds:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        request_id = request_id_from(scope.get("headers") or [])
        scope.setdefault("state", {})[STATE_KEY] = request_id
        echoed = (HEADER, request_id.encode())

        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            # A WebSocket's handshake answer carries headers too (websocket.accept).
            if message["type"] in ("http.response.start", "websocket.accept"):
                started = True
                headers = [(n, v) for n, v in message.get("headers") or [] if n.lower() != HEADER]
                message = {**message, "headers": [*headers, echoed]}
            await send(message)

        bound = structlog.contextvars.bind_contextvars(request_id=request_id)
        try:
            await self.app(scope, receive, sending)
        except Exception:
            # A fault no layer behind answered (GraphQL's are masked before they get here):
            # logged once, here, with the request id, and not raised on to the server, which
            # would log it again as plain text and answer a 500 without a JSON body.
            error_id = uuid.uuid4().hex
            log.exception("unexpected_error", error_id=error_id, path=scope.get("path"))
            if scope["type"] == "http" and not started:
                body = _body(error_id)
                headers = [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ]
                await sending({"type": "http.response.start", "status": 500, "headers": headers})
                await sending({"type": "http.response.body", "body": body})
        finally:
            structlog.contextvars.reset_contextvars(**bound)


def _body(error_id: str) -> bytes:
    message = f"Unexpected error; quote error id {error_id}."
    error = {"message": message, "extensions": {"code": INTERNAL, "errorId": error_id}}
    return json.dumps({"errors": [error]}).encode()
