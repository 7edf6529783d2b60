"""Master data and GraphQL helpers for the expense report and actuals tests.

`expense_setup` adds to the shared world: a transaction category usable in expense with an
expense category in each legal entity, two USPM projects (time and material, managed by
`manager`; fixed price, managed by `manager2`) with a task each, a 25 % markup sales price
list on the first, and the EUR->USD rate of 1.0837 from last month on.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from config import Settings
from db.models.categories import ExpenseCategory, SharedCategory, TransactionCategory
from db.models.master_data import ExchangeRate, Project, Task
from db.models.prices import PriceList, PriceListLine, ProjectPriceList
from jobs.app import open_jobs
from jobs.approval import TASK_NAME
from schema.relay import encode_id
from tests.support.client import GraphQLClient
from tests.support.world import TODAY, World

EUR_USD = Decimal("1.0837")
RATES_FROM = (TODAY.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


@dataclass
class Setup:
    world: World
    category: ExpenseCategory  # USPM
    other_category: ExpenseCategory  # DEPM
    tm_project: Project  # time and material, manager
    fp_project: Project  # fixed price, manager2
    tm_task: Task
    fp_task: Task
    price_list: PriceList

    def gid(self, type_name: str, pk: int) -> str:
        return str(encode_id(type_name, pk))

    @property
    def category_id(self) -> str:
        return self.gid("ExpenseCategory", self.category.id)


async def _category(session: AsyncSession, world: World, code: str) -> list[ExpenseCategory]:
    category = TransactionCategory(code=code, name="Travel")
    session.add(category)
    await session.flush()
    shared = SharedCategory(
        transaction_category_id=category.id,
        transaction_class="expense",
        can_be_used_in_expense=True,
        expense_type="travel",
    )
    session.add(shared)
    await session.flush()
    rows = [
        ExpenseCategory(
            legal_entity_id=world.entity_id(entity),
            code="TRAVEL",
            name="Travel",
            shared_category_id=shared.id,
            transaction_category_id=category.id,
            default_account_id=world.companies[entity].accounts["project_cost"].id,
        )
        for entity in ("USPM", "DEPM")
    ]
    session.add_all(rows)
    await session.flush()
    return rows


def _project(world: World, code: str, manager: str, billing_type: str) -> Project:
    return Project(
        legal_entity_id=world.entity_id("USPM"),
        code=code,
        name=f"Project {code}",
        manager_user_id=world.users[manager].id,
        billing_type=billing_type,
        currency_code="USD",
    )


async def _markup_list(
    session: AsyncSession, world: World, category: ExpenseCategory, project: Project
) -> PriceList:
    entity_id = world.entity_id("USPM")
    price_list = PriceList(
        legal_entity_id=entity_id,
        name="Sales markup",
        context="sales",
        currency_code="USD",
        valid_from=RATES_FROM,
    )
    session.add(price_list)
    await session.flush()
    session.add_all(
        [
            PriceListLine(
                legal_entity_id=entity_id,
                price_list_id=price_list.id,
                transaction_category_id=category.transaction_category_id,
                pricing_method="markup",
                markup_percent=Decimal(25),
            ),
            ProjectPriceList(
                legal_entity_id=entity_id,
                project_id=project.id,
                price_list_id=price_list.id,
            ),
        ]
    )
    await session.flush()
    return price_list


async def expense_setup(session: AsyncSession, world: World) -> Setup:
    category, other = await _category(session, world, f"TRV-{uuid.uuid4().hex[:8]}")
    tm = _project(world, "TM1", "manager", "time_and_material")
    fp = _project(world, "FP1", "manager2", "fixed_price")
    session.add_all([tm, fp])
    await session.flush()
    tasks = [
        Task(legal_entity_id=p.legal_entity_id, project_id=p.id, code="T1", name="Task")
        for p in (tm, fp)
    ]
    session.add_all(tasks)
    session.add(
        ExchangeRate(from_currency="EUR", to_currency="USD", rate=EUR_USD, valid_from=RATES_FROM)
    )
    await session.flush()
    price_list = await _markup_list(session, world, category, tm)
    await session.commit()
    return Setup(world, category, other, tm, fp, tasks[0], tasks[1], price_list)


CREATE_REPORT = """
mutation($input: CreateExpenseReportInput!) {
  createExpenseReport(input: $input) {
    expenseReport { id number status currencyCode }
    errors { code field message }
  }
}"""

ADD_LINE = """
mutation($input: AddExpenseLineInput!) {
  addExpenseLine(input: $input) {
    expenseLine { id lineNumber amount unitPrice salesTax nonRecoverableTax total currencyCode }
    errors { code field message }
  }
}"""

REPORT_FIELDS = "expenseReport { id number status rejectionReason } errors { code field message }"
SUBMIT = f"mutation($id: ID!) {{ submitExpenseReport(input: {{id: $id}}) {{ {REPORT_FIELDS} }} }}"
APPROVE = f"mutation($id: ID!) {{ approveExpenseReport(input: {{id: $id}}) {{ {REPORT_FIELDS} }} }}"
POST = f"""mutation($id: ID!) {{ postExpenseReport(input: {{id: $id}}) {{
  {REPORT_FIELDS} automaticApprovalRun {{ taskName status }} }} }}"""
REJECT = f"""mutation($id: ID!, $reason: String!) {{
  rejectExpenseReport(input: {{id: $id, reason: $reason}}) {{ {REPORT_FIELDS} }} }}"""
RETURN = f"""mutation($id: ID!, $reason: String) {{
  returnExpenseReport(input: {{id: $id, reason: $reason}}) {{ {REPORT_FIELDS} }} }}"""


async def create_report(
    client: GraphQLClient, setup: Setup, user: str = "employee", currency: str = "USD"
) -> str:
    payload = await client.mutate(
        CREATE_REPORT,
        {"input": {"legalEntity": "USPM", "currencyCode": currency, "description": "Trip"}},
        token=setup.world.tokens[user],
    )
    assert payload["errors"] == [], payload
    report_id: str = payload["expenseReport"]["id"]
    return report_id


def line_input(setup: Setup, **values: Any) -> dict[str, Any]:
    """A valid line on the time-and-material project unless told otherwise."""
    base: dict[str, Any] = {
        "date": TODAY.isoformat(),
        "expenseCategoryId": setup.category_id,
        "projectId": setup.gid("Project", setup.tm_project.id),
        "quantity": "1",
        "amount": "100.00",
        "merchant": "Hotel",
    }
    base.update(values)
    return {key: value for key, value in base.items() if value is not None}


async def add_line(
    client: GraphQLClient, setup: Setup, report_id: str, user: str = "employee", **values: Any
) -> dict[str, Any]:
    payload = await client.mutate(
        ADD_LINE,
        {"input": {"reportId": report_id, **line_input(setup, **values)}},
        token=setup.world.tokens[user],
    )
    return payload


async def transition(
    client: GraphQLClient, setup: Setup, document: str, report_id: str, user: str, **extra: Any
) -> dict[str, Any]:
    return await client.mutate(document, {"id": report_id, **extra}, token=setup.world.tokens[user])


async def approved_report(
    client: GraphQLClient, setup: Setup, lines: list[dict[str, Any]], currency: str = "USD"
) -> str:
    """A report of `employee` with the lines, submitted and approved by each manager."""
    report_id = await create_report(client, setup, currency=currency)
    for values in lines:
        payload = await add_line(client, setup, report_id, **values)
        assert payload["errors"] == [], payload
    assert (await transition(client, setup, SUBMIT, report_id, "employee"))["errors"] == []
    for manager in ("manager", "manager2"):
        await transition(client, setup, APPROVE, report_id, manager)
    return report_id


@pytest.fixture
async def deferrals(
    settings: Settings, database_url: str, engine: AsyncEngine
) -> AsyncIterator[None]:
    """The job runner open, so posting can defer the automatic approval job; the deferred
    procrastinate jobs (committed on procrastinate's own connection) are removed after."""
    async with open_jobs(settings, url=database_url):
        yield
    async with engine.begin() as conn:
        await conn.execute(
            text("DELETE FROM procrastinate_jobs WHERE task_name = :name"), {"name": TASK_NAME}
        )
