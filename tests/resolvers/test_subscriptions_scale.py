"""K3 at scale (issue 12): idle subscriptions hold no database connection, are capped per user
and per instance, and a slow subscriber never holds up the others.

The app runs with its lifespan (its own engine and event listener) in Starlette's test client,
on the scratch database, with a pool of 2 connections (and 2 on overflow); the changes come
from another connection and commit."""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import psycopg
import pytest
from starlette.testclient import TestClient, WebSocketTestSession

from config import Settings
from db.events import Event, EventListener, Subscription
from db.urls import psycopg_conninfo
from schema.relay import encode_id
from tests.resolvers.test_events import _execute, _new_journal
from tests.support.jobs import committed
from tests.support.journals import committed_world
from tests.support.world import World

__all__ = ["committed", "committed_world"]

POOL_SIZE = 2  # and as many on overflow: 4 connections at most
JOURNALS = "subscription { journalStatusChanges { typeName id status } }"
FOREIGN = 'subscription { journalStatusChanges(legalEntity: "USPM") { id } }'
QUERY = "{ legalEntities { nodes { code } } }"
# Backends of the app's database waiting, inside a transaction, for their client.
IDLE_IN_TRANSACTION = """SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
    AND state LIKE 'idle in transaction%%' AND pid <> pg_backend_pid()"""


def _api(database_url: str, per_user: int = 20, in_all: int = 2000) -> TestClient:
    from app import create_app

    settings = Settings(
        env="test",
        run_worker=False,
        database_url=database_url,
        db_pool_size=POOL_SIZE,
        max_subscriptions_per_user=per_user,
        max_subscriptions=in_all,
    )
    return TestClient(create_app(settings))


@pytest.fixture
def api(database_url: str) -> Iterator[TestClient]:
    with _api(database_url) as client:
        yield client


def _listener(api: TestClient) -> EventListener:
    listener: EventListener = api.app.state.events  # type: ignore[attr-defined]
    return listener


def _socket(api: TestClient, stack: ExitStack, token: str) -> WebSocketTestSession:
    ws = stack.enter_context(
        api.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"])
    )
    ws.send_json({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}})
    assert ws.receive_json()["type"] == "connection_ack"
    return ws


def _subscribe(ws: WebSocketTestSession, operation_id: str = "1") -> None:
    ws.send_json({"id": operation_id, "type": "subscribe", "payload": {"query": JOURNALS}})


def _wait_for_subscriptions(api: TestClient, count: int) -> None:
    """Until the instance's listener holds `count` subscriptions (each has passed its check)."""
    deadline = time.monotonic() + 10
    while _listener(api).open_subscriptions() != count:
        assert time.monotonic() < deadline, _listener(api).open_subscriptions()
        time.sleep(0.02)


def _idle_in_transaction(database_url: str) -> int:
    with psycopg.connect(psycopg_conninfo(database_url), autocommit=True) as conn:
        row = conn.execute(IDLE_IN_TRANSACTION).fetchone()
    assert row is not None
    return int(row[0])


def _query_seconds(api: TestClient, token: str) -> float:
    started = time.monotonic()
    response = api.post(
        "/graphql", json={"query": QUERY}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200 and "errors" not in response.json(), response.text
    return time.monotonic() - started


def test_k3_idle_subscriptions_beyond_the_pool_hold_no_connection(
    api: TestClient, committed_world: World, database_url: str
) -> None:
    subscribers = 3 * 2 * POOL_SIZE  # three times what the pool can lend at once
    token = committed_world.tokens["outsider"]  # DEPM only
    with ExitStack() as stack:
        sockets = [_socket(api, stack, token) for _ in range(subscribers)]
        for ws in sockets:
            _subscribe(ws)
        _wait_for_subscriptions(api, subscribers)
        refused = sockets[0]
        for n in range(2 * POOL_SIZE + 1):  # a check that refuses gives its connection back too
            refused.send_json({"id": f"r{n}", "type": "subscribe", "payload": {"query": FOREIGN}})
            assert _refusal(refused, f"r{n}")["extensions"]["code"] == "BAD_USER_INPUT"
        # Ordinary queries answer at once (they waited 30 s for a connection, then failed).
        assert max(_query_seconds(api, token) for _ in range(3)) < 5
        assert api.app.state.engine.pool.checkedout() == 0  # type: ignore[attr-defined]
        assert _idle_in_transaction(database_url) == 0
        journal = _new_journal(database_url, committed_world.entity_id("DEPM"), "J-DE-SCALE")
        for ws in sockets:  # and every subscriber still receives
            message = ws.receive_json()
            assert message["type"] == "next", message
            change = message["payload"]["data"]["journalStatusChanges"]
            assert change == {
                "typeName": "Journal",
                "id": encode_id("Journal", journal),
                "status": "DRAFT",
            }
    _wait_for_subscriptions(api, 0)  # released on disconnect, and nothing keeps them alive
    gc.collect()
    owner = committed_world.users["outsider"].id
    assert not [o for o in gc.get_objects() if isinstance(o, Subscription) and o.owner == owner]


def _refusal(ws: WebSocketTestSession, operation_id: str) -> dict[str, Any]:
    """A refused subscribe: one `next` with the error and no data, then `complete`."""
    message = ws.receive_json()
    assert message["type"] == "next" and message["id"] == operation_id, message
    assert message["payload"]["data"] is None
    (error,) = message["payload"]["errors"]
    assert ws.receive_json() == {"id": operation_id, "type": "complete"}
    return dict(error)


def test_k3_subscriptions_are_capped_per_user_and_per_instance(
    committed_world: World, database_url: str
) -> None:
    tokens = committed_world.tokens
    with (
        _api(database_url, per_user=2, in_all=3) as api,
        ExitStack() as stack,
    ):
        outsider = _socket(api, stack, tokens["outsider"])
        for operation_id in ("a", "b"):
            _subscribe(outsider, operation_id)
        _wait_for_subscriptions(api, 2)
        _subscribe(outsider, "c")
        error = _refusal(outsider, "c")
        assert error["extensions"]["code"] == "TOO_MANY_SUBSCRIPTIONS"
        assert error["message"] == (
            "You hold the most subscriptions one user may (2);"
            " complete one before subscribing again."
        )
        accountant = _socket(api, stack, tokens["accountant"])
        _subscribe(accountant, "a")
        _wait_for_subscriptions(api, 3)
        _subscribe(accountant, "b")
        error = _refusal(accountant, "b")
        assert error["extensions"]["code"] == "TOO_MANY_SUBSCRIPTIONS"
        assert error["message"] == "This server holds its most subscriptions (3); try again later."
        # A completed subscription gives its place back; the refusals closed nothing else.
        outsider.send_json({"id": "a", "type": "complete"})
        _wait_for_subscriptions(api, 2)
        _subscribe(outsider, "c")
        _wait_for_subscriptions(api, 3)
        journal = _new_journal(database_url, committed_world.entity_id("DEPM"), "J-DE-CAP")
        received = {outsider.receive_json()["id"] for _ in range(2)}
        assert received == {"b", "c"}
        message = accountant.receive_json()
        assert message["id"] == "a"
        assert message["payload"]["data"]["journalStatusChanges"]["id"] == encode_id(
            "Journal", journal
        )


async def test_k3_a_slow_subscriber_loses_its_oldest_events_and_holds_up_no_one() -> None:
    listener = EventListener("postgresql://unused", queue_size=3)  # never started: no I/O
    events = [Event("journal", n, "draft", 1) for n in range(10)]
    with listener.subscribe() as slow, listener.subscribe() as reader:
        received = []
        for event in events:
            listener.publish(event)  # never waits: each subscriber has its own bounded queue
            received.append(await reader.get())
        assert received == events
        assert [slow.queue.get_nowait() for _ in range(3)] == events[-3:]
        assert slow.dropped == 7
    assert listener.open_subscriptions() == 0


def _answer(ws: WebSocketTestSession, operation_id: str, document: str) -> dict[str, Any]:
    """A query or mutation over the socket: its one result, then `complete`."""
    ws.send_json({"id": operation_id, "type": "subscribe", "payload": {"query": document}})
    message = ws.receive_json()
    assert message["type"] == "next" and message["id"] == operation_id, message
    assert ws.receive_json() == {"id": operation_id, "type": "complete"}
    payload: dict[str, Any] = message["payload"]
    assert "errors" not in payload, payload
    return payload["data"]  # type: ignore[no-any-return]


def test_k3_queries_and_mutations_over_a_socket_give_their_connection_back_when_they_end(
    api: TestClient, committed_world: World, database_url: str
) -> None:
    """Each operation of a socket has its own session, closed when it ends: before, they ran
    on the socket's, which stayed idle in transaction until the socket closed (issue 12)."""
    journal = _new_journal(database_url, committed_world.entity_id("DEPM"), "J-DE-WS-1")
    node = f'{{ node(id: "{encode_id("Journal", journal)}") {{ ... on Journal {{ status }} }} }}'
    create = """mutation { createAccount(input: {legalEntity: "DEPM", number: "WS-1",
        name: "Over a socket"}) { account { number } errors { code } } }"""
    with ExitStack() as stack:
        ws = _socket(api, stack, committed_world.tokens["outsider"])
        created = _answer(ws, "m1", create)["createAccount"]
        assert created == {"account": {"number": "WS-1"}, "errors": []}
        assert _answer(ws, "q1", node) == {"node": {"status": "DRAFT"}}
        # The socket stays open, and holds nothing.
        assert api.app.state.engine.pool.checkedout() == 0  # type: ignore[attr-defined]
        assert _idle_in_transaction(database_url) == 0
        # The mutation committed, and a later operation does not answer from what an
        # earlier one loaded (its DataLoaders are its own).
        _execute(
            database_url,
            "UPDATE journal SET status = 'posted' WHERE id = %(id)s RETURNING id",
            id=journal,
        )
        assert _answer(ws, "q2", node) == {"node": {"status": "POSTED"}}
        accounts = _execute(database_url, "SELECT count(*) FROM account WHERE number = 'WS-1'")
        assert accounts == 1
