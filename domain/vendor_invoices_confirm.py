"""V7: confirming an In review vendor invoice (accountant).

One balanced voucher (vendor_invoices_voucher.py), one cost actual per line and the unbilled
sales of the lines linked to them (vendor_invoices_actuals.py), then the reversal of every
actual matched to the lines (A1), so the project counts each cost once, at the invoice's
amount. Every check runs before the first write: the lines are all verified Complete, the
accounting date is in an Open period (M5, L4), accounts and rates exist, every matched actual
is still adjustable. The resolver's transaction rolls back on any error: nothing is written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.actuals import Actual
from db.models.ledger import VoucherSource
from db.models.vendor_invoices import (
    InvoiceStatus,
    VendorInvoice,
    VendorInvoiceLine,
    VendorInvoiceLineMatch,
    VerificationStatus,
)
from domain.actors import Actor
from domain.actuals import require_reversible, reverse
from domain.errors import DomainError, ErrorCode
from domain.ledger import require_open_period
from domain.vendor_invoices import locked_invoice, require_procurement, require_state
from domain.vendor_invoices_actuals import invoice_actuals
from domain.vendor_invoices_voucher import (
    VoucherHeader,
    invoice_label,
    invoice_voucher,
    post_voucher,
)


@dataclass(frozen=True)
class Confirmation:
    invoice_id: int
    accounting_date: dt.date
    now: dt.datetime


async def invoice_lines(session: AsyncSession, invoice_id: int) -> list[VendorInvoiceLine]:
    rows = await session.scalars(
        select(VendorInvoiceLine)
        .where(VendorInvoiceLine.invoice_id == invoice_id)
        .order_by(VendorInvoiceLine.line_number)
    )
    return list(rows)


def _require_verified(invoice: VendorInvoice, lines: list[VendorInvoiceLine]) -> None:
    """V6: confirm needs at least one line and every line Complete."""
    if not lines:
        raise DomainError(
            ErrorCode.REQUIRED, f"Vendor invoice {invoice.number} has no lines.", ["id"]
        )
    pending = [
        str(line.line_number)
        for line in lines
        if line.verification_status != VerificationStatus.COMPLETE
    ]
    if pending:
        raise DomainError(
            ErrorCode.INVALID_STATE,
            f"Vendor invoice {invoice.number} has lines not verified Complete: "
            f"{', '.join(pending)}.",
            ["id"],
        )


async def _matched_actuals(session: AsyncSession, lines: list[VendorInvoiceLine]) -> list[Actual]:
    """The actuals matched to the lines, locked and still adjustable: one reversed meanwhile
    refuses the confirm (ALREADY_REVERSED) rather than count its cost twice."""
    rows = await session.scalars(
        select(Actual)
        .join(VendorInvoiceLineMatch, VendorInvoiceLineMatch.actual_id == Actual.id)
        .where(VendorInvoiceLineMatch.invoice_line_id.in_([line.id for line in lines]))
        .order_by(Actual.id)
        .with_for_update(of=Actual)
    )
    matched = list(rows)
    for actual in matched:
        require_reversible(actual)
    return matched


async def confirm_vendor_invoice(
    session: AsyncSession, actor: Actor, data: Confirmation
) -> VendorInvoice:
    require_procurement(actor)
    invoice = await locked_invoice(session, actor, data.invoice_id)
    require_state(invoice, InvoiceStatus.IN_REVIEW)
    lines = await invoice_lines(session, invoice.id)
    _require_verified(invoice, lines)
    await require_open_period(session, invoice.legal_entity_id, data.accounting_date)
    matched = await _matched_actuals(session, lines)
    draft = await invoice_voucher(session, invoice, lines)
    actuals = await invoice_actuals(session, invoice, lines)
    # Every check has passed: the writes.
    header = VoucherHeader(
        accounting_date=data.accounting_date,
        posted_at=data.now,
        source=VoucherSource.VENDOR_INVOICE,
        description=await invoice_label(session, invoice),
    )
    await post_voucher(session, invoice, draft, header)
    session.add_all(actuals)
    for actual in matched:
        await reverse(session, actor, actual)
    invoice.status = InvoiceStatus.CONFIRMED.value
    invoice.accounting_date = data.accounting_date
    invoice.confirmed_at = data.now
    await session.flush()
    return invoice
