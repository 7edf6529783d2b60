"""Rows of vendors, subcontracts, vendor invoices, their lines, matches, actuals and vouchers,
inserted directly with the models (V1-V9): the read tests need every shape of the data, not
the mutations that make it (those have tests of their own)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.actuals import Actual, ActualSource, ActualType
from db.models.categories import TransactionClass
from db.models.ledger import Voucher, VoucherLine, VoucherSource
from db.models.vendor_invoices import (
    InvoiceStatus,
    Subcontract,
    SubcontractLine,
    Vendor,
    VendorInvoice,
    VendorInvoiceLine,
    VendorInvoiceLineMatch,
    VerificationStatus,
)
from tests.support.world import TODAY, World

R = TypeVar("R")


async def _added(session: AsyncSession, row: R) -> R:
    session.add(row)
    await session.flush()
    return row


async def vendor(
    session: AsyncSession,
    world: World,
    code: str,
    *,
    entity: str = "USPM",
    currency: str | None = "USD",
) -> Vendor:
    row = Vendor(
        legal_entity_id=world.entity_id(entity),
        code=code,
        name=f"Vendor {code}",
        currency_code=currency,
    )
    return await _added(session, row)


async def subcontract(
    session: AsyncSession, of: Vendor, number: str, lines: list[dict[str, Any]]
) -> tuple[Subcontract, list[SubcontractLine]]:
    """A subcontract in the vendor's currency with `lines` (SubcontractLine columns), numbered
    from 1 in the order given."""
    head = Subcontract(
        legal_entity_id=of.legal_entity_id,
        vendor_id=of.id,
        number=number,
        currency_code=of.currency_code or "USD",
    )
    await _added(session, head)
    rows = [
        SubcontractLine(
            legal_entity_id=of.legal_entity_id,
            subcontract_id=head.id,
            line_number=number_,
            description=f"{number} line {number_}",
            **values,
        )
        for number_, values in enumerate(lines, start=1)
    ]
    session.add_all(rows)
    await session.flush()
    return head, rows


async def invoice(
    session: AsyncSession,
    of: Vendor,
    number: str,
    *,
    status: InvoiceStatus = InvoiceStatus.DRAFT,
    contract: Subcontract | None = None,
    invoice_date: dt.date = TODAY,
) -> VendorInvoice:
    row = VendorInvoice(
        legal_entity_id=of.legal_entity_id,
        vendor_id=of.id,
        subcontract_id=contract.id if contract else None,
        number=number,
        invoice_date=invoice_date,
        currency_code=of.currency_code or "USD",
        status=status,
        description=f"Invoice {number}",
    )
    if status in (InvoiceStatus.CONFIRMED, InvoiceStatus.CANCELED):
        row.accounting_date = invoice_date
        row.confirmed_at = dt.datetime.combine(invoice_date, dt.time(9, 30), dt.UTC)
    if status == InvoiceStatus.CANCELED:
        row.canceled_at = dt.datetime.combine(invoice_date, dt.time(17, 5, 1, 250), dt.UTC)
    return await _added(session, row)


async def line(
    session: AsyncSession,
    of: VendorInvoice,
    *,
    project_id: int,
    transaction_category_id: int,
    subtotal: str = "100.00",
    sales_tax: str = "0",
    date: dt.date = TODAY,
    verification: VerificationStatus = VerificationStatus.NOT_STARTED,
    **columns: Any,
) -> VendorInvoiceLine:
    """The next line of the invoice (any other VendorInvoiceLine column in `columns`); the
    invoice's totals grow by it (V5)."""
    count = select(func.count()).where(VendorInvoiceLine.invoice_id == of.id)
    row = VendorInvoiceLine(
        legal_entity_id=of.legal_entity_id,
        invoice_id=of.id,
        line_number=(await session.scalar(count) or 0) + 1,
        project_id=project_id,
        transaction_category_id=transaction_category_id,
        date=date,
        subtotal=Decimal(subtotal),
        sales_tax=Decimal(sales_tax),
        total=Decimal(subtotal) + Decimal(sales_tax),
        verification_status=verification,
        **columns,
    )
    await _added(session, row)
    of.subtotal += row.subtotal
    of.sales_tax += row.sales_tax
    of.total += row.total
    await session.flush()
    return row


async def cost_actual(
    session: AsyncSession, of: VendorInvoiceLine, *, reverses: Actual | None = None
) -> Actual:
    """The cost actual confirming makes from the line (V7), or the reversal of one (V8)."""
    sign = -1 if reverses is not None else 1
    quantity = of.quantity if of.quantity is not None else Decimal(1)
    invoice_row = await session.get(VendorInvoice, of.invoice_id)
    assert invoice_row is not None
    row = Actual(
        legal_entity_id=of.legal_entity_id,
        actual_type=ActualType.COST,
        transaction_class=TransactionClass.EXPENSE,
        source_type=ActualSource.VENDOR_INVOICE,
        vendor_invoice_line_id=of.id,
        project_id=of.project_id,
        task_id=of.task_id,
        transaction_category_id=of.transaction_category_id,
        transaction_date=of.date,
        quantity=sign * quantity,
        unit_id=of.unit_id,
        currency_code=invoice_row.currency_code,
        unit_amount=of.unit_price if of.unit_price is not None else of.subtotal,
        amount=sign * of.subtotal,
        reverses_actual_id=reverses.id if reverses else None,
        description=of.name,
    )
    return await _added(session, row)


async def match(
    session: AsyncSession, of: VendorInvoiceLine, actual_id: int
) -> VendorInvoiceLineMatch:
    row = VendorInvoiceLineMatch(
        legal_entity_id=of.legal_entity_id, invoice_line_id=of.id, actual_id=actual_id
    )
    return await _added(session, row)


async def voucher(
    session: AsyncSession, world: World, of: VendorInvoice, *, reverses: Voucher | None = None
) -> Voucher:
    """The balanced confirmation voucher of the invoice's total (V7), or its reversal (V8)."""
    entity = of.legal_entity_id
    accounts = next(c.accounts for c in world.companies.values() if c.entity.id == entity)
    sides = ("credit", "debit") if reverses else ("debit", "credit")
    head = Voucher(
        legal_entity_id=entity,
        number=f"VI-{of.id}-{'R' if reverses else 'C'}",
        accounting_date=of.accounting_date or of.invoice_date,
        source_type=VoucherSource.REVERSAL if reverses else VoucherSource.VENDOR_INVOICE,
        vendor_invoice_id=of.id,
        reverses_voucher_id=reverses.id if reverses else None,
        description=f"Vendor invoice {of.number}",
    )
    await _added(session, head)
    for role, side in zip(("procurement_integration", "vendor_payable"), sides, strict=True):
        session.add(
            VoucherLine(
                legal_entity_id=entity,
                voucher_id=head.id,
                account_id=accounts[role].id,
                currency_code=of.currency_code,
                amount_currency=of.total,
                exchange_rate=Decimal(1),
                **{side: of.total},
            )
        )
    await session.flush()
    return head


async def documents(
    session: AsyncSession, world: World, of: VendorInvoice, lines: list[VendorInvoiceLine]
) -> None:
    """What confirming made (V7: the voucher, a cost actual per line) and, for a canceled
    invoice, what canceling made (V8: their reversals)."""
    canceled = of.status == InvoiceStatus.CANCELED
    if of.status not in (InvoiceStatus.CONFIRMED, InvoiceStatus.CANCELED):
        return
    confirmed = await voucher(session, world, of)
    for row in lines:
        cost = await cost_actual(session, row)
        if canceled:
            await cost_actual(session, row, reverses=cost)
    if canceled:
        await voucher(session, world, of, reverses=confirmed)
