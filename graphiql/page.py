"""GraphiQL, entirely from this server: the page strawberry shows a browser at GET /graphql
(app.GraphQLApp.render_graphql_ide) and its assets under /graphiql/static/, vendored in
static/ (static/VENDOR.md: which versions, from where, how they were built).

Nothing comes from a CDN, so the page works with no network, and its Content-Security-Policy
lets it load nothing from anywhere else. Each asset's URL carries a hash of its content: it
is cached for a year and a changed file is a new URL.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response

STATIC = Path(__file__).resolve().parent / "static"
STATIC_URL = "/graphiql/static"
JS, CSS = "text/javascript; charset=utf-8", "text/css; charset=utf-8"
# In loading order: GraphiQL's bundle needs React; the Explorer and the page need GraphiQL.
STYLES = ("graphiql.min.css", "plugin-explorer.css", "graphiql-page.css")
SCRIPTS = (
    "react.production.min.js",
    "react-dom.production.min.js",
    "graphiql.min.js",
    "plugin-explorer.umd.js",
    "graphql-ws.min.js",
    "graphiql-page.js",  # ours: the fetcher, the starting query, the Explorer
)
ASSETS = {**dict.fromkeys(STYLES, CSS), **dict.fromkeys(SCRIPTS, JS)}
YEAR_SECONDS = 365 * 24 * 3600
HOST = re.compile(r"[A-Za-z0-9.\-\[\]:]+")  # what may go into the policy as a host

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>GraphiQL · projops</title>
<link rel="icon" href="data:,">
{styles}
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<noscript>GraphiQL needs JavaScript.</noscript>
{scripts}
</body>
</html>
"""


@cache
def url(name: str) -> str:
    digest = hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:16]
    return f"{STATIC_URL}/{name}?v={digest}"


@cache
def html() -> str:
    styles = "\n".join(f'<link rel="stylesheet" href="{url(name)}">' for name in STYLES)
    scripts = "\n".join(f'<script src="{url(name)}"></script>' for name in SCRIPTS)
    return PAGE.format(styles=styles, scripts=scripts)


def content_security_policy(host: str) -> str:
    """Everything from this server only. Styles inline too: GraphiQL's components add
    <style> elements. Subscriptions connect back to the page's own host over ws or wss."""
    sockets = f" ws://{host} wss://{host}" if HOST.fullmatch(host) else ""
    return (
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline';"
        f" img-src 'self' data:; font-src 'self' data:; connect-src 'self'{sockets};"
        " base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )


def page(request: Request) -> Response:
    headers = {
        "Content-Security-Policy": content_security_policy(request.headers.get("host", "")),
        "Cache-Control": "no-cache",  # it names the assets' current versions
        "X-Content-Type-Options": "nosniff",
    }
    return HTMLResponse(html(), headers=headers)


async def asset(request: Request) -> Response:
    """GET /graphiql/static/{name}: one of ASSETS, never any other path."""
    name = request.path_params["name"]
    if name not in ASSETS:
        body = {"errors": [{"message": "No such asset.", "extensions": {"code": "NOT_FOUND"}}]}
        return JSONResponse(body, status_code=404)
    headers = {
        "Cache-Control": f"public, max-age={YEAR_SECONDS}, immutable",
        "X-Content-Type-Options": "nosniff",
    }
    return FileResponse(STATIC / name, media_type=ASSETS[name], headers=headers)
