"""V7: the actuals a confirmed vendor invoice records on its projects.

One cost actual per line, at the subtotal in the invoice's currency: the journal converts it
at the line date's rate exactly as the voucher converted the procurement debit, so the
integration account clears (L5). A line with a task or a subcontract line is linked to the
project's unbilled sales: on a time-and-material project it also gets one unbilled sales
actual, priced by the project's sales price list valid on the line's date (per unit, at cost
or at a markup over cost, M4), as expense actuals are. A line with neither gets no sales
actual (the seed's warning, which the line shows). The rows are built here and written by the
caller after every check, so a missing rate refuses the confirm with nothing written.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.actuals import Actual, ActualSource, ActualType, AdjustmentStatus
from db.models.categories import TransactionClass
from db.models.master_data import BillingType, Project
from db.models.vendor_invoices import VendorInvoice, VendorInvoiceLine
from domain.prices import round_price
from domain.prices_sales import SalesQuery, unbilled_sales
from domain.vendor_invoices_warnings import linked_to_sales


def _quantity(line: VendorInvoiceLine) -> Decimal:
    """A line invoiced without quantity counts as one unit of its subtotal."""
    return line.quantity if line.quantity is not None else Decimal(1)


def _unit_cost(line: VendorInvoiceLine) -> Decimal:
    if line.unit_price is not None:
        return line.unit_price
    return round_price(line.subtotal / _quantity(line))  # a quantity is > 0 (V5)


def _base(invoice: VendorInvoice, line: VendorInvoiceLine) -> dict[str, Any]:
    return {
        "legal_entity_id": line.legal_entity_id,
        "transaction_class": TransactionClass.EXPENSE.value,
        "source_type": ActualSource.VENDOR_INVOICE.value,
        "vendor_invoice_line_id": line.id,
        "project_id": line.project_id,
        "task_id": line.task_id,
        "transaction_category_id": line.transaction_category_id,
        "transaction_date": line.date,
        "quantity": _quantity(line),
        "unit_id": line.unit_id,
        "adjustment_status": AdjustmentStatus.ADJUSTABLE.value,
        "description": f"Vendor invoice {invoice.number} line {line.line_number}",
    }


def _cost(invoice: VendorInvoice, line: VendorInvoiceLine) -> Actual:
    return Actual(
        **_base(invoice, line),
        actual_type=ActualType.COST.value,
        currency_code=invoice.currency_code,
        unit_amount=_unit_cost(line),
        amount=line.subtotal,
    )


async def _sales(session: AsyncSession, invoice: VendorInvoice, line: VendorInvoiceLine) -> Actual:
    """Priced like an expense's unbilled sales (domain/prices_sales.py)."""
    query = SalesQuery(
        project_id=line.project_id,
        transaction_category_id=line.transaction_category_id,
        unit_id=line.unit_id,
        date=line.date,
        quantity=_quantity(line),
        unit_cost=_unit_cost(line),
        cost_currency=invoice.currency_code,
    )
    sales = await unbilled_sales(session, query)
    return Actual(
        **_base(invoice, line),
        actual_type=ActualType.UNBILLED_SALES.value,
        currency_code=sales.currency_code,
        unit_amount=sales.unit_amount,
        amount=sales.amount,
        pricing_warning=sales.pricing_warning,
    )


async def invoice_actuals(
    session: AsyncSession, invoice: VendorInvoice, lines: list[VendorInvoiceLine]
) -> list[Actual]:
    """The actuals of the lines, not yet added to the session: per line its cost, then its
    unbilled sales when it has them."""
    project_ids = {line.project_id for line in lines}
    rows = await session.execute(
        select(Project.id, Project.billing_type).where(Project.id.in_(project_ids))
    )
    billing = {project_id: billing_type for project_id, billing_type in rows}
    actuals = []
    for line in lines:
        actuals.append(_cost(invoice, line))
        if linked_to_sales(line) and billing[line.project_id] == BillingType.TIME_AND_MATERIAL:
            actuals.append(await _sales(session, invoice, line))
    return actuals
