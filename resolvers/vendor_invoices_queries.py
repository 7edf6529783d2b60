"""Resolvers of the vendor invoice lists: vendors, subcontracts and vendor invoices with their
filters, one keyset page each (M1 through `visible_rows`).

Nested objects (lines, matched actuals, vouchers) are loaded by the schema types through
`info.context.loaders`, so a page costs the same number of statements whatever its size.
The compiled path (`compiler/vendor_invoices_roots.py`) renders these same filters as SQL.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, exists, not_, select

from db.models.master_data import LegalEntity
from db.models.vendor_invoices import (
    InvoiceStatus,
    Subcontract,
    Vendor,
    VendorInvoice,
    VendorInvoiceLine,
    VerificationStatus,
)
from domain.actors import Actor
from domain.scope import visible_rows
from resolvers.context import Context
from resolvers.pagination import Page, Window, keyset_page


@dataclass(frozen=True)
class VendorFilter:
    legal_entity: str | None = None
    code: str | None = None


@dataclass(frozen=True)
class SubcontractFilter:
    legal_entity: str | None = None
    vendor_id: int | None = None
    number: str | None = None


@dataclass(frozen=True)
class InvoiceFilter:
    legal_entity: str | None = None
    vendor_id: int | None = None
    status: InvoiceStatus | None = None
    subcontract_id: int | None = None
    project_id: int | None = None
    from_date: dt.date | None = None
    to_date: dt.date | None = None
    has_unverified_lines: bool | None = None
    number: str | None = None


def _of_entity(column: Any, code: str) -> ColumnElement[bool]:
    """Rows of the legal entity whose code is `code`, compared upper-cased as elsewhere; a
    code that is not the caller's finds nothing (the visibility rule still applies)."""
    entity = select(LegalEntity.id).where(LegalEntity.code == code.upper()).scalar_subquery()
    result: ColumnElement[bool] = column == entity
    return result


def _visible(model: type[Any], actor: Actor) -> list[ColumnElement[bool]]:
    rule = visible_rows(model, actor)
    return [rule] if rule is not None else []


def _has_line(*conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    return exists().where(VendorInvoiceLine.invoice_id == VendorInvoice.id, *conditions)


def vendor_filters(actor: Actor, data: VendorFilter) -> list[ColumnElement[bool]]:
    clauses = _visible(Vendor, actor)
    if data.legal_entity is not None:
        clauses.append(_of_entity(Vendor.legal_entity_id, data.legal_entity))
    if data.code is not None:
        clauses.append(Vendor.code == data.code)
    return clauses


def subcontract_filters(actor: Actor, data: SubcontractFilter) -> list[ColumnElement[bool]]:
    clauses = _visible(Subcontract, actor)
    if data.legal_entity is not None:
        clauses.append(_of_entity(Subcontract.legal_entity_id, data.legal_entity))
    if data.vendor_id is not None:
        clauses.append(Subcontract.vendor_id == data.vendor_id)
    if data.number is not None:
        clauses.append(Subcontract.number == data.number)
    return clauses


def invoice_filters(actor: Actor, data: InvoiceFilter) -> list[ColumnElement[bool]]:
    clauses = _visible(VendorInvoice, actor)
    if data.legal_entity is not None:
        clauses.append(_of_entity(VendorInvoice.legal_entity_id, data.legal_entity))
    if data.vendor_id is not None:
        clauses.append(VendorInvoice.vendor_id == data.vendor_id)
    if data.status is not None:
        clauses.append(VendorInvoice.status == data.status)
    if data.subcontract_id is not None:
        clauses.append(VendorInvoice.subcontract_id == data.subcontract_id)
    if data.number is not None:
        clauses.append(VendorInvoice.number == data.number)
    if data.project_id is not None:
        clauses.append(_has_line(VendorInvoiceLine.project_id == data.project_id))
    # One line inside the range, not one line after its start and another before its end.
    dated: list[ColumnElement[bool]] = []
    if data.from_date is not None:
        dated.append(VendorInvoiceLine.date >= data.from_date)
    if data.to_date is not None:
        dated.append(VendorInvoiceLine.date <= data.to_date)
    if dated:
        clauses.append(_has_line(*dated))
    if data.has_unverified_lines is not None:
        unverified = _has_line(VendorInvoiceLine.verification_status != VerificationStatus.COMPLETE)
        clauses.append(unverified if data.has_unverified_lines else not_(unverified))
    return clauses


async def vendors(context: Context, data: VendorFilter, *, window: Window) -> Page[Vendor]:
    statement = select(Vendor).where(*vendor_filters(context.actor, data))
    return await keyset_page(context, statement, window)


async def subcontracts(
    context: Context, data: SubcontractFilter, *, window: Window
) -> Page[Subcontract]:
    statement = select(Subcontract).where(*subcontract_filters(context.actor, data))
    return await keyset_page(context, statement, window)


async def vendor_invoices(
    context: Context,
    data: InvoiceFilter,
    *,
    window: Window,
) -> Page[VendorInvoice]:
    statement = select(VendorInvoice).where(*invoice_filters(context.actor, data))
    return await keyset_page(context, statement, window)


async def vendor_invoice(context: Context, invoice_id: int) -> VendorInvoice | None:
    """One invoice, or None when it is not the caller's to see (the loader applies M1)."""
    return await context.loaders.by_id(VendorInvoice).load(invoice_id)
