"""K3: status changes reach graphql-transport-ws subscribers, filtered to what each may see.

The app runs with its lifespan (its own engine and event listener) in Starlette's test
client, on the scratch database; the changes come from another connection and commit."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from starlette.testclient import TestClient, WebSocketTestSession
from starlette.websockets import WebSocketDisconnect

from config import Settings
from db.urls import psycopg_conninfo
from schema.relay import encode_id
from tests.support.jobs import committed
from tests.support.journals import committed_world
from tests.support.world import World

__all__ = ["committed", "committed_world"]

JOURNALS = "subscription { journalStatusChanges { typeName id status } }"
JOB_RUNS = "subscription { jobRunStatusChanges { typeName id status } }"


@pytest.fixture
def api(database_url: str) -> Iterator[TestClient]:
    from app import create_app

    settings = Settings(env="test", run_worker=False, database_url=database_url)
    with TestClient(create_app(settings)) as client:
        yield client


def _subscribe(ws: WebSocketTestSession, token: str, query: str) -> None:
    ws.send_json({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}})
    assert ws.receive_json()["type"] == "connection_ack"
    ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": query}})
    time.sleep(0.5)  # the server registers the subscription before anything changes


def _execute(database_url: str, sql: str, **params: Any) -> int:
    with psycopg.connect(psycopg_conninfo(database_url), autocommit=True) as conn:
        row = conn.execute(sql, params).fetchone()
    assert row is not None
    return int(row[0])


def _new_journal(database_url: str, entity_id: int, number: str) -> int:
    return _execute(
        database_url,
        "INSERT INTO journal (legal_entity_id, number, status, period_unit, line_count) "
        "VALUES (%(entity)s, %(number)s, 'draft', 'all', 0) RETURNING id",
        entity=entity_id,
        number=number,
    )


def _next(ws: WebSocketTestSession, field: str) -> dict[str, Any]:
    message = ws.receive_json()
    assert message["type"] == "next", message
    payload: dict[str, Any] = message["payload"]["data"][field]
    return payload


def test_k3_journal_changes_reach_subscribers_of_that_legal_entity_only(
    api: TestClient, committed_world: World, database_url: str
) -> None:
    with api.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        _subscribe(ws, committed_world.tokens["outsider"], JOURNALS)  # DEPM only
        _new_journal(database_url, committed_world.entity_id("USPM"), "J-US-1")
        depm = _new_journal(database_url, committed_world.entity_id("DEPM"), "J-DE-1")
        _execute(
            database_url,
            "UPDATE journal SET status = 'posted' WHERE id = %(id)s RETURNING id",
            id=depm,
        )
        created = _next(ws, "journalStatusChanges")
        posted = _next(ws, "journalStatusChanges")
    journal_id = encode_id("Journal", depm)
    assert created == {"typeName": "Journal", "id": journal_id, "status": "DRAFT"}
    assert posted == {"typeName": "Journal", "id": journal_id, "status": "POSTED"}


def test_k3_job_run_changes_and_authentication(
    api: TestClient, committed_world: World, database_url: str
) -> None:
    with api.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        _subscribe(ws, committed_world.tokens["accountant"], JOB_RUNS)
        run_id = _execute(
            database_url,
            "INSERT INTO job_run (task_name, status, progress_done, attempt, arguments) "
            "VALUES ('demo', 'queued', 0, 1, '{}') RETURNING id",
        )
        event = _next(ws, "jobRunStatusChanges")
    assert event == {"typeName": "JobRun", "id": encode_id("JobRun", run_id), "status": "QUEUED"}
    with api.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        ws.send_json({"type": "connection_init", "payload": {"Authorization": "Bearer nope"}})
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
    assert closed.value.code == 4403  # refused at connection_init, before any subscribe


def test_k3_subscribing_to_another_legal_entity_is_an_error_not_silence(
    api: TestClient, committed_world: World
) -> None:
    with api.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        query = 'subscription { journalStatusChanges(legalEntity: "USPM") { id } }'
        _subscribe(ws, committed_world.tokens["outsider"], query)
        message = ws.receive_json()
    assert message["type"] == "next" and message["payload"]["data"] is None
    (error,) = message["payload"]["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["message"] == "Legal entity 'USPM' is not one of yours."
