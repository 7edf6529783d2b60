"""CORS: which browser origins may call the API (settings.cors_origins), in front of every route.

Starlette's CORSMiddleware answers a refused origin with some CORS headers all the same
(Access-Control-Allow-Credentials on its responses, the allowed methods and headers on its
preflights), and with `*` plus credentials echoes every origin; this one answers a refused
origin with none and never allows credentials to any origin.

Credentials are allowed to the listed origins although the API reads no cookie (its token
travels in the Authorization header): front-end clients configured with
`credentials: "include"` (a common Apollo Client setting) would otherwise have every response
thrown away by the browser.
"""

from __future__ import annotations

from collections.abc import Collection

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

ANY_ORIGIN = "*"
METHODS = "GET, POST, OPTIONS"
# What GraphQL clients send: Apollo's CSRF-prevention and client-awareness headers included.
HEADERS = ", ".join(
    [
        "accept",
        "authorization",
        "content-type",
        "x-request-id",
        "apollo-require-preflight",
        "x-apollo-operation-name",
        "apollographql-client-name",
        "apollographql-client-version",
    ]
)
EXPOSED = "X-Request-Id"
MAX_AGE_SECONDS = 600  # Chromium caps a cached preflight at two hours, Firefox at one day


def allows(origins: Collection[str], origin: str) -> bool:
    """Whether a page of `origin` may call the API: over HTTP (Cors) and, the same origins, over
    WebSocket (app.GraphQLApp), which browsers open across origins without any CORS check."""
    return ANY_ORIGIN in origins or origin in origins


class Cors:
    """Answers preflights itself (they never reach a route) and adds the CORS headers of an
    allowed origin to every other response."""

    def __init__(self, app: ASGIApp, origins: Collection[str]) -> None:
        self.app = app
        self.any_origin = ANY_ORIGIN in origins
        self.origins = frozenset(origins) - {ANY_ORIGIN}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        origin = headers.get("origin")
        if origin is None:
            await self.app(scope, receive, send)
            return
        if scope["method"] == "OPTIONS" and "access-control-request-method" in headers:
            await self._preflight(origin)(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                self._allow(MutableHeaders(scope=message), origin)
            await send(message)

        await self.app(scope, receive, sending)

    def _preflight(self, origin: str) -> PlainTextResponse:
        if not self._allowed(origin):
            response = PlainTextResponse("This origin may not call the API.", status_code=403)
            self._allow(response.headers, origin)  # adds only Vary: Origin
            return response
        response = PlainTextResponse("OK")
        self._allow(response.headers, origin)
        response.headers["Access-Control-Allow-Methods"] = METHODS
        response.headers["Access-Control-Allow-Headers"] = HEADERS
        response.headers["Access-Control-Max-Age"] = str(MAX_AGE_SECONDS)
        return response

    def _allowed(self, origin: str) -> bool:
        return self.any_origin or origin in self.origins

    def _allow(self, headers: MutableHeaders, origin: str) -> None:
        if self.any_origin:
            # The same answer for every origin: no Vary, and never with credentials.
            headers["Access-Control-Allow-Origin"] = ANY_ORIGIN
            headers["Access-Control-Expose-Headers"] = EXPOSED
            return
        # Which origin asked changes the answer: caches must keep one copy per origin.
        headers.add_vary_header("Origin")
        if origin in self.origins:
            headers["Access-Control-Allow-Origin"] = origin
            headers["Access-Control-Allow-Credentials"] = "true"
            headers["Access-Control-Expose-Headers"] = EXPOSED
