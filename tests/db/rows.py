"""Raw rows for the database-guard tests: a company and the chain of rows down to a voucher.

The guards live in SQL, so these helpers write SQL too: no domain rule stands between the test
and the trigger it is probing.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from db.guards import sqlstate

TODAY = dt.date.today()
# Every table the committed tests may fill; TRUNCATE is how they clean up (guards allow it).
FILLED_TABLES = "legal_entity, app_user, transaction_category, job_run"


async def insert(conn: AsyncConnection, table: str, **values: Any) -> int:
    columns = ", ".join(values)
    params = ", ".join(f":{name}" for name in values)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({params}) RETURNING id"
    return int((await conn.execute(text(sql), values)).scalar_one())


async def refused(conn: AsyncConnection, sql: str, **params: Any) -> DBAPIError:
    """Run `sql` in a savepoint, expect the database to refuse it, and return the error."""
    with pytest.raises(DBAPIError) as info:
        async with conn.begin_nested():
            await conn.execute(text(sql), params)
    return info.value


def code_of(error: DBAPIError) -> str | None:
    return sqlstate(error)


@dataclass
class Company:
    entity_id: int
    user_id: int
    sequence_id: int
    accounts: tuple[int, int]


async def company(conn: AsyncConnection, code: str | None = None) -> Company:
    code = code or uuid.uuid4().hex[:8].upper()
    entity_id = await insert(conn, "legal_entity", code=code, name=code, currency_code="USD")
    user_id = await insert(conn, "app_user", email=f"{code}@example.com", name=code, roles=[])
    sequence_id = await insert(
        conn,
        "number_sequence",
        legal_entity_id=entity_id,
        code="voucher",
        prefix=f"{code}-",
        width=6,
    )
    accounts = (
        await insert(conn, "account", legal_entity_id=entity_id, number="1000", name="Cost"),
        await insert(conn, "account", legal_entity_id=entity_id, number="2000", name="Payable"),
    )
    return Company(entity_id, user_id, sequence_id, accounts)


@dataclass
class Chain:
    """One expense line of a company down to its actual and journal line."""

    company: Company
    project_id: int
    task_id: int
    transaction_category_id: int
    expense_category_id: int
    expense_line_id: int
    actual_id: int
    journal_id: int
    journal_line_id: int


async def _categories(conn: AsyncConnection, entity_id: int) -> tuple[int, int]:
    code = uuid.uuid4().hex[:10]
    category = await insert(conn, "transaction_category", code=code, name=code)
    shared = await insert(
        conn,
        "shared_category",
        transaction_category_id=category,
        transaction_class="expense",
        can_be_used_in_expense=True,
    )
    expense_category = await insert(
        conn,
        "expense_category",
        legal_entity_id=entity_id,
        code=code,
        name=code,
        shared_category_id=shared,
        transaction_category_id=category,
    )
    return category, expense_category


async def _expense_line(conn: AsyncConnection, owner: Company, expense_category: int) -> int:
    report = await insert(
        conn,
        "expense_report",
        legal_entity_id=owner.entity_id,
        number=uuid.uuid4().hex[:10],
        employee_user_id=owner.user_id,
        currency_code="USD",
        description="",
        status="posted",
    )
    return await insert(
        conn,
        "expense_line",
        legal_entity_id=owner.entity_id,
        report_id=report,
        line_number=1,
        date=TODAY,
        expense_category_id=expense_category,
        quantity=Decimal(1),
        amount=Decimal(100),
        currency_code="USD",
        sales_tax=Decimal(0),
        non_recoverable_tax=Decimal(0),
        merchant="",
        description="",
        chargeable=True,
        approval_status="approved",
    )


async def chain(conn: AsyncConnection, owner: Company) -> Chain:
    entity = owner.entity_id
    code = uuid.uuid4().hex[:10]
    project = await insert(
        conn,
        "project",
        legal_entity_id=entity,
        code=code,
        name=code,
        manager_user_id=owner.user_id,
        billing_type="time_and_material",
        currency_code="USD",
    )
    task = await insert(
        conn, "task", legal_entity_id=entity, project_id=project, code=code, name=code
    )
    category, expense_category = await _categories(conn, entity)
    line = await _expense_line(conn, owner, expense_category)
    project_expense = await insert(
        conn,
        "project_expense",
        legal_entity_id=entity,
        expense_line_id=line,
        project_id=project,
        transaction_category_id=category,
        date=TODAY,
        quantity=Decimal(1),
        cost_amount=Decimal(100),
        currency_code="USD",
        chargeable=True,
    )
    actual = await insert(
        conn,
        "actual",
        legal_entity_id=entity,
        actual_type="cost",
        transaction_class="expense",
        source_type="expense",
        project_expense_id=project_expense,
        project_id=project,
        task_id=task,
        transaction_category_id=category,
        transaction_date=TODAY,
        quantity=Decimal(1),
        currency_code="USD",
        unit_amount=Decimal(100),
        amount=Decimal(100),
        adjustment_status="adjustable",
        description="taxi",
    )
    journal = await insert(
        conn,
        "journal",
        legal_entity_id=entity,
        number=code,
        status="draft",
        period_unit="months",
        line_count=1,
    )
    journal_line = await insert(
        conn,
        "journal_line",
        legal_entity_id=entity,
        journal_id=journal,
        actual_id=actual,
        status="draft",
        date=TODAY,
        accounting_date=TODAY,
        voucher_number=code,
        exchange_rate=Decimal(1),
    )
    return Chain(
        owner, project, task, category, expense_category, line, actual, journal, journal_line
    )


async def voucher(
    conn: AsyncConnection,
    owner: Company,
    lines: list[tuple[str, str]],
    *,
    number: str | None = None,
    journal_line_id: int | None = None,
) -> int:
    """A voucher with (debit, credit) lines on the company's two accounts, alternately."""
    voucher_id = await insert(
        conn,
        "voucher",
        legal_entity_id=owner.entity_id,
        number=number or uuid.uuid4().hex[:10],
        accounting_date=TODAY,
        source_type="journal_line" if journal_line_id else "expense_report",
        journal_line_id=journal_line_id,
        description="",
        posted_at=dt.datetime.now(dt.UTC),
    )
    for index, (debit, credit) in enumerate(lines):
        await insert(
            conn,
            "voucher_line",
            legal_entity_id=owner.entity_id,
            voucher_id=voucher_id,
            account_id=owner.accounts[index % 2],
            debit=Decimal(debit),
            credit=Decimal(credit),
            currency_code="USD",
            amount_currency=Decimal(debit) - Decimal(credit),
            exchange_rate=Decimal(1),
            description="",
        )
    return voucher_id


@asynccontextmanager
async def committing(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A connection of its own whose commits are real; the rows it leaves are truncated after
    (other tests share the scratch database)."""
    async with engine.connect() as conn:
        try:
            yield conn
        finally:
            await conn.rollback()
            await conn.execute(text(f"TRUNCATE {FILLED_TABLES} CASCADE"))
            await conn.commit()
