"""Every HTTP request and WebSocket gets an id: the client's `X-Request-Id` when it is safe
(observability.request_id_from), else a new one. It is bound to every log line written for
the request (structlog's context variables), kept in the ASGI scope's state for the layers
behind, and sent back as `X-Request-Id` on every response: GraphQL answers of either read
path, the HTTP refusals answered before them, /healthz, /metrics."""

from __future__ import annotations

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from observability import request_id_from

HEADER = b"x-request-id"
STATE_KEY = "request_id"  # in the scope's state, where app.SessionScope reads it


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

        async def sending(message: Message) -> None:
            # A WebSocket's handshake answer carries headers too (websocket.accept).
            if message["type"] in ("http.response.start", "websocket.accept"):
                headers = [(n, v) for n, v in message.get("headers") or [] if n.lower() != HEADER]
                message = {**message, "headers": [*headers, echoed]}
            await send(message)

        bound = structlog.contextvars.bind_contextvars(request_id=request_id)
        try:
            await self.app(scope, receive, sending)
        finally:
            structlog.contextvars.reset_contextvars(**bound)
