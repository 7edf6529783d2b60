"""Issue 12, point 4: an open subscription ends, closed with 4403 ("Forbidden"), when its
access token expires, its session is revoked, or its user loses a legal entity or a role;
until then it delivers. The app runs with its lifespan (its own engine and event listener)
on the scratch database, AUTH_CACHE_SECONDS=0; a change of access is announced by the database
(migration 0010) and checked at once."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient, WebSocketTestSession
from starlette.websockets import WebSocketDisconnect

from config import Settings
from resolvers.auth import verify_token
from tests.resolvers.test_events import _execute, _new_journal, _next, _subscribe
from tests.support.jobs import Sessions, committed
from tests.support.journals import committed_world
from tests.support.world import World, signed_in

__all__ = ["committed", "committed_world"]

JOURNALS = "subscription { journalStatusChanges { typeName id status } }"
SHORT_SECONDS = 3.0  # the access token's lifetime in the expiry test
ANNOUNCED_WITHIN = 1.5  # seconds from another writer's commit to the socket's close


@pytest.fixture
def test_settings(settings: Settings, database_url: str) -> Settings:
    return settings.model_copy(update={"database_url": database_url, "auth_cache_seconds": 0})


@pytest.fixture
def api(test_settings: Settings) -> Iterator[TestClient]:
    from app import create_app

    with TestClient(create_app(test_settings)) as client:
        yield client


@pytest.fixture
async def short_lived(committed_world: World, committed: Sessions, test_settings: Settings) -> str:
    """A committed session of the manager whose access token lives SHORT_SECONDS."""
    short = test_settings.model_copy(update={"access_token_minutes": SHORT_SECONDS / 60})
    async with committed() as session:
        user_id = committed_world.users["manager"].id
        token = await signed_in(session, short, committed_world, "short", user_id)
        await session.commit()
    return token


def _closed(ws: WebSocketTestSession, database_url: str, entity_id: int, within: float) -> float:
    """Seconds until the server closes the socket with 4403. A journal is created `within`
    seconds from now: a socket still open then receives it, and the test fails on it
    instead of waiting forever."""
    started = time.monotonic()
    late = threading.Timer(within, _new_journal, (database_url, entity_id, "J-TOO-LATE"))
    late.start()
    try:
        with pytest.raises(WebSocketDisconnect) as closed:
            message = ws.receive_json()
            pytest.fail(f"still delivering: {message}")
    finally:
        late.cancel()
    assert (closed.value.code, closed.value.reason) == (4403, "Forbidden")
    return time.monotonic() - started


def _delivers(ws: WebSocketTestSession, database_url: str, entity_id: int, number: str) -> None:
    _new_journal(database_url, entity_id, number)
    assert _next(ws, "journalStatusChanges")["status"] == "DRAFT"


def test_a_subscription_is_closed_when_its_access_token_expires(
    api: TestClient,
    committed_world: World,
    short_lived: str,
    test_settings: Settings,
    database_url: str,
) -> None:
    uspm = committed_world.entity_id("USPM")
    expires = verify_token(test_settings, short_lived).expires_at
    with api.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        _subscribe(ws, short_lived, JOURNALS)
        _delivers(ws, database_url, uspm, "J-BEFORE-EXPIRY")
        _closed(ws, database_url, uspm, within=expires - time.time() + 3)
        closed_at = time.time()
    # At its expiry: not before (it delivered), and not much after.
    assert expires <= closed_at < expires + 1.0


CHANGES = {
    "session revoked": (
        "UPDATE user_session SET revoked_at = now(), revoked_because = 'revoked_by_admin'"
        " WHERE id = %(sid)s RETURNING 1"
    ),
    "legal entity removed": (
        "DELETE FROM user_legal_entity WHERE user_id = %(user)s AND legal_entity_id ="
        " (SELECT id FROM legal_entity WHERE code = 'USPM') RETURNING 1"
    ),
    "role removed": (
        "UPDATE app_user SET roles = ARRAY['employee'] WHERE id = %(user)s RETURNING 1"
    ),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_subscription_is_closed_when_its_access_is_revoked(
    change: str,
    api: TestClient,
    committed_world: World,
    test_settings: Settings,
    database_url: str,
) -> None:
    """Changed by another writer (psql, an admin's process): seen at the next check."""
    token = committed_world.tokens["manager"]  # project manager and employee of USPM
    uspm = committed_world.entity_id("USPM")
    sid = str(verify_token(test_settings, token).session_id)
    with api.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        _subscribe(ws, token, JOURNALS)
        _delivers(ws, database_url, uspm, "J-BEFORE")
        _execute(database_url, CHANGES[change], sid=sid, user=committed_world.users["manager"].id)
        waited = _closed(ws, database_url, uspm, within=5.0)
    assert waited < ANNOUNCED_WITHIN
    with api.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        ws.send_json({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}})
        if change == "session revoked":  # refused at connection_init
            with pytest.raises(WebSocketDisconnect) as refused:
                ws.receive_json()
            assert refused.value.code == 4403
        else:  # signed in with what the database grants now
            assert ws.receive_json()["type"] == "connection_ack"
