"""V1 and V6 through the API: review, hold and release, every illegal transition as a typed
error naming the state, the verification of lines by their project's manager, setting a
line's matches; the status changes reach subscribers (K3). Matching refusals are in
test_vendor_invoices_matching.py."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.testclient import TestClient

from config import Settings
from db.models.audit import AuditRecord
from db.models.vendor_invoices import VendorInvoice, VendorInvoiceLine, VendorInvoiceLineMatch
from db.urls import psycopg_conninfo
from domain.vendor_invoices import state_label
from schema.relay import encode_id
from tests.support.client import GraphQLClient, error_codes
from tests.support.jobs import committed
from tests.support.journals import committed_world
from tests.support.vendor_invoices_workflow import (
    CANCEL,
    CONFIRM,
    HOLD,
    MATCH,
    RELEASE,
    SUBMIT,
    VERIFY,
    Purchasing,
    count,
    invoice_with_lines,
    purchasing,
    recorded_cost,
    refreshed,
    run,
)
from tests.support.world import World

__all__ = ["committed", "committed_world"]

STATES = ("draft", "in_review", "on_hold", "confirmed", "canceled")
# Each transition and the states it leaves (V1); every other state refuses it.
LEGAL = {
    SUBMIT: {"draft"},
    HOLD: {"draft", "in_review"},
    RELEASE: {"on_hold"},
    CONFIRM: {"in_review"},
    CANCEL: {"confirmed"},
}


@pytest.fixture
async def p(session: AsyncSession, world: World) -> Purchasing:
    return await purchasing(session, world)


async def _status(session: AsyncSession, invoice: VendorInvoice) -> str:
    row = await refreshed(session, VendorInvoice, invoice.id)
    return str(row.status)


async def test_v1_submit_hold_and_release_return_to_the_held_state(
    client: GraphQLClient, p: Purchasing, session: AsyncSession
) -> None:
    invoice, _ = await invoice_with_lines(session, p, [{}])
    gid = p.gid("VendorInvoice", invoice.id)
    held = await run(client, p, HOLD, id=gid, reason="Waiting for the delivery note")
    assert held["errors"] == [] and held["vendorInvoice"]["status"] == "ON_HOLD"
    released = await run(client, p, RELEASE, id=gid)
    assert released["vendorInvoice"]["status"] == "DRAFT"  # held from Draft, back to Draft
    submitted = await run(client, p, SUBMIT, id=gid, user="admin")  # admins may too
    assert submitted["errors"] == [] and submitted["vendorInvoice"]["status"] == "IN_REVIEW"
    assert (await run(client, p, HOLD, id=gid))["vendorInvoice"]["status"] == "ON_HOLD"
    released = await run(client, p, RELEASE, id=gid)
    assert released["vendorInvoice"]["status"] == "IN_REVIEW"
    row = await refreshed(session, VendorInvoice, invoice.id)
    assert row.status_before_hold is None
    audit = await session.scalars(
        select(AuditRecord)
        .where(AuditRecord.entity_type == "vendor_invoice", AuditRecord.entity_id == invoice.id)
        .order_by(AuditRecord.id)
    )
    assert [(record.action, record.reason) for record in audit] == [
        ("vendor_invoice.hold", "Waiting for the delivery note"),
        ("vendor_invoice.release", None),
        ("vendor_invoice.hold", None),
        ("vendor_invoice.release", None),
    ]


async def test_v1_every_illegal_transition_is_a_typed_error_naming_the_state(
    client: GraphQLClient, p: Purchasing, session: AsyncSession
) -> None:
    invoices = {
        state: (await invoice_with_lines(session, p, [{}], status=state))[0] for state in STATES
    }
    for document, legal in LEGAL.items():
        for state in set(STATES) - legal:
            gid = p.gid("VendorInvoice", invoices[state].id)
            payload = await run(client, p, document, id=gid)
            assert payload["vendorInvoice"] is None
            assert payload["errors"] == [
                {
                    "code": "INVALID_STATE",
                    "field": ["id"],
                    "message": payload["errors"][0]["message"],
                }
            ]
            assert f"is {state_label(state)};" in payload["errors"][0]["message"]
            assert await _status(session, invoices[state]) == state


async def test_v1_submit_needs_a_line(
    client: GraphQLClient, p: Purchasing, session: AsyncSession
) -> None:
    invoice, _ = await invoice_with_lines(session, p, [])
    payload = await run(client, p, SUBMIT, id=p.gid("VendorInvoice", invoice.id))
    assert error_codes(payload) == ["REQUIRED"] and "no lines" in payload["errors"][0]["message"]
    assert await _status(session, invoice) == "draft"


async def test_v1_only_accountants_move_invoices_of_their_legal_entities(
    client: GraphQLClient, p: Purchasing, session: AsyncSession
) -> None:
    invoice, _ = await invoice_with_lines(session, p, [{}])
    gid = p.gid("VendorInvoice", invoice.id)
    for document in (SUBMIT, HOLD):
        refused = await run(client, p, document, user="manager", id=gid)
        assert error_codes(refused) == ["FORBIDDEN"]
    for bad_id, code in (
        (gid, "NOT_FOUND"),  # the outsider's token holds DEPM only (M1)
        (p.gid("VendorInvoice", invoice.id + 10_000), "NOT_FOUND"),
        (p.gid("Vendor", invoice.id), "INVALID"),
        ("not-an-id", "INVALID"),
    ):
        refused = await run(client, p, SUBMIT, user="outsider", id=bad_id)
        assert error_codes(refused) == [code] and refused["errors"][0]["field"] == ["id"]
    assert await _status(session, invoice) == "draft"


async def test_v6_the_manager_of_the_lines_project_verifies_it(
    client: GraphQLClient, p: Purchasing, session: AsyncSession
) -> None:
    _, (line,) = await invoice_with_lines(session, p, [{}], status="in_review")  # TM1: manager
    gid = p.gid("VendorInvoiceLine", line.id)
    for user, code in (
        ("manager2", "FORBIDDEN"),  # manages FP1, not TM1
        ("accountant", "FORBIDDEN"),
        ("employee", "FORBIDDEN"),
        ("outsider", "NOT_FOUND"),  # DEPM only (M1)
    ):
        refused = await run(client, p, VERIFY, user=user, id=gid, status="COMPLETE")
        assert refused["vendorInvoiceLine"] is None and error_codes(refused) == [code]
        assert (await refreshed(session, VendorInvoiceLine, line.id)).verification_status == (
            "not_started"
        )
    verified = await run(client, p, VERIFY, user="manager", id=gid, status="IN_PROGRESS")
    assert verified["errors"] == []
    assert verified["vendorInvoiceLine"]["verificationStatus"] == "IN_PROGRESS"
    admin = await run(client, p, VERIFY, user="admin", id=gid, status="COMPLETE")
    assert admin["vendorInvoiceLine"]["verificationStatus"] == "COMPLETE"


async def test_v6_lines_are_verified_only_while_draft_or_in_review(
    client: GraphQLClient, p: Purchasing, session: AsyncSession
) -> None:
    for state in STATES:
        _, (line,) = await invoice_with_lines(session, p, [{}], status=state)
        payload = await run(
            client,
            p,
            VERIFY,
            user="manager",
            id=p.gid("VendorInvoiceLine", line.id),
            status="COMPLETE",
        )
        if state in ("draft", "in_review"):
            assert payload["errors"] == []
            continue
        assert error_codes(payload) == ["INVALID_STATE"]
        assert f"is {state_label(state)};" in payload["errors"][0]["message"]
        row = await refreshed(session, VendorInvoiceLine, line.id)
        assert row.verification_status == "not_started"


def _matched(payload: dict[str, Any]) -> tuple[str, list[str]]:
    line = payload["vendorInvoiceLine"]
    return line["matchedAmount"], [actual["amount"] for actual in line["matchedActuals"]]


async def test_v6_match_sets_exactly_the_given_actuals(
    client: GraphQLClient, p: Purchasing, session: AsyncSession
) -> None:
    _, (line,) = await invoice_with_lines(session, p, [{"subtotal": "100.00"}])
    first = await recorded_cost(session, p, "60.00")
    second = await recorded_cost(session, p, "40.00")
    line_id = p.gid("VendorInvoiceLine", line.id)
    ids = [p.gid("Actual", first.id), p.gid("Actual", second.id)]
    both = await run(client, p, MATCH, user="manager", lineId=line_id, actualIds=ids)
    assert both["errors"] == []
    assert both["vendorInvoiceLine"]["subtotal"] == "100.00"
    assert _matched(both) == ("100.00", ["60.00", "40.00"])
    one = await run(client, p, MATCH, user="admin", lineId=line_id, actualIds=ids[1:] * 2)
    assert _matched(one) == ("40.00", ["40.00"])  # a repeated id is one match
    cleared = await run(client, p, MATCH, user="manager", lineId=line_id, actualIds=[])
    assert _matched(cleared) == ("0.00", [])  # nothing matched: 0 in the invoice currency
    assert await count(session, VendorInvoiceLineMatch) == 0


@pytest.fixture
def api(database_url: str) -> Iterator[TestClient]:
    """The app with its lifespan (engine, event listener) on the scratch database."""
    from app import create_app

    settings = Settings(env="test", run_worker=False, database_url=database_url)
    with TestClient(create_app(settings)) as client:
        yield client


def _committed_invoice(database_url: str, entity_id: int, currency: str) -> int:
    """A Draft invoice of a new vendor, committed: a change of it reaches the listener."""
    with psycopg.connect(psycopg_conninfo(database_url), autocommit=True) as conn:
        vendor = conn.execute(
            "INSERT INTO vendor (legal_entity_id, code, name) VALUES (%s, 'EVT', 'Events')"
            " RETURNING id",
            (entity_id,),
        ).fetchone()
        assert vendor is not None
        invoice = conn.execute(
            "INSERT INTO vendor_invoice (legal_entity_id, vendor_id, number, invoice_date,"
            " currency_code, status, subtotal, sales_tax, total, description)"
            " VALUES (%s, %s, 'EVT-1', current_date, %s, 'draft', 0, 0, 0, '') RETURNING id",
            (entity_id, vendor[0], currency),
        ).fetchone()
    assert invoice is not None
    return int(invoice[0])


def test_k3_vendor_invoice_status_changes_reach_subscribers_of_that_legal_entity(
    api: TestClient, committed_world: World, database_url: str
) -> None:
    token = committed_world.tokens["accountant"]
    invoice_id = _committed_invoice(database_url, committed_world.entity_id("USPM"), "USD")
    gid = encode_id("VendorInvoice", invoice_id)
    query = (
        'subscription { vendorInvoiceStatusChanges(legalEntity: "USPM") { typeName id status } }'
    )
    with api.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        ws.send_json({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}})
        assert ws.receive_json()["type"] == "connection_ack"
        ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": query}})
        time.sleep(0.5)  # the server registers the subscription before anything changes
        _committed_invoice(database_url, committed_world.entity_id("DEPM"), "EUR")  # filtered
        response = api.post(
            "/graphql",
            json={"query": HOLD, "variables": {"id": gid}},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.json()["data"]["holdVendorInvoice"]["errors"] == []
        message = ws.receive_json()
    assert message["type"] == "next", message
    assert message["payload"]["data"]["vendorInvoiceStatusChanges"] == {
        "typeName": "VendorInvoice",
        "id": gid,
        "status": "ON_HOLD",
    }
