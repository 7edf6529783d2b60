"""Idempotency keys through the API, on postExpenseReport: a retry replays the first answer
(a refusal too) and writes nothing; the key with another input is CONFLICT; keys are per user
and mutation; a bad key is refused; keys older than 24 hours are purged."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.expenses import ExpenseReport, ProjectExpense
from db.models.idempotency import IdempotencyKey
from db.models.jobs import JobRun
from db.models.ledger import LedgerPeriod, Voucher, VoucherLine
from domain.idempotency import purge_expired
from tests.support.client import GraphQLClient, error_codes
from tests.support.expenses import RATES_FROM, Setup, approved_report, deferrals, expense_setup
from tests.support.world import TODAY, World

__all__ = ["deferrals"]

pytestmark = pytest.mark.usefixtures("deferrals")

POST = """mutation($id: ID!, $date: Date, $key: String) {
  postExpenseReport(input: {id: $id, accountingDate: $date, idempotencyKey: $key}) {
    expenseReport { id status accountingDate voucher { id number } }
    automaticApprovalRun { id status }
    errors { code field message } } }"""


@pytest.fixture
async def setup(session: AsyncSession, world: World) -> Setup:
    return await expense_setup(session, world)


async def _post(
    client: GraphQLClient,
    setup: Setup,
    report_id: str,
    key: str | None,
    user: str = "accountant",
    date: dt.date | None = None,
) -> dict[str, Any]:
    variables = {"id": report_id, "key": key, "date": date.isoformat() if date else None}
    return await client.mutate(POST, variables, token=setup.world.tokens[user])


async def _written(session: AsyncSession) -> list[int]:
    """Rows a posting writes: vouchers, their lines, project expenses, job runs, keys."""
    models = (Voucher, VoucherLine, ProjectExpense, JobRun, IdempotencyKey)
    return [
        int(await session.scalar(select(func.count()).select_from(model)) or 0) for model in models
    ]


async def _status(session: AsyncSession, report_gid: str, setup: Setup) -> str:
    reports = await session.scalars(select(ExpenseReport).execution_options(populate_existing=True))
    by_gid = {setup.gid("ExpenseReport", report.id): report.status for report in reports}
    return by_gid[report_gid]


async def test_replay_answers_the_first_payload_and_writes_nothing(
    client: GraphQLClient, setup: Setup, session: AsyncSession
) -> None:
    report_id = await approved_report(client, setup, [{"amount": "10.00"}])
    first = await _post(client, setup, report_id, "post-1")
    assert first["errors"] == [] and first["expenseReport"]["status"] == "POSTED"
    written = await _written(session)
    assert written == [1, 2, 1, 1, 1]
    again = await _post(client, setup, report_id, "post-1")
    assert again == first
    assert await _written(session) == written
    # Without the key the same request is a new one, refused: the report is Posted.
    assert error_codes(await _post(client, setup, report_id, None)) == ["INVALID_STATE"]


async def test_a_refusal_is_kept_as_the_answer_to_its_key(
    client: GraphQLClient, setup: Setup, session: AsyncSession
) -> None:
    report_id = await approved_report(client, setup, [{"amount": "10.00"}])
    refused = await _post(client, setup, report_id, "k", date=RATES_FROM)  # period on hold
    assert error_codes(refused) == ["PERIOD_NOT_OPEN"]
    assert await _written(session) == [0, 0, 0, 0, 1]
    await session.execute(update(LedgerPeriod).values(status="open"))
    await session.commit()
    # As Stripe: the key answers its first answer though the cause is gone ...
    assert await _post(client, setup, report_id, "k", date=RATES_FROM) == refused
    assert await _status(session, report_id, setup) == "approved"
    # ... and a new key is a new request.
    posted = await _post(client, setup, report_id, "k2", date=RATES_FROM)
    assert posted["errors"] == [] and posted["expenseReport"]["accountingDate"] == str(RATES_FROM)


async def test_the_key_with_another_input_is_conflict_and_writes_nothing(
    client: GraphQLClient, setup: Setup, session: AsyncSession
) -> None:
    first_id = await approved_report(client, setup, [{"amount": "10.00"}])
    other_id = await approved_report(client, setup, [{"amount": "20.00"}])
    assert (await _post(client, setup, first_id, "same"))["errors"] == []
    written = await _written(session)
    for report_id, date in ((other_id, None), (first_id, TODAY)):  # another report, a date
        refused = await _post(client, setup, report_id, "same", date=date)
        assert error_codes(refused) == ["CONFLICT"] and refused["expenseReport"] is None
        assert refused["errors"][0]["field"] == ["idempotencyKey"]
        assert await _written(session) == written
    assert await _status(session, other_id, setup) == "approved"


async def test_keys_are_per_user(
    client: GraphQLClient, setup: Setup, session: AsyncSession
) -> None:
    first_id = await approved_report(client, setup, [{"amount": "10.00"}])
    other_id = await approved_report(client, setup, [{"amount": "20.00"}])
    assert (await _post(client, setup, first_id, "shared", "accountant"))["errors"] == []
    admin = await _post(client, setup, other_id, "shared", "admin")
    assert admin["errors"] == [] and admin["expenseReport"]["id"] == other_id
    assert await _written(session) == [2, 4, 2, 2, 2]


@pytest.mark.parametrize(
    ("key", "code"), [("", "REQUIRED"), ("   ", "REQUIRED"), ("k" * 201, "OUT_OF_RANGE")]
)
async def test_an_empty_or_too_long_key_is_refused(
    client: GraphQLClient, setup: Setup, session: AsyncSession, key: str, code: str
) -> None:
    report_id = await approved_report(client, setup, [{"amount": "10.00"}])
    refused = await _post(client, setup, report_id, key)
    assert error_codes(refused) == [code] and refused["errors"][0]["field"] == ["idempotencyKey"]
    assert await _written(session) == [0, 0, 0, 0, 0]
    assert (await _post(client, setup, report_id, "k" * 200))["errors"] == []


async def test_keys_older_than_24_hours_are_purged(
    client: GraphQLClient, setup: Setup, session: AsyncSession
) -> None:
    old_id = await approved_report(client, setup, [{"amount": "10.00"}])
    new_id = await approved_report(client, setup, [{"amount": "20.00"}])
    next_id = await approved_report(client, setup, [{"amount": "30.00"}])
    assert (await _post(client, setup, old_id, "old"))["errors"] == []
    recent = await _post(client, setup, new_id, "recent")
    now = dt.datetime.now(dt.UTC)
    await session.execute(
        update(IdempotencyKey)
        .where(IdempotencyKey.key == "old")
        .values(created_at=now - dt.timedelta(hours=24, seconds=1))
    )
    await session.execute(
        update(IdempotencyKey)
        .where(IdempotencyKey.key == "recent")
        .values(created_at=now - dt.timedelta(hours=23, minutes=59))
    )
    assert await purge_expired(session, now) == 1
    await session.commit()
    assert list(await session.scalars(select(IdempotencyKey.key))) == ["recent"]
    # The purged key is free for a new request; the kept one still answers its first answer.
    assert (await _post(client, setup, next_id, "old"))["errors"] == []
    assert await _post(client, setup, new_id, "recent") == recent
