"""The purchasing world of the vendor invoice tests, and their GraphQL documents.

`invoice_setup` adds to the shared world: the TIME unit group (Day, Week = 7 Day), a
transaction category priced in it with an expense category in USPM only, a time-and-material
project with a task (manager) and another project (manager2), two consecutive USD purchase price
lists on the first project (last month: 100 per Day; this month on: 735 per Week), a vendor
with two subcontracts, and a DEPM vendor and project for the M1 cases.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.categories import ExpenseCategory, SharedCategory, TransactionCategory
from db.models.master_data import Project, Task
from db.models.prices import PriceContext, PriceList
from db.models.vendor_invoices import (
    Subcontract,
    SubcontractLine,
    Vendor,
    VendorInvoice,
    VendorInvoiceLine,
)
from schema.relay import encode_id
from tests.support import projects as support
from tests.support.client import GraphQLClient
from tests.support.projects import TimeUnits
from tests.support.world import TODAY, World

THIS_MONTH = TODAY.replace(day=1)
LAST_MONTH = (THIS_MONTH - dt.timedelta(days=1)).replace(day=1)
LAST_MONTH_DAY = LAST_MONTH + dt.timedelta(days=9)


@dataclass
class InvoiceSetup:
    world: World
    units: TimeUnits
    category: TransactionCategory  # in TIME, expense category in USPM
    no_expense_category: TransactionCategory
    project: Project  # time and material, manager, two price lists
    task: Task
    other_project: Project  # manager2
    other_task: Task
    foreign_project: Project  # DEPM
    last_month_list: PriceList
    this_month_list: PriceList
    vendor: Vendor
    other_vendor: Vendor
    subcontract: Subcontract
    ordered: list[SubcontractLine]  # with task; without task
    other_subcontract: Subcontract
    other_ordered: SubcontractLine
    foreign_vendor: Vendor  # DEPM

    def gid(self, type_name: str, pk: int) -> str:
        return str(encode_id(type_name, pk))

    def token(self, user: str = "accountant") -> str:
        return self.world.tokens[user]


async def _category(session: AsyncSession, world: World, group_id: int) -> TransactionCategory:
    category = TransactionCategory(
        code=f"SUB-{uuid.uuid4().hex[:6]}", name="Subcontracted services", unit_group_id=group_id
    )
    session.add(category)
    await session.flush()
    shared = SharedCategory(
        transaction_category_id=category.id,
        transaction_class="expense",
        can_be_used_in_expense=True,
        expense_type="services",
    )
    session.add(shared)
    await session.flush()
    session.add(
        ExpenseCategory(
            legal_entity_id=world.entity_id("USPM"),
            code="SUBCON",
            name="Subcontracted services",
            shared_category_id=shared.id,
            transaction_category_id=category.id,
        )
    )
    await session.flush()
    return category


async def _price_lists(
    session: AsyncSession, setup_world: World, units: TimeUnits, category: Any, project: Project
) -> tuple[PriceList, PriceList]:
    last = await support.price_list(
        session,
        setup_world,
        "Purchase last month",
        context=PriceContext.PURCHASE,
        valid_from=LAST_MONTH,
        valid_to=THIS_MONTH - dt.timedelta(days=1),
    )
    current = await support.price_list(
        session, setup_world, "Purchase", context=PriceContext.PURCHASE, valid_from=THIS_MONTH
    )
    await support.line(session, setup_world, last, category, unit=units.day, price="100")
    await support.line(session, setup_world, current, category, unit=units.week, price="735")
    for plist in (last, current):
        await support.assign(session, setup_world, project, plist)
    return last, current


def _vendor(world: World, code: str, entity: str = "USPM", currency: str = "USD") -> Vendor:
    return Vendor(
        legal_entity_id=world.entity_id(entity),
        code=code,
        name=f"{code} Ltd",
        currency_code=currency,
    )


async def _subcontract(
    session: AsyncSession, vendor: Vendor, number: str, lines: list[dict[str, Any]]
) -> tuple[Subcontract, list[SubcontractLine]]:
    subcontract = Subcontract(
        legal_entity_id=vendor.legal_entity_id,
        vendor_id=vendor.id,
        number=number,
        currency_code="USD",
    )
    session.add(subcontract)
    await session.flush()
    rows = [
        SubcontractLine(
            legal_entity_id=vendor.legal_entity_id,
            subcontract_id=subcontract.id,
            line_number=number_,
            description=f"Ordered {number_}",
            **values,
        )
        for number_, values in enumerate(lines, start=1)
    ]
    session.add_all(rows)
    await session.flush()
    return subcontract, rows


async def invoice_setup(session: AsyncSession, world: World) -> InvoiceSetup:
    units = await support.time_units(session, world)
    category = await _category(session, world, units.day.unit_group_id)
    lonely = await support.category(session, f"NOEXP-{uuid.uuid4().hex[:6]}")
    project = await support.project(session, world, "VI1", tasks=1)
    other = await support.project(session, world, "VI2", manager="manager2", tasks=1)
    foreign = await support.project(session, world, "VIDE", entity="DEPM", manager="admin")
    task = await session.scalar(select(Task).where(Task.project_id == project.id))
    other_task = await session.scalar(select(Task).where(Task.project_id == other.id))
    assert task is not None and other_task is not None
    last, current = await _price_lists(session, world, units, category, project)
    vendor, other_vendor = _vendor(world, "ACME"), _vendor(world, "GLOBEX")
    foreign_vendor = _vendor(world, "ACME", "DEPM", "EUR")
    session.add_all([vendor, other_vendor, foreign_vendor])
    await session.flush()
    subcontract, ordered = await _subcontract(
        session,
        vendor,
        "SC-1",
        [
            {"project_id": project.id, "task_id": task.id, "transaction_category_id": category.id},
            {"project_id": project.id, "transaction_category_id": category.id},
        ],
    )
    other_subcontract, other_ordered = await _subcontract(
        session, vendor, "SC-2", [{"project_id": project.id}]
    )
    await session.commit()
    return InvoiceSetup(
        world=world,
        units=units,
        category=category,
        no_expense_category=lonely,
        project=project,
        task=task,
        other_project=other,
        other_task=other_task,
        foreign_project=foreign,
        last_month_list=last,
        this_month_list=current,
        vendor=vendor,
        other_vendor=other_vendor,
        subcontract=subcontract,
        ordered=ordered,
        other_subcontract=other_subcontract,
        other_ordered=other_ordered[0],
        foreign_vendor=foreign_vendor,
    )


ERRORS = "errors { code field message }"
INVOICE_FIELDS = "id number status currencyCode subtotal salesTax total"
LINE_FIELDS = """id lineNumber name date quantity unitPrice subtotal salesTax total
  verificationStatus priceConverted priceWarning warnings
  project { code } task { code } transactionCategory { code }
  subcontractLine { lineNumber } unitGroup { code } unit { code }
  priceList { name validFrom validTo } priceUnit { code }
  invoice { subtotal salesTax total }"""

CREATE = f"""mutation($input: CreateVendorInvoiceInput!) {{
  createVendorInvoice(input: $input) {{ vendorInvoice {{ {INVOICE_FIELDS} }} {ERRORS} }} }}"""
UPDATE = f"""mutation($input: UpdateVendorInvoiceInput!) {{
  updateVendorInvoice(input: $input) {{ vendorInvoice {{ {INVOICE_FIELDS} }} {ERRORS} }} }}"""
ADD_LINE = f"""mutation($input: AddVendorInvoiceLineInput!) {{
  addVendorInvoiceLine(input: $input) {{ vendorInvoiceLine {{ {LINE_FIELDS} }} {ERRORS} }} }}"""
UPDATE_LINE = f"""mutation($input: UpdateVendorInvoiceLineInput!) {{
  updateVendorInvoiceLine(input: $input) {{ vendorInvoiceLine {{ {LINE_FIELDS} }} {ERRORS} }} }}"""
DELETE_LINE = f"""mutation($input: DeleteVendorInvoiceLineInput!) {{
  deleteVendorInvoiceLine(input: $input) {{ vendorInvoice {{ {INVOICE_FIELDS} }} {ERRORS} }} }}"""


def invoice_input(setup: InvoiceSetup, **values: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "legalEntity": "USPM",
        "vendorId": setup.gid("Vendor", setup.vendor.id),
        "number": f"INV-{uuid.uuid4().hex[:6]}",
        "invoiceDate": TODAY.isoformat(),
        "subcontractId": setup.gid("Subcontract", setup.subcontract.id),
    }
    base.update(values)
    return {key: value for key, value in base.items() if value is not None}


def line_input(setup: InvoiceSetup, **values: Any) -> dict[str, Any]:
    """Subcontract line 1 (project, task, category defaulted), 3 Days last month."""
    base: dict[str, Any] = {
        "date": LAST_MONTH_DAY.isoformat(),
        "subcontractLineId": setup.gid("SubcontractLine", setup.ordered[0].id),
        "quantity": "3",
        "name": "Design work",
    }
    base.update(values)
    return {key: value for key, value in base.items() if value is not None}


def amount(value: str) -> Decimal:
    return Decimal(value)


@pytest.fixture
async def setup(session: AsyncSession, world: World) -> InvoiceSetup:
    """The purchasing world, as the vendor invoice tests call it."""
    return await invoice_setup(session, world)


async def create_invoice(client: GraphQLClient, setup: InvoiceSetup, **values: Any) -> str:
    payload = await client.mutate(
        CREATE, {"input": invoice_input(setup, **values)}, token=setup.token()
    )
    assert payload["errors"] == [], payload
    invoice_id: str = payload["vendorInvoice"]["id"]
    return invoice_id


async def add_line(
    client: GraphQLClient, setup: InvoiceSetup, invoice_id: str, **values: Any
) -> dict[str, Any]:
    payload = await client.mutate(
        ADD_LINE, {"input": {"invoiceId": invoice_id, **line_input(setup, **values)}}, setup.token()
    )
    return payload


async def counts(session: AsyncSession) -> tuple[int, int]:
    invoices = await session.scalar(select(func.count()).select_from(VendorInvoice))
    lines = await session.scalar(select(func.count()).select_from(VendorInvoiceLine))
    return int(invoices or 0), int(lines or 0)
