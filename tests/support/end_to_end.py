"""The demo data committed, an API client on the real engine, the journal's documents and the
trial balance check: what the end-to-end tests share (import the fixtures into the module)."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from config import Settings
from db.models.ledger import Voucher, VoucherLine
from db.models.master_data import LegalEntity
from demo import demo_tokens, load_demo
from tests.support.client import GraphQLClient
from tests.support.jobs import Sessions
from tests.support.world import truncate_domain

IMPORT = """mutation { importFromStaging(input: {legalEntity: "USPM"}) {
  jobRun { id } errors { code } } }"""
JOURNALS = """{ journals(legalEntity: "USPM", status: DRAFT) { nodes { id lineCount } } }"""
POST_JOURNAL = """mutation($id: ID!) { postJournal(input: {id: $id}) {
  postedLines failedLines journal { status } errors { code message } } }"""


@pytest.fixture
async def demo(
    committed: Sessions, engine: AsyncEngine, settings: Settings
) -> AsyncIterator[dict[str, str]]:
    """The demo loaded and committed; the tokens by user name (`accountant`, `manager`, ...)."""
    async with committed() as session:
        await load_demo(session)
        await session.commit()
        tokens = {
            token.email.split("@")[0]: token.token for token in await demo_tokens(session, settings)
        }
        await session.commit()  # the tokens' sessions
    yield tokens
    await truncate_domain(engine)


@pytest.fixture
async def api(engine: AsyncEngine, settings: Settings) -> AsyncIterator[GraphQLClient]:
    from app import create_app

    async with GraphQLClient.for_app(create_app(settings, engine=engine)) as client:
        yield client


async def ok(
    client: GraphQLClient, query: str, variables: dict[str, Any], token: str
) -> dict[str, Any]:
    """The payload of a mutation that must succeed."""
    payload = await client.mutate(query, variables, token=token)
    assert payload["errors"] == [], payload
    return payload


TRIAL_BALANCE = """query($from: Date!, $to: Date!) {
  trialBalance(legalEntity: "USPM", fromDate: $from, toDate: $to) { currencyCode
    lines { account { number } openingBalance debits credits closingBalance }
    totals { openingBalance debits credits closingBalance } } }"""


async def balanced_books(
    client: GraphQLClient, token: str, committed: Sessions, today: dt.date
) -> dict[str, Decimal]:
    """The demo's USPM trial balance through the API, checked against the vouchers (L1):
    it balances, and its debits are the sum of the vouchers' debits. Returns the closing
    balance per account number."""
    first = dt.date(today.year - 2, 1, 1)
    last = today + dt.timedelta(days=366)
    data = await client.data(
        TRIAL_BALANCE, {"from": first.isoformat(), "to": last.isoformat()}, token=token
    )
    books = data["trialBalance"]
    totals = {name: Decimal(value) for name, value in books["totals"].items()}
    async with committed() as session:
        debits = await session.scalar(
            select(func.sum(VoucherLine.debit))
            .join(Voucher, Voucher.id == VoucherLine.voucher_id)
            .join(LegalEntity, LegalEntity.id == Voucher.legal_entity_id)
            .where(LegalEntity.code == "USPM")
        )
    assert debits is not None and debits > 0
    assert totals == {
        "openingBalance": Decimal(0),
        "debits": debits,
        "credits": debits,
        "closingBalance": Decimal(0),
    }
    return {line["account"]["number"]: Decimal(line["closingBalance"]) for line in books["lines"]}
