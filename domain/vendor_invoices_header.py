"""Creating a vendor invoice and changing its header (V1, V9).

Vendor, subcontract and currency are fixed once the invoice has lines (V1): the lines were
defaulted and priced for them. The invoice number is unique per vendor (V9); the check here
gives the clear error, the unique key settles a race.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.vendor_invoices import (
    InvoiceStatus,
    Subcontract,
    Vendor,
    VendorInvoice,
    VendorInvoiceLine,
)
from domain.actors import Actor
from domain.errors import DomainError, ErrorCode
from domain.master_data import entity_by_code, get_currency
from domain.validation import check_date, require_text
from domain.vendor_invoices import EDITABLE, locked_invoice, require_procurement, require_state

NUMBER_LENGTH = 40  # vendor_invoice.number is VARCHAR(40)


@dataclass(frozen=True)
class NewVendorInvoice:
    legal_entity: str
    vendor_id: int
    number: str
    invoice_date: dt.date
    currency_code: str | None = (
        None  # None: the subcontract's, else the vendor's, else the entity's
    )
    subcontract_id: int | None = None
    description: str = ""


@dataclass(frozen=True)
class InvoiceChanges:
    """None leaves a field as it is."""

    id: int
    number: str | None = None
    invoice_date: dt.date | None = None
    description: str | None = None
    vendor_id: int | None = None
    subcontract_id: int | None = None
    currency_code: str | None = None


async def _vendor(session: AsyncSession, entity_id: int, vendor_id: int) -> Vendor:
    vendor = await session.scalar(
        select(Vendor).where(Vendor.id == vendor_id, Vendor.legal_entity_id == entity_id)
    )
    if vendor is None:
        raise DomainError(ErrorCode.NOT_FOUND, "The vendor does not exist.", ["vendorId"])
    return vendor


async def _subcontract(session: AsyncSession, vendor: Vendor, subcontract_id: int) -> Subcontract:
    subcontract = await session.scalar(
        select(Subcontract).where(
            Subcontract.id == subcontract_id, Subcontract.legal_entity_id == vendor.legal_entity_id
        )
    )
    if subcontract is None:
        raise DomainError(ErrorCode.NOT_FOUND, "The subcontract does not exist.", ["subcontractId"])
    if subcontract.vendor_id != vendor.id:
        raise DomainError(
            ErrorCode.INVALID,
            f"Subcontract {subcontract.number} is not with vendor {vendor.code}.",
            ["subcontractId"],
        )
    return subcontract


async def _currency(
    session: AsyncSession, given: str | None, subcontract: Subcontract | None, default: str
) -> str:
    """The invoice's currency: a subcontract's invoices are in the subcontract's currency."""
    if given is None:
        return subcontract.currency_code if subcontract is not None else default
    currency = await get_currency(session, given, ["currencyCode"])
    if subcontract is not None and currency.code != subcontract.currency_code:
        raise DomainError(
            ErrorCode.INVALID,
            f"Subcontract {subcontract.number} is in {subcontract.currency_code}, "
            f"not {currency.code}.",
            ["currencyCode"],
        )
    return currency.code


async def _free_number(
    session: AsyncSession, vendor_id: int, number: str, invoice_id: int | None = None
) -> str:
    """V9: the number, unless another invoice of the vendor has it."""
    number = require_text(number, ["number"], NUMBER_LENGTH)
    taken = select(VendorInvoice.id).where(
        VendorInvoice.vendor_id == vendor_id, VendorInvoice.number == number
    )
    if invoice_id is not None:
        taken = taken.where(VendorInvoice.id != invoice_id)
    if await session.scalar(taken) is not None:
        raise DomainError(
            ErrorCode.DUPLICATE, f"The vendor has an invoice {number} already (V9).", ["number"]
        )
    return number


def _description(value: str) -> str:
    return require_text(value, ["description"], 1000) if value.strip() else ""


async def create_vendor_invoice(
    session: AsyncSession, actor: Actor, data: NewVendorInvoice
) -> VendorInvoice:
    """A Draft invoice of a vendor of the caller's legal entity."""
    require_procurement(actor)
    entity = await entity_by_code(session, actor, data.legal_entity, ["legalEntity"])
    vendor = await _vendor(session, entity.id, data.vendor_id)
    subcontract = None
    if data.subcontract_id is not None:
        subcontract = await _subcontract(session, vendor, data.subcontract_id)
    default = vendor.currency_code or entity.currency_code
    invoice = VendorInvoice(
        legal_entity_id=entity.id,
        vendor_id=vendor.id,
        subcontract_id=subcontract.id if subcontract else None,
        number=await _free_number(session, vendor.id, data.number),
        invoice_date=check_date(data.invoice_date, ["invoiceDate"]),
        currency_code=await _currency(session, data.currency_code, subcontract, default),
        description=_description(data.description),
        status=InvoiceStatus.DRAFT.value,
    )
    session.add(invoice)
    await session.flush()
    await session.refresh(invoice)  # server defaults and the amounts' scale
    return invoice


async def _refuse_fixed_change(session: AsyncSession, invoice: VendorInvoice) -> None:
    lines = await session.scalar(
        select(func.count()).where(VendorInvoiceLine.invoice_id == invoice.id)
    )
    if lines:
        raise DomainError(
            ErrorCode.INVALID_STATE,
            f"Vendor invoice {invoice.number} has lines: its vendor, subcontract and currency "
            "no longer change (V1).",
            ["id"],
        )


async def update_vendor_invoice(
    session: AsyncSession, actor: Actor, data: InvoiceChanges
) -> VendorInvoice:
    require_procurement(actor)
    invoice = await locked_invoice(session, actor, data.id)
    require_state(invoice, *EDITABLE)
    fixed = (data.vendor_id, data.subcontract_id, data.currency_code)
    if any(value is not None for value in fixed):
        await _refuse_fixed_change(session, invoice)
        vendor = await _vendor(
            session, invoice.legal_entity_id, data.vendor_id or invoice.vendor_id
        )
        subcontract_id = data.subcontract_id or invoice.subcontract_id
        subcontract = (
            await _subcontract(session, vendor, subcontract_id) if subcontract_id else None
        )
        invoice.currency_code = await _currency(
            session, data.currency_code, subcontract, invoice.currency_code
        )
        invoice.vendor_id, invoice.subcontract_id = vendor.id, subcontract_id
    if data.number is not None or data.vendor_id is not None:
        number = data.number if data.number is not None else invoice.number
        invoice.number = await _free_number(session, invoice.vendor_id, number, invoice.id)
    if data.invoice_date is not None:
        invoice.invoice_date = check_date(data.invoice_date, ["invoiceDate"])
    if data.description is not None:
        invoice.description = _description(data.description)
    await session.flush()
    return invoice
