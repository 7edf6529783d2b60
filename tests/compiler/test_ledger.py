"""M5, M1: ledger periods of every status read the same on both paths for every role, page by
page and by status; another company's legal entity is the reference path's NOT_FOUND."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.ledger import PeriodStatus
from domain import ledger
from tests.support.client import GraphQLClient
from tests.support.read_paths import both, reference
from tests.support.world import TODAY, USER_ENTITIES, World

__all__ = ["reference"]

PERIODS = """
query Periods($entity: String!, $status: PeriodStatus, $after: String) {
  ledgerPeriods(legalEntity: $entity, status: $status, first: 2, after: $after) {
    __typename
    edges { __typename cursor node { id __typename startDate endDate status
      legalEntity { id code name currencyCode } } }
    nodes { startDate }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
  open: ledgerPeriods(legalEntity: $entity, status: OPEN) { nodes { id status } }
}"""


@pytest.fixture
async def periods(session: AsyncSession, world: World) -> World:
    """Beside the world's on-hold and open months: two years back, one closed for good."""
    accountant = world.actor("accountant")
    start = TODAY.replace(day=1) - dt.timedelta(days=730)
    created = await ledger.create_ledger_periods(
        session, accountant, ledger.NewLedgerPeriods("USPM", start, start + dt.timedelta(days=40))
    )
    await ledger.close_ledger_period_permanently(session, accountant, created[0].id, "audit")
    await session.commit()
    return world


async def test_m5_ledger_periods_read_the_same_for_every_role_status_and_page(
    client: GraphQLClient, reference: GraphQLClient, periods: World
) -> None:
    statuses = [None, *(status.name for status in PeriodStatus)]
    for user, codes in USER_ENTITIES.items():
        for code in codes:
            for status in statuses:
                after = None
                for _ in range(3):
                    variables = {"entity": code.lower(), "status": status, "after": after}
                    token = periods.tokens[user]
                    body, path = await both(client, reference, PERIODS, variables, token)
                    assert path == "compiled", body
                    after = body["data"]["ledgerPeriods"]["pageInfo"]["endCursor"]
    admin = periods.tokens["admin"]
    closed = {"entity": "USPM", "status": "PERMANENTLY_CLOSED"}
    body, _ = await both(client, reference, PERIODS, closed, admin)
    assert [node["startDate"] for node in body["data"]["ledgerPeriods"]["nodes"]], body


async def test_m1_ledger_periods_of_another_company_are_the_reference_paths_error(
    client: GraphQLClient, reference: GraphQLClient, world: World
) -> None:
    query = "query($e: String!) { ledgerPeriods(legalEntity: $e) { nodes { id } } }"
    for user, code in (("employee", "DEPM"), ("outsider", "USPM"), ("admin", "NOPE")):
        body, path = await both(client, reference, query, {"e": code}, world.tokens[user])
        assert path is None, body
        assert body["errors"][0]["extensions"]["reason"] == "NOT_FOUND", body
