"""V7 and V8 in the ledger: the voucher a confirmed vendor invoice posts, and its mirror when
the invoice is canceled.

Per line: Dr procurement integration = subtotal, Dr input tax = sales tax, both with the line's
project, each converted to the accounting currency at the rate of the line's own date (M6);
Cr vendor payable once per group of lines of one date, its total converted once (E4's rule,
`voucher_entries`), and the conversion residual on the round-off account (L1). The procurement
debit is the line's subtotal converted exactly as the journal converts its cost actual, so the
integration account clears once the journal posts (L5).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.ledger import Voucher, VoucherLine, VoucherSource
from db.models.master_data import Currency, LegalEntity
from db.models.parameters import LegalEntityParameters
from db.models.vendor_invoices import Vendor, VendorInvoice, VendorInvoiceLine
from domain.errors import DomainError, ErrorCode
from domain.expenses_posting import posting_account, voucher_line
from domain.expenses_voucher import Entry, LineToPost, PostingAccounts, voucher_entries
from domain.rates import rate_on
from domain.sequences import next_number


@dataclass(frozen=True)
class VoucherDraft:
    """What a voucher will be, computed before anything is written."""

    sequence_id: int  # the legal entity's voucher number sequence
    entries: list[Entry]


async def voucher_sequence(session: AsyncSession, legal_entity_id: int) -> int:
    params = await session.get_one(LegalEntityParameters, legal_entity_id)
    if params.voucher_sequence_id is None:
        raise DomainError(ErrorCode.INVALID, "The legal entity has no voucher number sequence.")
    return params.voucher_sequence_id


async def invoice_voucher(
    session: AsyncSession, invoice: VendorInvoice, lines: list[VendorInvoiceLine]
) -> VoucherDraft:
    """V7's entries; MISSING_ACCOUNT or MISSING_EXCHANGE_RATE before anything is written."""
    entity = await session.get_one(LegalEntity, invoice.legal_entity_id)
    currency = await session.get_one(Currency, entity.currency_code)
    params = await session.get_one(LegalEntityParameters, entity.id)
    procurement = posting_account(params, "procurement_integration")
    accounts = PostingAccounts(
        input_tax=posting_account(params, "input_tax"),
        payable=posting_account(params, "vendor_payable"),
        round_off=posting_account(params, "round_off"),
        cost_label="procurement",
        payable_label="vendor payable",
    )
    to_post = [
        LineToPost(
            line_number=line.line_number,
            debit_account_id=procurement,
            currency_code=invoice.currency_code,
            rate_date=line.date,
            # M6: the rate valid on the line's date, never the accounting date.
            rate=await rate_on(session, invoice.currency_code, currency.code, line.date),
            cost=line.subtotal,
            recoverable_tax=line.sales_tax,
            label=f"{invoice.number} line {line.line_number}",
            project_id=line.project_id,
        )
        for line in lines
    ]
    entries = voucher_entries(to_post, accounts, currency.code, currency.decimals)
    return VoucherDraft(await voucher_sequence(session, entity.id), entries)


def mirrored(lines: list[VoucherLine]) -> list[Entry]:
    """V8: each line with debit and credit swapped and its source amount negated."""
    return [
        Entry(
            account_id=line.account_id,
            debit=line.credit,
            credit=line.debit,
            currency_code=line.currency_code,
            amount_currency=-line.amount_currency,
            exchange_rate=line.exchange_rate,
            description=f"Reversal: {line.description}",
            project_id=line.project_id,
        )
        for line in lines
    ]


async def voucher_lines(session: AsyncSession, voucher_id: int) -> list[VoucherLine]:
    rows = await session.scalars(
        select(VoucherLine).where(VoucherLine.voucher_id == voucher_id).order_by(VoucherLine.id)
    )
    return list(rows)


async def invoice_label(session: AsyncSession, invoice: VendorInvoice) -> str:
    """Names the invoice as its vendor does: the number is unique per vendor only (V9)."""
    vendor = await session.get_one(Vendor, invoice.vendor_id)
    return f"Vendor invoice {invoice.number} of {vendor.code}"


@dataclass(frozen=True)
class VoucherHeader:
    accounting_date: dt.date
    posted_at: dt.datetime
    source: VoucherSource
    description: str
    reverses_voucher_id: int | None = None


async def post_voucher(
    session: AsyncSession, invoice: VendorInvoice, draft: VoucherDraft, header: VoucherHeader
) -> Voucher:
    """Writes the voucher under a new number of the legal entity's sequence, listed under the
    invoice (`vendor_invoice_id`) whether it posts the invoice or reverses that posting."""
    voucher = Voucher(
        legal_entity_id=invoice.legal_entity_id,
        number=await next_number(session, draft.sequence_id),
        accounting_date=header.accounting_date,
        source_type=header.source.value,
        vendor_invoice_id=invoice.id,
        reverses_voucher_id=header.reverses_voucher_id,
        description=header.description,
        posted_at=header.posted_at,
    )
    session.add(voucher)
    await session.flush()
    session.add_all(voucher_line(voucher, entry) for entry in draft.entries)
    await session.flush()
    return voucher
