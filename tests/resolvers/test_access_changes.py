"""Issue 12, point 4: a revoked session, a removed legal entity or a removed role takes effect
at once in every API process, however long AUTH_CACHE_SECONDS: the database announces the
change (migration 0010) to each process's event listener, which forgets what it cached and
wakes the subscriptions' access watches. Here the cache would keep access for five minutes,
and the change is made by another writer (psql, an admin's process, another instance)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from config import Settings
from resolvers.auth import verify_token
from tests.resolvers.test_events import _execute, _subscribe
from tests.resolvers.test_subscription_expiry import CHANGES, _closed, _delivers
from tests.support.jobs import committed
from tests.support.journals import committed_world
from tests.support.world import World

__all__ = ["committed", "committed_world"]

CACHE_SECONDS = 300.0
ANNOUNCED_WITHIN = 2.0  # seconds: a notification's way through PostgreSQL and the listener
JOURNALS = "subscription { journalStatusChanges { typeName id status } }"
ACCESS = "{ me { roles } legalEntities { nodes { code } } }"
TERMINATE_LISTENER = """SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
    WHERE application_name = 'projops-events' AND datname = current_database()"""


@pytest.fixture
def api(settings: Settings, database_url: str) -> Iterator[TestClient]:
    from app import create_app

    cached = {"database_url": database_url, "auth_cache_seconds": CACHE_SECONDS}
    with TestClient(create_app(settings.model_copy(update=cached))) as client:
        yield client


def _answer(api: TestClient, token: str) -> Any:
    response = api.post(
        "/graphql", json={"query": ACCESS}, headers={"authorization": f"Bearer {token}"}
    )
    return response.json()


def _change(change: str, world: World, settings: Settings, database_url: str, token: str) -> None:
    sid = str(verify_token(settings, token).session_id)
    _execute(database_url, CHANGES[change], sid=sid, user=world.users["manager"].id)


@pytest.mark.parametrize("change", list(CHANGES))
def test_an_access_change_reaches_cached_requests_at_once(
    change: str, api: TestClient, committed_world: World, settings: Settings, database_url: str
) -> None:
    token = committed_world.tokens["manager"]  # project manager and employee of USPM
    before = _answer(api, token)
    assert "errors" not in before and "USPM" in str(before)  # and now cached for 5 minutes
    _change(change, committed_world, settings, database_url, token)
    started = time.monotonic()
    while (after := _answer(api, token)) == before:
        assert time.monotonic() - started < ANNOUNCED_WITHIN, "still served from the cache"
        time.sleep(0.05)
    if change == "session revoked":
        assert after["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


@pytest.mark.parametrize("change", list(CHANGES))
def test_an_access_change_closes_subscriptions_at_once(
    change: str, api: TestClient, committed_world: World, settings: Settings, database_url: str
) -> None:
    token = committed_world.tokens["manager"]
    uspm = committed_world.entity_id("USPM")
    with api.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        _subscribe(ws, token, JOURNALS)
        _delivers(ws, database_url, uspm, "J-BEFORE")
        _change(change, committed_world, settings, database_url, token)
        assert _closed(ws, database_url, uspm, within=5.0) < ANNOUNCED_WITHIN


def test_a_listener_that_was_deaf_forgets_every_cached_access(
    api: TestClient, committed_world: World, settings: Settings, database_url: str
) -> None:
    """Changes made while the listener reconnects are not announced to it: once listening
    again it forgets all it cached, and the next request asks the database."""
    token = committed_world.tokens["manager"]
    before = _answer(api, token)
    _execute(database_url, TERMINATE_LISTENER)  # it listens again a second later
    _change("role removed", committed_world, settings, database_url, token)
    started = time.monotonic()
    while _answer(api, token) == before:
        assert time.monotonic() - started < 5.0, "the cache outlived the listener's loss"
        time.sleep(0.1)
