"""K3 at scale (issue 12): a status change's selection is executed once per event for all the
subscribers that sent the same document and variables, and each of them receives the result;
another document, or other variables, is executed for itself."""

from __future__ import annotations

import time
from contextlib import ExitStack

from starlette.testclient import TestClient, WebSocketTestSession

from schema.relay import encode_id
from schema.subscription_results import EXECUTIONS
from tests.resolvers.test_events import _new_journal, _next, api
from tests.support.jobs import committed
from tests.support.journals import committed_world
from tests.support.world import World

__all__ = ["api", "committed", "committed_world"]

SAME = "subscription { journalStatusChanges { typeName id status } }"
OTHER = "subscription { journalStatusChanges { id } }"
FILTERED = "subscription($e: String) { journalStatusChanges(legalEntity: $e) { id } }"


def test_k3_one_execution_per_event_and_document_for_all_its_subscribers(
    api: TestClient, committed_world: World, database_url: str
) -> None:
    token = committed_world.tokens["outsider"]

    def socket(document: str, variables: dict[str, str] | None = None) -> WebSocketTestSession:
        ws = stack.enter_context(
            api.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"])
        )
        ws.send_json({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}})
        assert ws.receive_json()["type"] == "connection_ack"
        payload = {"query": document, "variables": variables or {}}
        ws.send_json({"id": "1", "type": "subscribe", "payload": payload})
        return ws

    with ExitStack() as stack:
        same = [socket(SAME) for _ in range(3)]
        other = socket(OTHER)
        filtered = [socket(FILTERED, {"e": "DEPM"}), socket(FILTERED, {"e": "depm"})]
        time.sleep(0.5)  # the server registers the subscriptions before anything changes
        before = EXECUTIONS["count"]
        journal = _new_journal(database_url, committed_world.entity_id("DEPM"), "J-DE-SHARED")
        reference = encode_id("Journal", journal)
        assert [_next(ws, "journalStatusChanges") for ws in same] == 3 * [
            {"typeName": "Journal", "id": reference, "status": "DRAFT"}
        ]
        for ws in (other, *filtered):
            assert _next(ws, "journalStatusChanges") == {"id": reference}
        # SAME once for its three subscribers, OTHER once, FILTERED once per variables.
        assert EXECUTIONS["count"] - before == 4
