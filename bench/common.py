"""What the benchmarks share: a scratch database, one company, N actuals made set-based, a table.

The scratch database lives on the configured server (DATABASE_URL, else the embedded one under
.data/), is migrated to head and dropped at the end, whatever happens in between.
"""

from __future__ import annotations

import datetime as dt
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from config import Settings
from db.migrate import upgrade
from db.models.categories import (
    ExpenseCategory,
    ProjectCategory,
    SharedCategory,
    TransactionCategory,
)
from db.models.expenses import ExpenseReport
from db.models.ledger import LedgerPeriod
from db.models.master_data import Account, AppUser, Project
from db.models.parameters import ACCOUNT_ROLES, LegalEntityParameters, LinePropertyMapping
from db.urls import libpq_url, with_database
from domain import master_data
from domain.actors import Actor

# The scripts run as `python bench/bench_*.py`: top-level modules of the project that the
# editable install does not list (observability, imported by jobs/) need the root on the path;
# the scripts import this module before any of jobs/.
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(1, str(ROOT))

MONTH = dt.date.today().replace(day=1)
# Truncated between runs; CASCADE takes journal lines, voucher lines and subledger rows.
DATA_TABLES = "journal, voucher, actual, project_expense, expense_line"


@contextmanager
def scratch_database(settings: Settings) -> Iterator[str]:
    """A fresh database migrated to head on the configured server; dropped afterwards."""
    server = libpq_url(settings)
    admin_url = with_database(server, "postgres").replace("postgresql://", "postgresql+psycopg://")
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"projops_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = with_database(server, name)
        upgrade(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@dataclass(frozen=True)
class Company:
    legal_entity_id: int
    currency: str
    project_id: int
    transaction_category_id: int
    expense_category_id: int
    report_id: int


async def build_company(session: AsyncSession, lines_per_journal: int = 200) -> Company:
    """One legal entity in USD with every account, an open period, a project and categories."""
    user = AppUser(email="bench@example.com", name="Bench", roles=["admin", "employee"])
    session.add(user)
    await session.flush()
    admin = Actor(user.id, frozenset({"admin"}), frozenset())
    entity = await master_data.create_legal_entity(
        session, admin, master_data.NewLegalEntity(code="BENCH", name="Bench", currency_code="USD")
    )
    accounts = {
        role: Account(legal_entity_id=entity.id, number=str(n), name=role)
        for n, role in enumerate(ACCOUNT_ROLES, start=10000)
    }
    category = TransactionCategory(code="BENCH-TRAVEL", name="Travel")
    period_end = (MONTH + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    session.add_all([*accounts.values(), category])
    session.add(LedgerPeriod(legal_entity_id=entity.id, start_date=MONTH, end_date=period_end))
    await session.flush()
    shared = SharedCategory(
        transaction_category_id=category.id,
        transaction_class="expense",
        can_be_used_in_expense=True,
    )
    project_category = ProjectCategory(
        legal_entity_id=entity.id, code="TRAVEL", name="Travel", transaction_category_id=category.id
    )
    project = Project(
        legal_entity_id=entity.id,
        code="P1",
        name="Project 1",
        manager_user_id=user.id,
        billing_type="time_and_material",
        currency_code="USD",
    )
    session.add_all([shared, project_category, project])
    session.add(
        LinePropertyMapping(
            legal_entity_id=entity.id, billing_type="time_and_material", line_property="chargeable"
        )
    )
    await session.flush()
    expense_category = ExpenseCategory(
        legal_entity_id=entity.id,
        code="TRAVEL",
        name="Travel",
        shared_category_id=shared.id,
        transaction_category_id=category.id,
    )
    report = ExpenseReport(
        legal_entity_id=entity.id,
        number="EXP-BENCH",
        employee_user_id=user.id,
        currency_code="USD",
        status="posted",
    )
    session.add_all([expense_category, report])
    await session.flush()
    values: dict[str, object] = {f"{role}_account_id": a.id for role, a in accounts.items()}
    values.update(
        lines_per_journal=lines_per_journal, default_project_category_id=project_category.id
    )
    await session.execute(
        update(LegalEntityParameters)
        .where(LegalEntityParameters.legal_entity_id == entity.id)
        .values(values)
    )
    await session.commit()
    return Company(entity.id, "USD", project.id, category.id, expense_category.id, report.id)


# ceil(N/2) posted expense lines, each with its project expense, a cost actual and (but for
# the last one when N is odd) an unbilled sales actual: N actuals, dates spread over the month.
# The expenses are marked done, so a worker's automatic approval run (E5) leaves them alone.
_GENERATE = """
WITH lines AS (
    INSERT INTO expense_line (legal_entity_id, report_id, line_number, date,
        expense_category_id, project_id, quantity, amount, currency_code, sales_tax,
        non_recoverable_tax, merchant, description, chargeable, approval_status)
    SELECT :le, :report, g, CAST(:month AS date) + (g % 28), :expense_category, :project, 1,
           ((g % 997) + 1) * 1.25, :currency, 0, 0, '', '', true, 'approved'
    FROM generate_series(1, (:n + 1) / 2) g
    RETURNING id, date, amount
), expenses AS (
    INSERT INTO project_expense (legal_entity_id, expense_line_id, project_id,
        transaction_category_id, date, quantity, cost_amount, currency_code, chargeable,
        actuals_created_at)
    SELECT :le, id, :project, :category, date, 1, amount, :currency, true, now() FROM lines
    RETURNING id, date, cost_amount
)
INSERT INTO actual (legal_entity_id, actual_type, transaction_class, source_type,
    project_expense_id, project_id, transaction_category_id, transaction_date, quantity,
    currency_code, unit_amount, amount, adjustment_status, description)
SELECT :le, kind.actual_type, 'expense', 'expense', e.id, :project, :category, e.date, 1,
       :currency, kind.amount, kind.amount, 'adjustable', ''
FROM expenses e CROSS JOIN LATERAL (VALUES (1, 'cost', e.cost_amount),
    (2, 'unbilled_sales', round(e.cost_amount * 1.2, 2))) AS kind(ord, actual_type, amount)
ORDER BY e.id, kind.ord
LIMIT :n
"""


async def generate_actuals(session: AsyncSession, company: Company, n: int) -> None:
    """N pending actuals in one statement, committed and analyzed."""
    await session.execute(
        text(_GENERATE),
        {
            "le": company.legal_entity_id,
            "report": company.report_id,
            "month": MONTH,
            "expense_category": company.expense_category_id,
            "project": company.project_id,
            "category": company.transaction_category_id,
            "currency": company.currency,
            "n": n,
        },
    )
    await session.commit()
    await analyze(session)


async def reset_data(session: AsyncSession) -> None:
    """Journals, ledger rows and actuals gone: the next run starts from an identical state."""
    await session.execute(text(f"TRUNCATE {DATA_TABLES} CASCADE"))
    await session.commit()


async def analyze(session: AsyncSession) -> None:
    connection = await session.connection()
    await connection.exec_driver_sql("ANALYZE")
    await session.commit()
