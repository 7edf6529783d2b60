"""Ledger periods through the API (M5): creation, Open <-> On hold, permanent close."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.audit import AuditRecord
from db.models.ledger import LedgerPeriod, PeriodStatus
from schema.relay import encode_id
from tests.support.client import GraphQLClient, error_codes
from tests.support.world import TODAY, World

CREATE = """
mutation($input: CreateLedgerPeriodsInput!) {
  createLedgerPeriods(input: $input) {
    ledgerPeriods { id startDate endDate status legalEntity { code } }
    errors { code field message }
  }
}"""
SET_STATUS = """
mutation($id: ID!, $status: PeriodStatus!) {
  setLedgerPeriodStatus(input: {id: $id, status: $status}) {
    ledgerPeriod { startDate status } errors { code field message }
  }
}"""
CLOSE = """
mutation($id: ID!, $reason: String) {
  closeLedgerPeriodPermanently(input: {id: $id, reason: $reason}) {
    ledgerPeriod { startDate status } errors { code field message }
  }
}"""
PERIODS = """
query($le: String!, $status: PeriodStatus) {
  ledgerPeriods(legalEntity: $le, status: $status) { edges { node { startDate status } } }
}"""


async def period_of(
    session: AsyncSession, world: World, company: str, start: dt.date
) -> LedgerPeriod:
    period = await session.scalar(
        select(LedgerPeriod)
        .where(
            LedgerPeriod.legal_entity_id == world.entity_id(company),
            LedgerPeriod.start_date == start,
        )
        .execution_options(populate_existing=True)
    )
    assert period is not None
    return period


async def period_count(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(LedgerPeriod)) or 0


async def test_m5_create_monthly_periods_for_a_range(client: GraphQLClient, world: World) -> None:
    payload = await client.mutate(
        CREATE,
        {
            "input": {
                "legalEntity": "USPM",
                "fromMonth": "2030-01-15",
                "toMonth": "2030-03-02",
                "status": "ON_HOLD",
            }
        },
        token=world.tokens["accountant"],
    )
    assert payload["errors"] == []
    assert [
        (p["startDate"], p["endDate"], p["status"], p["legalEntity"]["code"])
        for p in payload["ledgerPeriods"]
    ] == [
        ("2030-01-01", "2030-01-31", "ON_HOLD", "USPM"),
        ("2030-02-01", "2030-02-28", "ON_HOLD", "USPM"),
        ("2030-03-01", "2030-03-31", "ON_HOLD", "USPM"),
    ]
    single = await client.mutate(
        CREATE,
        {"input": {"legalEntity": "DEPM", "fromMonth": "2032-02-01", "toMonth": "2032-02-01"}},
        token=world.tokens["admin"],
    )
    assert [(p["endDate"], p["status"]) for p in single["ledgerPeriods"]] == [
        ("2032-02-29", "OPEN")
    ]


async def test_m5_create_periods_bad_input_writes_nothing(
    client: GraphQLClient, world: World, session: AsyncSession
) -> None:
    before = await period_count(session)
    this_month = TODAY.replace(day=1).isoformat()
    base = {"legalEntity": "USPM", "fromMonth": "2031-01-01", "toMonth": "2031-02-01"}
    cases: list[tuple[dict[str, Any], str, str, list[str] | None]] = [
        ({"toMonth": "2030-12-01"}, "accountant", "INVALID", ["toMonth"]),
        ({"toMonth": "3000-01-01"}, "accountant", "OUT_OF_RANGE", ["toMonth"]),
        ({"fromMonth": "1899-12-01"}, "accountant", "OUT_OF_RANGE", ["fromMonth"]),
        ({"toMonth": "2041-01-01"}, "accountant", "OUT_OF_RANGE", ["toMonth"]),
        ({"status": "PERMANENTLY_CLOSED"}, "accountant", "INVALID", ["status"]),
        (
            {"fromMonth": (TODAY - dt.timedelta(days=100)).isoformat(), "toMonth": this_month},
            "accountant",
            "DUPLICATE",
            ["fromMonth"],
        ),
        ({"legalEntity": "NOPE"}, "accountant", "NOT_FOUND", ["legalEntity"]),
        ({"legalEntity": "USPM"}, "outsider", "NOT_FOUND", ["legalEntity"]),
        ({}, "manager", "FORBIDDEN", None),
    ]
    for change, user, code, field in cases:
        payload = await client.mutate(
            CREATE, {"input": {**base, **change}}, token=world.tokens[user]
        )
        assert payload["ledgerPeriods"] is None, change
        assert [(e["code"], e["field"]) for e in payload["errors"]] == [(code, field)], change
    assert await period_count(session) == before


async def test_m5_status_moves_between_open_and_on_hold(
    client: GraphQLClient, world: World, session: AsyncSession
) -> None:
    period = await period_of(session, world, "USPM", TODAY.replace(day=1))
    gid = encode_id("LedgerPeriod", period.id)
    for status in ("ON_HOLD", "OPEN", "ON_HOLD"):
        payload = await client.mutate(
            SET_STATUS, {"id": gid, "status": status}, token=world.tokens["accountant"]
        )
        assert payload["errors"] == []
        assert payload["ledgerPeriod"]["status"] == status
    assert (await period_of(session, world, "USPM", period.start_date)).status == "on_hold"


async def test_m5_permanently_closed_never_reopened(
    client: GraphQLClient, world: World, session: AsyncSession
) -> None:
    period = await period_of(session, world, "USPM", TODAY.replace(day=1))
    gid = encode_id("LedgerPeriod", period.id)
    closed = await client.mutate(
        CLOSE, {"id": gid, "reason": "Year-end audit done"}, token=world.tokens["accountant"]
    )
    assert closed["errors"] == []
    assert closed["ledgerPeriod"]["status"] == "PERMANENTLY_CLOSED"
    audit = (
        await session.scalars(
            select(AuditRecord).where(
                AuditRecord.entity_type == "ledger_period", AuditRecord.entity_id == period.id
            )
        )
    ).all()
    assert [(a.action, a.reason, a.actor_user_id, a.details["previous_status"]) for a in audit] == [
        (
            "ledger_period.close_permanently",
            "Year-end audit done",
            world.users["accountant"].id,
            "open",
        )
    ]
    for status in ("OPEN", "ON_HOLD"):
        refused = await client.mutate(
            SET_STATUS, {"id": gid, "status": status}, token=world.tokens["admin"]
        )
        assert (refused["ledgerPeriod"], error_codes(refused)) == (
            None,
            ["PERIOD_CLOSED_PERMANENTLY"],
        )
    again = await client.mutate(CLOSE, {"id": gid}, token=world.tokens["admin"])
    assert error_codes(again) == ["PERIOD_CLOSED_PERMANENTLY"]
    row = await period_of(session, world, "USPM", period.start_date)
    assert row.status == PeriodStatus.PERMANENTLY_CLOSED
    assert len((await session.scalars(select(AuditRecord))).all()) == 1


async def test_m5_status_change_bad_input_writes_nothing(
    client: GraphQLClient, world: World, session: AsyncSession
) -> None:
    period = await period_of(session, world, "USPM", TODAY.replace(day=1))
    gid = encode_id("LedgerPeriod", period.id)
    cases: list[tuple[str, dict[str, Any], str, str]] = [
        (SET_STATUS, {"id": gid, "status": "PERMANENTLY_CLOSED"}, "accountant", "INVALID"),
        (SET_STATUS, {"id": gid, "status": "ON_HOLD"}, "employee", "FORBIDDEN"),
        (SET_STATUS, {"id": gid, "status": "ON_HOLD"}, "outsider", "NOT_FOUND"),
        (SET_STATUS, {"id": "nonsense", "status": "ON_HOLD"}, "accountant", "INVALID"),
        (
            SET_STATUS,
            {"id": encode_id("Account", period.id), "status": "ON_HOLD"},
            "accountant",
            "INVALID",
        ),
        (
            SET_STATUS,
            {"id": encode_id("LedgerPeriod", 10**9), "status": "ON_HOLD"},
            "accountant",
            "NOT_FOUND",
        ),
        (CLOSE, {"id": gid}, "manager", "FORBIDDEN"),
        (CLOSE, {"id": gid}, "outsider", "NOT_FOUND"),
        (CLOSE, {"id": gid, "reason": "  "}, "accountant", "REQUIRED"),
    ]
    for mutation, variables, user, code in cases:
        payload = await client.mutate(mutation, variables, token=world.tokens[user])
        assert (payload["ledgerPeriod"], error_codes(payload)) == (None, [code]), variables
    assert (await period_of(session, world, "USPM", period.start_date)).status == "open"
    assert (await session.scalars(select(AuditRecord))).all() == []


async def test_m1_ledger_periods_query_filters_inside_callers_entities(
    client: GraphQLClient, world: World, session: AsyncSession
) -> None:
    month = TODAY.replace(day=1)
    previous = (month - dt.timedelta(days=1)).replace(day=1)
    data = await client.data(PERIODS, {"le": "USPM"}, token=world.tokens["employee"])
    assert [e["node"] for e in data["ledgerPeriods"]["edges"]] == [
        {"startDate": previous.isoformat(), "status": "ON_HOLD"},
        {"startDate": month.isoformat(), "status": "OPEN"},
    ]
    on_hold = await client.data(
        PERIODS, {"le": "USPM", "status": "ON_HOLD"}, token=world.tokens["employee"]
    )
    assert [e["node"]["startDate"] for e in on_hold["ledgerPeriods"]["edges"]] == [
        previous.isoformat()
    ]
    foreign = await client.execute(PERIODS, {"le": "DEPM"}, token=world.tokens["employee"])
    assert foreign["errors"][0]["extensions"]["reason"] == "NOT_FOUND"
    depm = await period_of(session, world, "DEPM", month)
    hidden = await client.data(
        "query($id: ID!) { node(id: $id) { id } }",
        {"id": encode_id("LedgerPeriod", depm.id)},
        token=world.tokens["employee"],
    )
    assert hidden["node"] is None
