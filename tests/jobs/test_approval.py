"""E5: the automatic approval job turns posted project expenses into actuals, exactly once."""

from __future__ import annotations

import asyncio
import datetime as dt
from decimal import Decimal
from typing import Any

import procrastinate
import pytest
from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from db.models.actuals import Actual
from db.models.expenses import ProjectExpense
from db.models.jobs import JobLogEntry, JobRun
from db.models.master_data import ExchangeRate
from db.models.prices import PriceList, ProjectPriceList
from jobs.approval import approve_expenses, automatic_approval
from jobs.deferral import defer_with_run
from jobs.runs import RunHandle
from tests.support.client import GraphQLClient
from tests.support.expenses import (
    POST,
    Setup,
    approved_report,
    deferrals,
    expense_setup,
    transition,
)
from tests.support.expenses_committed import Committed, committed_expenses
from tests.support.jobs import committed, drain, jobs_app, run_row
from tests.support.world import World

__all__ = ["committed", "committed_expenses", "deferrals", "jobs_app"]

NOW = dt.datetime(2030, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
LINE_ACTUALS = """
query($id: ID!) {
  expenseReport(id: $id) {
    lines {
      lineNumber
      actuals { actualType currencyCode quantity unitAmount amount pricingWarning }
    }
  }
}"""


@pytest.fixture
async def setup(session: AsyncSession, world: World) -> Setup:
    return await expense_setup(session, world)


@pytest.fixture
def sessions(connection: AsyncConnection) -> async_sessionmaker[AsyncSession]:
    """The job's sessions inside the test's transaction (each job commit is a savepoint)."""
    return async_sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )


async def _run_handle(sessions: async_sessionmaker[AsyncSession]) -> RunHandle:
    async with sessions.begin() as session:
        row = JobRun(task_name="expenses.automatic_approval", status="running", arguments={})
        session.add(row)
    return RunHandle(row.id, row.task_name, 1, NOW, None, sessions)


async def _posted_eur_report(client: GraphQLClient, setup: Setup) -> str:
    lines: list[dict[str, Any]] = [
        {
            "quantity": "3",
            "amount": None,
            "unitPrice": "33.335",
            "salesTax": "19.00",
            "nonRecoverableTax": "4.00",
        },
        {"amount": "50.00", "projectId": setup.gid("Project", setup.fp_project.id)},
        {"amount": "8.00", "chargeable": False},
        {"amount": "10.00", "projectId": None},
    ]
    report_id = await approved_report(client, setup, lines, currency="EUR")
    assert (await transition(client, setup, POST, report_id, "accountant"))["errors"] == []
    return report_id


@pytest.mark.usefixtures("deferrals")
async def test_e5_cost_and_markup_sales_actuals_to_the_cent(
    client: GraphQLClient, setup: Setup, sessions: async_sessionmaker[AsyncSession]
) -> None:
    report_id = await _posted_eur_report(client, setup)
    outcome = await approve_expenses(sessions, now=NOW)
    assert len(outcome.processed) == 3 and outcome.failed == []
    data = await client.data(LINE_ACTUALS, {"id": report_id}, token=setup.world.tokens["manager"])
    cost = {"actualType": "COST", "currencyCode": "EUR", "quantity": "1.0000"}
    assert [line["actuals"] for line in data["expenseReport"]["lines"]] == [
        [
            # net 100.01 + non-recoverable 4.00, in the report's currency
            {**cost, "quantity": "3.0000", "unitAmount": "34.67", "amount": "104.01",
             "pricingWarning": None},
            # 34.67 EUR x 1.0837 = 37.571879 USD, + 25 % = 46.964849 x 3 = 140.89
            {"actualType": "UNBILLED_SALES", "currencyCode": "USD", "quantity": "3.0000",
             "unitAmount": "46.964849", "amount": "140.89", "pricingWarning": None},
        ],
        [{**cost, "unitAmount": "50.00", "amount": "50.00", "pricingWarning": None}],
        [{**cost, "unitAmount": "8.00", "amount": "8.00", "pricingWarning": None}],
        [],  # no project: no project expense, no actual
    ]  # fmt: skip
    again = await approve_expenses(sessions, now=NOW)
    assert again.processed == []


@pytest.mark.usefixtures("deferrals")
async def test_e5_no_sales_price_gives_zero_with_a_warning(
    client: GraphQLClient,
    setup: Setup,
    session: AsyncSession,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await session.execute(delete(ProjectPriceList))
    await session.commit()
    report_id = await approved_report(client, setup, [{"amount": "20.00"}])
    await transition(client, setup, POST, report_id, "accountant")
    run = await _run_handle(sessions)
    await approve_expenses(sessions, now=NOW, run=run)
    sales = await session.scalar(select(Actual).where(Actual.actual_type == "unbilled_sales"))
    assert sales is not None and sales.amount == 0
    assert sales.pricing_warning is not None and "no sales price list applies" in (
        sales.pricing_warning
    )
    log = list(await session.scalars(select(JobLogEntry).where(JobLogEntry.job_run_id == run.id)))
    assert [(entry.level, entry.entity_type) for entry in log] == [("warning", "project_expense")]
    progress = await session.get(JobRun, run.id, populate_existing=True)
    assert progress is not None
    assert (progress.progress_done, progress.progress_total) == (1, 1)


@pytest.mark.usefixtures("deferrals")
async def test_e5_unpriceable_sales_keep_the_cost_and_wait_for_the_next_run(
    client: GraphQLClient,
    setup: Setup,
    session: AsyncSession,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    report_id = await approved_report(client, setup, [{"amount": "20.00"}], currency="EUR")
    await transition(client, setup, POST, report_id, "accountant")
    # A CHF sales list with no EUR->CHF rate: the cost cannot be converted for the markup.
    await session.execute(update(PriceList).values(currency_code="CHF"))
    await session.commit()
    run = await _run_handle(sessions)
    outcome = await approve_expenses(sessions, now=NOW, run=run)
    expense = await session.scalar(select(ProjectExpense))
    assert expense is not None and outcome.failed == [expense.id]
    kinds = list(await session.scalars(select(Actual.actual_type)))
    assert kinds == ["cost"] and expense.actuals_created_at is None  # sales still pending
    entry = await session.scalar(select(JobLogEntry).where(JobLogEntry.job_run_id == run.id))
    assert entry is not None
    assert (entry.level, entry.entity_type, entry.entity_id) == (
        "error",
        "project_expense",
        expense.id,
    )
    assert f"Project expense {expense.id}" in entry.message and "EUR to CHF" in entry.message
    session.add(
        ExchangeRate(
            from_currency="EUR",
            to_currency="CHF",
            rate=Decimal("0.95"),
            valid_from=dt.date(2000, 1, 1),
        )
    )
    await session.commit()
    again = await approve_expenses(sessions, now=NOW)
    kinds = sorted(await session.scalars(select(Actual.actual_type)))
    await session.refresh(expense)
    assert again.processed == [expense.id] and kinds == ["cost", "unbilled_sales"]
    assert expense.actuals_created_at is not None


async def _actual_counts(engine: AsyncEngine, data: Committed) -> list[tuple[int, str, int]]:
    async with AsyncSession(engine) as session:
        rows = await session.execute(
            select(Actual.project_expense_id, Actual.actual_type, func.count())
            .where(Actual.legal_entity_id == data.entity_id)
            .group_by(Actual.project_expense_id, Actual.actual_type)
            .order_by(Actual.project_expense_id, Actual.actual_type)
        )
        return [(int(e or 0), str(t), int(n)) for e, t, n in rows]


async def test_e5_two_runs_at_once_make_each_actual_once(
    engine: AsyncEngine, database_url: str, committed_expenses: Committed
) -> None:
    from db.urls import asyncpg_url

    other = create_async_engine(asyncpg_url(database_url))
    try:
        first = async_sessionmaker(engine, expire_on_commit=False)
        second = async_sessionmaker(other, expire_on_commit=False)
        outcomes = await asyncio.gather(
            approve_expenses(first, now=NOW), approve_expenses(second, now=NOW)
        )
        made = outcomes[0].processed + outcomes[1].processed
        # Each expense claimed by exactly one of the runs (FOR UPDATE SKIP LOCKED).
        assert sorted(made) == sorted(committed_expenses.expense_ids)
        expected = [
            (expense, kind, 1)
            for expense in committed_expenses.expense_ids
            for kind in ("cost", "unbilled_sales")
        ]
        assert await _actual_counts(engine, committed_expenses) == expected
        # A retry that lost its mark (say, a worker killed after inserting): the unique
        # index turns the repeated inserts into nothing.
        async with first.begin() as session:
            await session.execute(
                update(ProjectExpense)
                .where(ProjectExpense.id.in_(committed_expenses.expense_ids))
                .values(actuals_created_at=None)
            )
        await asyncio.gather(approve_expenses(first, now=NOW), approve_expenses(second, now=NOW))
        assert await _actual_counts(engine, committed_expenses) == expected
        async with first() as session:
            amounts = set(
                await session.scalars(
                    select(Actual.amount).where(
                        Actual.legal_entity_id == committed_expenses.entity_id,
                        Actual.actual_type == "unbilled_sales",
                    )
                )
            )
        assert amounts == {Decimal("62.5000")}  # 2 x (25.00 + 25 %)
    finally:
        await other.dispose()


async def test_e5_deferred_task_runs_on_a_worker_with_progress(
    engine: AsyncEngine,
    committed_expenses: Committed,
    committed: async_sessionmaker[AsyncSession],
    jobs_app: procrastinate.App,
) -> None:
    """The task as procrastinate runs it: deferred like the posting does, then worked."""
    async with committed.begin() as session:
        run_id = (await defer_with_run(session, automatic_approval)).id
    await drain(jobs_app)
    run = await run_row(committed, run_id)
    assert (run.status, run.progress_done, run.progress_total) == ("succeeded", 4, 4)
    assert len(await _actual_counts(engine, committed_expenses)) == 8


@pytest.mark.usefixtures("deferrals")
async def test_e5_a_failing_expense_does_not_hold_back_the_ones_behind_it(
    client: GraphQLClient,
    setup: Setup,
    session: AsyncSession,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    fixed_price = setup.gid("Project", setup.fp_project.id)
    lines = [{"amount": "20.00"}, {"amount": "30.00", "projectId": fixed_price}]
    report_id = await approved_report(client, setup, lines, currency="EUR")
    await transition(client, setup, POST, report_id, "accountant")
    await session.execute(update(PriceList).values(currency_code="CHF"))  # line 1 cannot price
    await session.commit()
    run = await _run_handle(sessions)
    outcome = await approve_expenses(sessions, now=NOW, run=run, batch_size=1)
    failing, behind = list(
        await session.scalars(select(ProjectExpense.id).order_by(ProjectExpense.id))
    )
    assert (outcome.failed, outcome.processed) == ([failing], [behind])
    progress = await session.get(JobRun, run.id)
    assert progress is not None and (progress.progress_done, progress.progress_total) == (2, 2)
