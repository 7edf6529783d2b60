"""Resolvers of the mutations that record vendors, subcontracts, invoices and lines (V1-V6):
one transaction each (`run_mutation`), domain errors returned as payload errors."""

from __future__ import annotations

from db.models.vendor_invoices import Subcontract, Vendor, VendorInvoice, VendorInvoiceLine
from domain import vendor_invoices_header as header
from domain import vendor_invoices_lines as lines
from domain import vendor_invoices_parties as parties
from resolvers.context import Context
from resolvers.mutations import Outcome, run_mutation


async def create_vendor_invoice(
    context: Context, data: header.NewVendorInvoice
) -> Outcome[VendorInvoice]:
    return await run_mutation(
        context, lambda session, actor: header.create_vendor_invoice(session, actor, data)
    )


async def update_vendor_invoice(
    context: Context, data: header.InvoiceChanges
) -> Outcome[VendorInvoice]:
    return await run_mutation(
        context, lambda session, actor: header.update_vendor_invoice(session, actor, data)
    )


async def add_vendor_invoice_line(
    context: Context, invoice_id: int, data: lines.InvoiceLineData
) -> Outcome[VendorInvoiceLine]:
    return await run_mutation(
        context,
        lambda session, actor: lines.add_vendor_invoice_line(session, actor, invoice_id, data),
    )


async def update_vendor_invoice_line(
    context: Context, change: lines.InvoiceLineChange
) -> Outcome[VendorInvoiceLine]:
    return await run_mutation(
        context, lambda session, actor: lines.update_vendor_invoice_line(session, actor, change)
    )


async def delete_vendor_invoice_line(context: Context, line_id: int) -> Outcome[VendorInvoice]:
    return await run_mutation(
        context, lambda session, actor: lines.delete_vendor_invoice_line(session, actor, line_id)
    )


async def create_vendor(context: Context, data: parties.NewVendor) -> Outcome[Vendor]:
    return await run_mutation(
        context, lambda session, actor: parties.create_vendor(session, actor, data)
    )


async def create_subcontract(
    context: Context, data: parties.NewSubcontract
) -> Outcome[Subcontract]:
    return await run_mutation(
        context, lambda session, actor: parties.create_subcontract(session, actor, data)
    )
