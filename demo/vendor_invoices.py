"""Demo purchasing (V1-V9): a vendor and its subcontract for equipment rental on the
time-and-material project, priced by two consecutive purchase price lists in calendar days
and weeks (Week = 7 Day, M3), and one Draft vendor invoice ready to verify and confirm.

The invoice goes through the domain like a user's, so its defaults, prices and totals are
exactly what the API would have made.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.master_data import BillingType, Project, Task
from db.models.prices import PriceContext, PriceList, PriceListLine, ProjectPriceList
from db.models.vendor_invoices import Subcontract, SubcontractLine, Vendor
from demo.catalog import Catalog
from demo.companies import DemoCompany, month_start
from domain.actors import Actor
from domain.vendor_invoices_header import NewVendorInvoice, create_vendor_invoice
from domain.vendor_invoices_lines import InvoiceLineData, add_vendor_invoice_line

RENTAL = "RENTAL"
# (name, valid from, valid to, unit, price): last month and before per day, from this month
# on per week, so a line's price depends on its own date and is converted between units.
PRICE_PERIODS = (
    ("rental purchase prices until last month", -13, -1, "CAL-DAY", Decimal("115")),
    ("rental purchase prices", 0, None, "CAL-WEEK", Decimal("770")),
)


async def _price_lists(
    session: AsyncSession, company: DemoCompany, catalog: Catalog, project: Project, today: dt.date
) -> None:
    entity = company.entity
    for name, start, end, unit, price in PRICE_PERIODS:
        price_list = PriceList(
            legal_entity_id=entity.id,
            name=f"{entity.code} {name}",
            context=PriceContext.PURCHASE.value,
            currency_code=entity.currency_code,
            valid_from=month_start(today, start),
            valid_to=month_start(today, end + 1) - dt.timedelta(days=1)
            if end is not None
            else None,
        )
        session.add(price_list)
        await session.flush()
        session.add_all(
            [
                PriceListLine(
                    legal_entity_id=entity.id,
                    price_list_id=price_list.id,
                    transaction_category_id=catalog.categories[RENTAL].id,
                    unit_id=catalog.units[unit].id,
                    pricing_method="per_unit",
                    price=price,
                ),
                ProjectPriceList(
                    legal_entity_id=entity.id, project_id=project.id, price_list_id=price_list.id
                ),
            ]
        )
    await session.flush()


async def _subcontract(
    session: AsyncSession, company: DemoCompany, catalog: Catalog, project: Project, task: Task
) -> tuple[Vendor, Subcontract, list[SubcontractLine]]:
    entity = company.entity
    vendor = Vendor(
        legal_entity_id=entity.id,
        code=f"{entity.code}-V001",
        name=f"{entity.code} Equipment Rentals",
        currency_code=entity.currency_code,
    )
    session.add(vendor)
    await session.flush()
    subcontract = Subcontract(
        legal_entity_id=entity.id,
        vendor_id=vendor.id,
        number=f"{entity.code}-SC-001",
        currency_code=entity.currency_code,
    )
    session.add(subcontract)
    await session.flush()
    category = catalog.categories[RENTAL].id
    ordered = [
        ("Crane for the implementation", task.id, "CAL-WEEK", Decimal(4), Decimal(770)),
        ("Site office container", None, "CAL-DAY", Decimal(30), Decimal(115)),
    ]
    lines = [
        SubcontractLine(
            legal_entity_id=entity.id,
            subcontract_id=subcontract.id,
            line_number=number,
            project_id=project.id,
            task_id=task_id,
            transaction_category_id=category,
            description=description,
            quantity=quantity,
            unit_id=catalog.units[unit].id,
            unit_price=price,
        )
        for number, (description, task_id, unit, quantity, price) in enumerate(ordered, start=1)
    ]
    session.add_all(lines)
    await session.flush()
    return vendor, subcontract, lines


async def add_purchasing(
    session: AsyncSession,
    company: DemoCompany,
    catalog: Catalog,
    projects: list[Project],
    actor: Actor,
    today: dt.date,
) -> None:
    project = next(p for p in projects if p.billing_type == BillingType.TIME_AND_MATERIAL)
    task = await session.scalar(select(Task).where(Task.project_id == project.id, Task.code == "2"))
    assert task is not None, "demo projects have tasks 1-3"
    await _price_lists(session, company, catalog, project, today)
    vendor, subcontract, ordered = await _subcontract(session, company, catalog, project, task)
    code = company.entity.code
    invoice = await create_vendor_invoice(
        session,
        actor,
        NewVendorInvoice(code, vendor.id, f"{code}-RENT-0001", today, None, subcontract.id),
    )
    last_month = month_start(today, -1) + dt.timedelta(days=19)
    # Both prices are converted: this month's list is per week, last month's per day.
    lines = (
        InvoiceLineData(
            today, subcontract_line_id=ordered[0].id, quantity=Decimal(10), name="Crane",
            sales_tax=Decimal("110.00"),
        ),
        InvoiceLineData(
            last_month, subcontract_line_id=ordered[1].id, quantity=Decimal(2),
            unit_id=catalog.units["CAL-WEEK"].id, name="Site office", sales_tax=Decimal("161.00"),
        ),
    )  # fmt: skip
    for line in lines:
        await add_vendor_invoice_line(session, actor, invoice.id, line)
