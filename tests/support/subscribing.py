"""Subscribing over graphql-transport-ws and reading whether each subscription was refused."""

from __future__ import annotations

import time
from typing import Any

from starlette.testclient import TestClient, WebSocketTestSession
from starlette.websockets import WebSocketDisconnect

from tests.support.schema_calls import Call

SETTLE_SECONDS = 0.5  # the server runs each subscription's access check meanwhile


def subscription_answers(
    api: TestClient, token: str | None, calls: list[Call]
) -> list[list[dict[str, Any]]]:
    """Per call, the errors the server answered it with ([] while it runs). One socket: each
    call subscribed, then a ping; every message up to the pong is read. A socket the server
    closes refuses every call with the code CLOSED_<close code> (4403: graphql-transport-ws's
    Forbidden, the refusal of a connection_init)."""
    init: dict[str, Any] = {"type": "connection_init"}
    if token is not None:
        init["payload"] = {"Authorization": f"Bearer {token}"}
    answers: dict[str, list[dict[str, Any]]] = {str(index): [] for index in range(len(calls))}
    with api.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        try:
            ws.send_json(init)
            assert ws.receive_json()["type"] == "connection_ack"
            for key, call in zip(answers, calls, strict=True):
                payload = {"query": call.document, "variables": call.variables}
                ws.send_json({"id": key, "type": "subscribe", "payload": payload})
            time.sleep(SETTLE_SECONDS)
            ws.send_json({"type": "ping"})
            _read_until_pong(ws, answers)
        except WebSocketDisconnect as closed:
            refusal = {"code": f"CLOSED_{closed.code}", "message": closed.reason}
            return [[refusal] for _ in calls]
    return list(answers.values())


def _read_until_pong(ws: WebSocketTestSession, answers: dict[str, list[dict[str, Any]]]) -> None:
    while (message := ws.receive_json())["type"] != "pong":
        if message["type"] == "error":
            answers[message["id"]] += message["payload"]
        elif message["type"] == "next":
            answers[message["id"]] += message["payload"].get("errors") or []
