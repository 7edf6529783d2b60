"""The GraphiQL page and its assets over HTTP (graphiql/page.py): everything from this server,
cached for good, nothing when GraphiQL is off. tests/test_graphiql_browser.py runs it."""

from __future__ import annotations

import re

from tests.support.served import Served, served

__all__ = ["served"]  # a fixture, used by name

BROWSER = {"Accept": "text/html,application/xhtml+xml"}


async def test_the_page_loads_only_this_servers_assets_each_cached_for_good(
    served: Served,
) -> None:
    async with served(graphiql=True) as gql:
        page = await gql.http.get("/graphql", headers=BROWSER)
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        policy = page.headers["content-security-policy"]
        assert "default-src 'none'" in policy and "script-src 'self';" in policy
        assert "connect-src 'self' ws://test wss://test;" in policy  # subscriptions, same host
        sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
        assets = [source for source in sources if source != "data:,"]
        # Nothing from another host (no CDN): React, GraphiQL, the Explorer, graphql-ws, ours.
        assert all(source.startswith("/graphiql/static/") for source in assets), assets
        assert len(assets) == 9
        for source in assets:
            asset = await gql.http.get(source)
            assert asset.status_code == 200, source
            assert asset.headers["cache-control"] == "public, max-age=31536000, immutable"
            kind = "text/css" if ".css" in source else "text/javascript"
            assert asset.headers["content-type"].startswith(kind)
            assert len(asset.content) > 100


async def test_an_asset_url_names_its_content(served: Served) -> None:
    """Cached for a year, so a changed file must be a new URL."""
    async with served(graphiql=True) as gql:
        page = (await gql.http.get("/graphql", headers=BROWSER)).text
    versions = re.findall(r'/graphiql/static/[\w.-]+\?v=([0-9a-f]{16})"', page)
    assert len(set(versions)) == 9


async def test_only_the_listed_assets_are_served(served: Served) -> None:
    async with served(graphiql=True) as gql:
        for name in ("VENDOR.md", "LICENSES.txt", "page.py", "..%2F..%2Fconfig.py"):
            response = await gql.http.get(f"/graphiql/static/{name}")
            assert response.status_code == 404, name
            assert "import" not in response.text


async def test_nothing_of_graphiql_is_served_when_it_is_off(served: Served) -> None:
    async with served(graphiql=False) as gql:
        page = await gql.http.get("/graphql", headers=BROWSER)
        asset = await gql.http.get("/graphiql/static/graphiql.min.js")
    assert page.status_code == 404
    assert "text/html" not in page.headers["content-type"]
    assert asset.status_code == 404
