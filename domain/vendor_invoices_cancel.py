"""V8: canceling a Confirmed vendor invoice (accountant), the only way to Canceled (V1).

The ledger and the projects are corrected, never rewritten (L3, A1): a reversal voucher
mirrors the confirm's voucher (debits and credits swapped, source amounts negated) under a
new number, dated the accounting date in an Open period (L4), and every actual of the lines
that is still adjustable gets its reversal. The costs the confirm reversed stay reversed: the
invoice replaced them, and canceling it does not bring them back.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.actuals import Actual, AdjustmentStatus
from db.models.ledger import Voucher, VoucherSource
from db.models.vendor_invoices import InvoiceStatus, VendorInvoice, VendorInvoiceLine
from domain.actors import Actor
from domain.actuals import reverse
from domain.errors import DomainError, ErrorCode
from domain.ledger import require_open_period
from domain.vendor_invoices import locked_invoice, require_procurement, require_state
from domain.vendor_invoices_voucher import (
    VoucherDraft,
    VoucherHeader,
    invoice_label,
    mirrored,
    post_voucher,
    voucher_lines,
    voucher_sequence,
)


@dataclass(frozen=True)
class Cancellation:
    invoice_id: int
    accounting_date: dt.date
    now: dt.datetime


async def _confirm_voucher(session: AsyncSession, invoice: VendorInvoice) -> Voucher:
    voucher = await session.scalar(
        select(Voucher).where(
            Voucher.vendor_invoice_id == invoice.id,
            Voucher.source_type == VoucherSource.VENDOR_INVOICE,
        )
    )
    if voucher is None:  # every confirm posts one: only rows written around it lack it
        raise DomainError(
            ErrorCode.INVALID_STATE,
            f"Vendor invoice {invoice.number} has no voucher to reverse.",
            ["id"],
        )
    return voucher


async def _adjustable_actuals(session: AsyncSession, invoice: VendorInvoice) -> list[Actual]:
    """The lines' actuals not reversed yet (one reversed by hand stays as it is), locked."""
    rows = await session.scalars(
        select(Actual)
        .join(VendorInvoiceLine, VendorInvoiceLine.id == Actual.vendor_invoice_line_id)
        .where(
            VendorInvoiceLine.invoice_id == invoice.id,
            Actual.reverses_actual_id.is_(None),
            Actual.adjustment_status == AdjustmentStatus.ADJUSTABLE,
        )
        .order_by(Actual.id)
        .with_for_update(of=Actual)
    )
    return list(rows)


async def cancel_vendor_invoice(
    session: AsyncSession, actor: Actor, data: Cancellation
) -> VendorInvoice:
    require_procurement(actor)
    invoice = await locked_invoice(session, actor, data.invoice_id)
    require_state(invoice, InvoiceStatus.CONFIRMED)
    await require_open_period(session, invoice.legal_entity_id, data.accounting_date)
    original = await _confirm_voucher(session, invoice)
    draft = VoucherDraft(
        await voucher_sequence(session, invoice.legal_entity_id),
        mirrored(await voucher_lines(session, original.id)),
    )
    actuals = await _adjustable_actuals(session, invoice)
    # Every check has passed: the writes.
    header = VoucherHeader(
        accounting_date=data.accounting_date,
        posted_at=data.now,
        source=VoucherSource.REVERSAL,
        description=f"Reversal of {await invoice_label(session, invoice)}",
        reverses_voucher_id=original.id,
    )
    await post_voucher(session, invoice, draft, header)
    for actual in actuals:
        await reverse(session, actor, actual)
    invoice.status = InvoiceStatus.CANCELED.value
    invoice.canceled_at = data.now
    await session.flush()
    return invoice
