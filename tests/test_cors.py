"""CORS (cors.py): a browser app on another origin can call /graphql, as the README shows;
an origin not in CORS_ORIGINS gets no CORS header at all."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from app import create_app
from config import DEVELOPMENT_CORS_ORIGINS, Settings
from tests.support.jobs import committed
from tests.support.journals import committed_world
from tests.support.served import Served, served
from tests.support.world import World

__all__ = ["committed", "committed_world", "served"]  # fixtures, used by name

APP_ORIGIN = "http://localhost:3000"
ME = "query CorsProbe { me { roles } }"
CORS_HEADERS = {
    "access-control-allow-origin",
    "access-control-allow-credentials",
    "access-control-allow-methods",
    "access-control-allow-headers",
    "access-control-expose-headers",
    "access-control-max-age",
}


def preflight(origin: str) -> dict[str, str]:
    """What a browser sends before a cross-origin POST with a token and a JSON body."""
    return {
        "Origin": origin,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type,x-request-id",
    }


def test_development_allows_the_local_dev_servers_and_production_none() -> None:
    assert Settings(env="development").cors_origins == list(DEVELOPMENT_CORS_ORIGINS)
    assert APP_ORIGIN in DEVELOPMENT_CORS_ORIGINS
    production = Settings(env="production", jwt_secret="x" * 40)
    assert production.cors_origins == []


def test_cors_origins_reads_a_comma_separated_list_or_json(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CORS_ORIGINS", "https://app.example.com, https://admin.example.com/")
    assert Settings().cors_origins == ["https://app.example.com", "https://admin.example.com"]
    monkeypatch.setenv("CORS_ORIGINS", '["https://app.example.com"]')
    assert Settings().cors_origins == ["https://app.example.com"]


async def test_a_preflight_from_an_allowed_origin_is_answered_and_never_reaches_graphql(
    served: Served,
) -> None:
    async with served(cors_origins=list(DEVELOPMENT_CORS_ORIGINS)) as gql:
        response = await gql.http.options("/graphql", headers=preflight(APP_ORIGIN))
    assert response.status_code == 200  # /graphql itself answers OPTIONS with 405
    headers = response.headers
    assert headers["access-control-allow-origin"] == APP_ORIGIN  # echoed, never `*`
    assert headers["access-control-allow-credentials"] == "true"
    assert "Origin" in headers["vary"]
    assert set(headers["access-control-allow-methods"].split(", ")) == {"GET", "POST", "OPTIONS"}
    allowed = set(headers["access-control-allow-headers"].split(", "))
    assert {"authorization", "content-type", "x-request-id", "apollo-require-preflight"} <= allowed
    assert int(headers["access-control-max-age"]) > 0


async def test_a_cross_origin_post_with_a_token_is_answered_with_its_origin(
    served: Served, world: World
) -> None:
    async with served(cors_origins=list(DEVELOPMENT_CORS_ORIGINS)) as gql:
        response = await gql.http.post(
            "/graphql",
            json={"query": ME},
            headers={"Origin": APP_ORIGIN, "Authorization": f"Bearer {world.tokens['admin']}"},
        )
    assert response.status_code == 200
    assert "ADMIN" in response.json()["data"]["me"]["roles"]
    assert response.headers["access-control-allow-origin"] == APP_ORIGIN
    assert response.headers["access-control-allow-credentials"] == "true"
    assert "Origin" in response.headers["vary"]
    # The browser lets the app read the request id it may quote in a bug report.
    assert response.headers["access-control-expose-headers"] == "X-Request-Id"


@pytest.mark.parametrize("method", ["OPTIONS", "POST"])
async def test_a_disallowed_origin_gets_no_cors_headers(
    served: Served, world: World, method: str
) -> None:
    evil = "https://evil.example"
    async with served(cors_origins=list(DEVELOPMENT_CORS_ORIGINS)) as gql:
        if method == "OPTIONS":
            response = await gql.http.options("/graphql", headers=preflight(evil))
            assert response.status_code == 403
        else:
            response = await gql.http.post(
                "/graphql",
                json={"query": ME},
                headers={"Origin": evil, "Authorization": f"Bearer {world.tokens['admin']}"},
            )
    assert not CORS_HEADERS & set(response.headers)  # the browser withholds the response
    assert "Origin" in response.headers["vary"]  # a cache must not serve it to an allowed one


async def test_production_by_default_allows_no_origin(served: Served) -> None:
    production = Settings(env="production", jwt_secret="x" * 40)
    async with served(cors_origins=production.cors_origins) as gql:
        response = await gql.http.options("/graphql", headers=preflight(APP_ORIGIN))
    assert response.status_code == 403
    assert not CORS_HEADERS & set(response.headers)


async def test_any_origin_is_answered_with_a_star_and_never_with_credentials(
    served: Served, world: World
) -> None:
    async with served(cors_origins=["*"]) as gql:
        allowed = await gql.http.options("/graphql", headers=preflight("https://any.example"))
        response = await gql.http.post(
            "/graphql",
            json={"query": ME},
            headers={
                "Origin": "https://any.example",
                "Authorization": f"Bearer {world.tokens['admin']}",
            },
        )
    for answer in (allowed, response):
        assert answer.headers["access-control-allow-origin"] == "*"
        assert "access-control-allow-credentials" not in answer.headers
    assert response.json()["data"]["me"]["roles"]


@pytest.mark.parametrize(
    ("origins", "origin"), [(DEVELOPMENT_CORS_ORIGINS, APP_ORIGIN), (["*"], "https://any.example")]
)
def test_a_page_of_an_allowed_origin_may_subscribe(
    database_url: str, committed_world: World, origins: list[str], origin: str
) -> None:
    """The README's browser app subscribes from its own origin: the WebSocket handshake is
    let in by CORS_ORIGINS as its POSTs are (strawberry alone lets in only the API's own)."""
    settings = Settings(env="test", run_worker=False, database_url=database_url)
    app = create_app(settings.model_copy(update={"cors_origins": list(origins)}))
    with (
        TestClient(app) as api,
        api.websocket_connect(
            "/graphql", subprotocols=["graphql-transport-ws"], headers={"Origin": origin}
        ) as ws,
    ):
        token = committed_world.tokens["admin"]
        ws.send_json({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}})
        assert ws.receive_json()["type"] == "connection_ack"


def test_a_page_of_another_origin_may_not_open_a_websocket(database_url: str) -> None:
    """Another site's page never gets a socket (cross-site WebSocket hijacking): 403 at the
    handshake, as its preflight is."""
    settings = Settings(env="test", run_worker=False, database_url=database_url)
    app = create_app(settings.model_copy(update={"cors_origins": list(DEVELOPMENT_CORS_ORIGINS)}))
    with TestClient(app) as api, pytest.raises(WebSocketDisconnect) as refused:
        _handshake(api, "https://evil.example")
    # Closed before it is accepted: a server answers the handshake with HTTP 403.
    assert refused.value.code == 1008


def _handshake(api: TestClient, origin: str) -> None:
    with api.websocket_connect(
        "/graphql", subprotocols=["graphql-transport-ws"], headers={"Origin": origin}
    ):
        pass
