"""graphql-transport-ws: a malformed message closes the socket with 4400 (the protocol's
answer) and a well-formed subscribe with a bad document or variables gets an `error` message
whose every error has a code; never an exception out of the handler (1011)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient, WebSocketTestSession
from starlette.websockets import WebSocketDisconnect

from config import Settings
from tests.support.jobs import committed
from tests.support.journals import committed_world
from tests.support.world import World

__all__ = ["committed", "committed_world"]  # fixtures
DEEP = "[" * 1000 + "]" * 1000
JOURNALS = "subscription { journalStatusChanges { id } }"


@pytest.fixture
def api(database_url: str) -> Iterator[TestClient]:
    from app import create_app

    settings = Settings(env="test", run_worker=False, database_url=database_url)
    with TestClient(create_app(settings)) as client:
        yield client


def _connected(ws: WebSocketTestSession, token: str) -> None:
    ws.send_json({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}})
    assert ws.receive_json()["type"] == "connection_ack"


def _subscribe(payload: str, message_id: str = '"1"') -> str:
    return f'{{"id": {message_id}, "type": "subscribe", "payload": {payload}}}'


MALFORMED = {
    "null": "null",
    "a number": "1",
    "a list": "[]",
    "no type": '{"id": "1"}',
    "a type that is not a string": '{"type": 1}',
    "an id that is not a string": _subscribe(json.dumps({"query": JOURNALS}), "[1]"),
    "a payload that is a string": _subscribe('"subscription { a }"'),
    "no query": _subscribe('{"variables": {}}'),
    "variables that are a list": _subscribe(json.dumps({"query": JOURNALS, "variables": [1]})),
    "1,000 nested arrays": _subscribe(f'{{"query": "{JOURNALS}", "variables": {{"a": {DEEP}}}}}'),
    "a 5,000-digit integer": _subscribe(
        f'{{"query": "{JOURNALS}", "variables": {{"a": {"9" * 5000}}}}}'
    ),
    "a lone surrogate": _subscribe(f'{{"query": "{JOURNALS}", "variables": {{"a": "\\ud800"}}}}'),
    "NaN": _subscribe(f'{{"query": "{JOURNALS}", "variables": {{"a": NaN}}}}'),
    "not JSON": "{",
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_a_malformed_message_closes_the_socket_with_4400(
    api: TestClient, committed_world: World, case: str
) -> None:
    with api.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        _connected(ws, committed_world.tokens["admin"])
        ws.send_text(MALFORMED[case])
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
    assert closed.value.code == 4400


def test_a_binary_frame_closes_the_socket_with_4400(
    api: TestClient, committed_world: World
) -> None:
    with api.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        _connected(ws, committed_world.tokens["admin"])
        ws.send_bytes(b"\xff\xfe")
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
    assert closed.value.code == 4400


ERRORS: dict[str, tuple[dict[str, Any], str]] = {
    "an unknown fragment": ({"query": "subscription { ...Missing }"}, "GRAPHQL_VALIDATION_FAILED"),
    "a variable of the wrong type": (
        {
            "query": "subscription($e: String!) { vendorInvoiceStatusChanges(legalEntity: $e)"
            " { id } }",
            "variables": {"e": 10**40},
        },
        "BAD_USER_INPUT",
    ),
}


@pytest.mark.parametrize("case", list(ERRORS))
def test_a_bad_document_or_variable_is_an_error_message_with_its_code(
    api: TestClient, committed_world: World, case: str
) -> None:
    payload, code = ERRORS[case]
    with api.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        _connected(ws, committed_world.tokens["admin"])
        ws.send_json({"id": "1", "type": "subscribe", "payload": payload})
        message = ws.receive_json()
        assert message["type"] == "error", message
        assert {error["extensions"]["code"] for error in message["payload"]} == {code}
        ws.send_json({"type": "ping"})  # the connection lives on
        assert ws.receive_json()["type"] == "pong"
