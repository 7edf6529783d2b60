"""Vendor invoices in any state for the workflow tests, the costs their lines match, and the
GraphQL documents of the workflow (V1, V6-V8).

Invoices and lines are inserted through the models (with a valid subtotal and total =
subtotal + sales tax), so a test starts from exactly the state it is about. `purchasing` adds
to the expense world (tests/support/expenses.py: a category with an expense category per
legal entity, the time-and-material project TM1 of `manager` with a task and a 25 % markup
sales list, the fixed-price project FP1 of `manager2` with a task, EUR->USD 1.0837 from last
month on): a USPM vendor with an EUR subcontract whose line orders on TM1 without a task, and
EUR->USD 1.0912 from this month on, so that two line dates convert at two rates.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.actuals import Actual
from db.models.expenses import ExpenseLine, ExpenseReport, ProjectExpense
from db.models.master_data import ExchangeRate, Project, Task
from db.models.vendor_invoices import (
    Subcontract,
    SubcontractLine,
    Vendor,
    VendorInvoice,
    VendorInvoiceLine,
)
from tests.support.client import GraphQLClient
from tests.support.expenses import RATES_FROM, Setup, expense_setup
from tests.support.world import TODAY, World

EUR_USD_NOW = Decimal("1.0912")
THIS_MONTH = TODAY.replace(day=1)


@dataclass
class Purchasing:
    setup: Setup
    vendor: Vendor
    subcontract: Subcontract  # EUR
    ordered: SubcontractLine  # TM1, no task

    @property
    def world(self) -> World:
        return self.setup.world

    def gid(self, type_name: str, pk: int) -> str:
        return self.setup.gid(type_name, pk)

    def account(self, role: str, entity: str = "USPM") -> str:
        return self.gid("Account", self.world.companies[entity].accounts[role].id)


async def purchasing(session: AsyncSession, world: World) -> Purchasing:
    setup = await expense_setup(session, world)
    vendor = Vendor(legal_entity_id=world.entity_id("USPM"), code="ACME", name="Acme Ltd")
    session.add(vendor)
    await session.flush()
    subcontract = Subcontract(
        legal_entity_id=vendor.legal_entity_id,
        vendor_id=vendor.id,
        number="SC-EUR",
        currency_code="EUR",
    )
    session.add(subcontract)
    await session.flush()
    ordered = SubcontractLine(
        legal_entity_id=vendor.legal_entity_id,
        subcontract_id=subcontract.id,
        line_number=1,
        project_id=setup.tm_project.id,
        transaction_category_id=setup.category.transaction_category_id,
    )
    session.add(ordered)
    session.add(
        ExchangeRate(
            from_currency="EUR", to_currency="USD", rate=EUR_USD_NOW, valid_from=THIS_MONTH
        )
    )
    await session.commit()
    return Purchasing(setup, vendor, subcontract, ordered)


def _line(p: Purchasing, invoice: VendorInvoice, number: int, values: dict[str, Any]) -> Any:
    """A line on TM1 without task, dated today, Not started, unless `values` say otherwise."""
    subtotal = Decimal(values.get("subtotal", "100.00"))
    sales_tax = Decimal(values.get("sales_tax", "0"))
    project: Project = values.get("project", p.setup.tm_project)
    task: Task | None = values.get("task")
    return VendorInvoiceLine(
        legal_entity_id=invoice.legal_entity_id,
        invoice_id=invoice.id,
        line_number=number,
        name=f"Line {number}",
        subcontract_line_id=p.ordered.id if values.get("ordered") else None,
        project_id=project.id,
        task_id=task.id if task is not None else None,
        transaction_category_id=values.get("category_id", p.setup.category.transaction_category_id),
        date=values.get("date", TODAY),
        quantity=Decimal(values["quantity"]) if "quantity" in values else None,
        unit_price=Decimal(values["unit_price"]) if "unit_price" in values else None,
        subtotal=subtotal,
        sales_tax=sales_tax,
        total=subtotal + sales_tax,
        verification_status=values.get("verification", "not_started"),
    )


async def invoice_with_lines(
    session: AsyncSession,
    p: Purchasing,
    lines: list[dict[str, Any]],
    *,
    status: str = "draft",
    currency: str = "EUR",
) -> tuple[VendorInvoice, list[VendorInvoiceLine]]:
    """An invoice of ACME (on the EUR subcontract when in EUR) in `status` with the lines."""
    invoice = VendorInvoice(
        legal_entity_id=p.vendor.legal_entity_id,
        vendor_id=p.vendor.id,
        subcontract_id=p.subcontract.id if currency == "EUR" else None,
        number=f"VI-{uuid.uuid4().hex[:6]}",
        invoice_date=TODAY,
        currency_code=currency,
        status=status,
    )
    session.add(invoice)
    await session.flush()
    rows = [_line(p, invoice, number, values) for number, values in enumerate(lines, 1)]
    session.add_all(rows)
    invoice.subtotal = sum((row.subtotal for row in rows), Decimal(0))
    invoice.sales_tax = sum((row.sales_tax for row in rows), Decimal(0))
    invoice.total = invoice.subtotal + invoice.sales_tax
    await session.commit()
    return invoice, rows


def three_lines(p: Purchasing) -> list[dict[str, Any]]:
    """V7's example, every line Complete: on TM1 with its task, last month (EUR->USD 1.0837);
    on the subcontract line, today (1.0912); with neither task nor subcontract line, today."""
    return [
        {
            "date": RATES_FROM,
            "task": p.setup.tm_task,
            "quantity": "3",
            "unit_price": "34.67",
            "subtotal": "104.01",
            "sales_tax": "15.00",
            "verification": "complete",
        },
        {"ordered": True, "subtotal": "45.55", "sales_tax": "8.65", "verification": "complete"},
        {"subtotal": "50.00", "verification": "complete"},
    ]


async def recorded_cost(
    session: AsyncSession,
    p: Purchasing,
    amount: str,
    *,
    entity: str = "USPM",
    project: Project | None = None,
    task: Task | None = None,
    currency: str = "EUR",
    category_id: int | None = None,
    actual_type: str = "cost",
) -> Actual:
    """An actual of a posted expense line (by default an EUR cost on TM1 without task)."""
    setup = p.setup
    entity_id = p.world.entity_id(entity)
    expense_category = setup.category if entity == "USPM" else setup.other_category
    project_id = (project or setup.tm_project).id
    report = ExpenseReport(
        legal_entity_id=entity_id,
        number=f"EXP-{uuid.uuid4().hex[:6]}",
        employee_user_id=p.world.users["employee"].id,
        currency_code=currency,
        status="posted",
    )
    session.add(report)
    await session.flush()
    line = ExpenseLine(
        legal_entity_id=entity_id,
        report_id=report.id,
        line_number=1,
        date=TODAY,
        expense_category_id=expense_category.id,
        project_id=project_id,
        task_id=task.id if task else None,
        amount=Decimal(amount),
        currency_code=currency,
        approval_status="approved",
    )
    session.add(line)
    await session.flush()
    category = category_id or expense_category.transaction_category_id
    expense = ProjectExpense(
        legal_entity_id=entity_id,
        expense_line_id=line.id,
        project_id=project_id,
        task_id=line.task_id,
        transaction_category_id=category,
        date=TODAY,
        quantity=Decimal(1),
        cost_amount=Decimal(amount),
        currency_code=currency,
        chargeable=True,
        actuals_created_at=dt.datetime.now(dt.UTC),  # made below: the approval job skips it
    )
    session.add(expense)
    await session.flush()
    actual = Actual(
        legal_entity_id=entity_id,
        actual_type=actual_type,
        transaction_class="expense",
        source_type="expense",
        project_expense_id=expense.id,
        project_id=project_id,
        task_id=line.task_id,
        transaction_category_id=category,
        transaction_date=TODAY,
        quantity=Decimal(1),
        currency_code=currency,
        unit_amount=Decimal(amount),
        amount=Decimal(amount),
    )
    session.add(actual)
    await session.commit()
    return actual


async def count(session: AsyncSession, model: Any, *where: Any) -> int:
    return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


async def refreshed(session: AsyncSession, model: Any, pk: int) -> Any:
    """The row as the database has it now (the app changed it on another session)."""
    return await session.get(model, pk, populate_existing=True)


ERRORS = "errors { code field message }"
INVOICE = f"vendorInvoice {{ id status accountingDate confirmedAt canceledAt }} {ERRORS}"
LINE = f"""vendorInvoiceLine {{ id verificationStatus subtotal matchedAmount
  matchedActuals {{ id amount }} }} {ERRORS}"""

SUBMIT = f"""mutation($id: ID!) {{ submitVendorInvoice(input: {{id: $id}}) {{ {INVOICE} }} }}"""
HOLD = f"""mutation($id: ID!, $reason: String) {{
  holdVendorInvoice(input: {{id: $id, reason: $reason}}) {{ {INVOICE} }} }}"""
RELEASE = f"""mutation($id: ID!) {{ releaseVendorInvoice(input: {{id: $id}}) {{ {INVOICE} }} }}"""
VERIFY = f"""mutation($id: ID!, $status: VerificationStatus!) {{
  setVendorInvoiceLineVerification(input: {{id: $id, status: $status}}) {{ {LINE} }} }}"""
MATCH = f"""mutation($lineId: ID!, $actualIds: [ID!]!) {{
  matchVendorInvoiceLine(input: {{lineId: $lineId, actualIds: $actualIds}}) {{ {LINE} }} }}"""
CONFIRM = f"""mutation($id: ID!, $date: Date) {{
  confirmVendorInvoice(input: {{id: $id, accountingDate: $date}}) {{ {INVOICE} }} }}"""
CANCEL = f"""mutation($id: ID!, $date: Date) {{
  cancelVendorInvoice(input: {{id: $id, accountingDate: $date}}) {{ {INVOICE} }} }}"""


VIEW = """query($id: ID!) { node(id: $id) { ... on VendorInvoice {
  status accountingDate confirmedAt canceledAt
  vouchers { number sourceType accountingDate description
    lines { account { id } debit credit currencyCode amountCurrency exchangeRate description } }
  lines { lineNumber warnings matchedActuals { id adjustmentStatus }
    actuals { actualType sourceType transactionDate quantity currencyCode unitAmount amount
      adjustmentStatus pricingWarning task { code } reverses { id } } } } } }"""


async def view(client: GraphQLClient, p: Purchasing, invoice_id: int) -> dict[str, Any]:
    """The invoice as the accountant reads it: vouchers, lines, actuals."""
    data = await client.data(
        VIEW, {"id": p.gid("VendorInvoice", invoice_id)}, token=p.world.tokens["accountant"]
    )
    node: dict[str, Any] = data["node"]
    return node


async def run(
    client: GraphQLClient, p: Purchasing, document: str, user: str = "accountant", **variables: Any
) -> dict[str, Any]:
    """The payload of one workflow mutation sent by `user`."""
    return await client.mutate(document, variables, token=p.world.tokens[user])
