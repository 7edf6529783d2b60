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
from db.models.master_data import BillingType, Currency, Project
from db.models.prices import PriceContext
from db.models.vendor_invoices import VendorInvoice, VendorInvoiceLine
from domain.expenses_lines import round_money
from domain.prices import applicable_price_list, price_for, round_price
from domain.rates import rate_on


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
    """Priced like an expense's unbilled sales: the unit cost in the list's currency at the
    line date's rate (M6); no price gives 0 with the warning, never a silent 0 (M4)."""
    price_list = await applicable_price_list(
        session, project_id=line.project_id, context=PriceContext.SALES, date=line.date
    )
    cost = _unit_cost(line)
    if price_list is not None and price_list.currency_code != invoice.currency_code:
        rate = await rate_on(session, invoice.currency_code, price_list.currency_code, line.date)
        cost = round_price(cost * rate)
    price = await price_for(
        session,
        project_id=line.project_id,
        context=PriceContext.SALES,
        transaction_category_id=line.transaction_category_id,
        unit_id=line.unit_id,
        date=line.date,
        cost_unit_amount=cost,
    )
    currency = await session.get_one(Currency, price.currency_code or invoice.currency_code)
    return Actual(
        **_base(invoice, line),
        actual_type=ActualType.UNBILLED_SALES.value,
        currency_code=currency.code,
        unit_amount=price.unit_price,
        amount=round_money(_quantity(line) * price.unit_price, currency.decimals),
        pricing_warning=price.warning,
    )


def linked_to_sales(line: VendorInvoiceLine) -> bool:
    """V7: the seed links a line's cost to unbilled sales through its task or subcontract line."""
    return line.task_id is not None or line.subcontract_line_id is not None


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
