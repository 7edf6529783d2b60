"""Vendor invoice lines for expense categories (V2-V6): added, replaced and deleted while the
invoice is Draft or In review and the line's verification has not started.

Every field is checked against the invoice, all failures reported together; the header's
totals are the sums of its lines after every change (V5).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.master_data import Currency
from db.models.vendor_invoices import VendorInvoice, VendorInvoiceLine, VerificationStatus
from domain.actors import Actor
from domain.errors import DomainError, DomainErrors, ErrorCode
from domain.scope import in_callers_entities
from domain.validation import check_date
from domain.vendor_invoices import EDITABLE, locked_invoice, require_procurement, require_state
from domain.vendor_invoices_checks import CheckedLine, check_line


@dataclass(frozen=True)
class InvoiceLineData:
    """A whole line as entered; blank fields default (V2, V4) or are computed (V5)."""

    date: dt.date
    project_id: int | None = None
    subcontract_line_id: int | None = None
    task_id: int | None = None
    transaction_category_id: int | None = None
    quantity: Decimal | None = None
    unit_id: int | None = None
    unit_price: Decimal | None = None
    subtotal: Decimal | None = None
    sales_tax: Decimal = Decimal(0)
    name: str = ""
    description: str = ""


@dataclass(frozen=True)
class InvoiceLineChange:
    line_id: int
    data: InvoiceLineData


def _apply(line: VendorInvoiceLine, checked: CheckedLine) -> None:
    for name, value in checked.columns().items():
        setattr(line, name, value)


async def refresh_totals(session: AsyncSession, invoice: VendorInvoice) -> None:
    """V5: the header's amounts are the sums of its lines, in one statement."""

    def total_of(column: Any) -> Any:
        return (
            select(func.coalesce(func.sum(column), 0))
            .where(VendorInvoiceLine.invoice_id == invoice.id)
            .scalar_subquery()
        )

    await session.execute(
        update(VendorInvoice)
        .where(VendorInvoice.id == invoice.id)
        .values(
            subtotal=total_of(VendorInvoiceLine.subtotal),
            sales_tax=total_of(VendorInvoiceLine.sales_tax),
            total=total_of(VendorInvoiceLine.total),
        )
        .execution_options(synchronize_session=False)
    )
    await session.refresh(invoice)


async def _editable(
    session: AsyncSession, actor: Actor, invoice_id: int, field: str
) -> VendorInvoice:
    require_procurement(actor)
    invoice = await locked_invoice(session, actor, invoice_id, field)
    require_state(invoice, *EDITABLE, field=field)
    return invoice


async def _checked(
    session: AsyncSession, invoice: VendorInvoice, data: InvoiceLineData
) -> CheckedLine:
    try:
        date = check_date(data.date, ["date"])
    except DomainError as error:
        raise DomainErrors([error]) from error
    currency = await session.get_one(Currency, invoice.currency_code)
    return await check_line(session, invoice, replace(data, date=date), currency)


async def add_vendor_invoice_line(
    session: AsyncSession, actor: Actor, invoice_id: int, data: InvoiceLineData
) -> VendorInvoiceLine:
    invoice = await _editable(session, actor, invoice_id, "invoiceId")
    checked = await _checked(session, invoice, data)
    # The invoice row is locked, so max + 1 cannot race with another add.
    last = await session.scalar(
        select(func.coalesce(func.max(VendorInvoiceLine.line_number), 0)).where(
            VendorInvoiceLine.invoice_id == invoice.id
        )
    )
    line = VendorInvoiceLine(legal_entity_id=invoice.legal_entity_id, invoice_id=invoice.id)
    line.line_number = int(last or 0) + 1
    _apply(line, checked)
    session.add(line)
    await session.flush()
    await refresh_totals(session, invoice)
    await session.refresh(line)  # the stored values, at the columns' scale
    return line


async def _line_to_edit(
    session: AsyncSession, actor: Actor, line_id: int
) -> tuple[VendorInvoiceLine, VendorInvoice]:
    """V6: a Not started line of an editable invoice of the caller's."""
    require_procurement(actor)
    invoice_id = await session.scalar(
        select(VendorInvoiceLine.invoice_id).where(
            VendorInvoiceLine.id == line_id,
            in_callers_entities(VendorInvoiceLine.legal_entity_id, actor),
        )
    )
    missing = DomainError(ErrorCode.NOT_FOUND, "The vendor invoice line does not exist.", ["id"])
    if invoice_id is None:
        raise missing
    invoice = await locked_invoice(session, actor, invoice_id)
    require_state(invoice, *EDITABLE)
    line = await session.get(VendorInvoiceLine, line_id)  # read after the lock: current
    if line is None:
        raise missing
    if line.verification_status != VerificationStatus.NOT_STARTED:
        status = VerificationStatus(line.verification_status).value.replace("_", " ")
        raise DomainError(
            ErrorCode.INVALID_STATE,
            f"Line {line.line_number} is {status}; only lines whose verification has not "
            "started are edited (V6).",
            ["id"],
        )
    return line, invoice


async def update_vendor_invoice_line(
    session: AsyncSession, actor: Actor, change: InvoiceLineChange
) -> VendorInvoiceLine:
    """Replaces every field of the line (the input is the whole line)."""
    line, invoice = await _line_to_edit(session, actor, change.line_id)
    _apply(line, await _checked(session, invoice, change.data))
    await session.flush()
    await refresh_totals(session, invoice)
    await session.refresh(line)
    return line


async def delete_vendor_invoice_line(
    session: AsyncSession, actor: Actor, line_id: int
) -> VendorInvoice:
    line, invoice = await _line_to_edit(session, actor, line_id)
    await session.delete(line)
    await session.flush()
    await refresh_totals(session, invoice)
    return invoice
