"""Resolvers of the vendor invoice mutations that record an invoice and its lines (V1-V6):
one transaction each (`run_mutation`), domain errors returned as payload errors."""

from __future__ import annotations

from db.models.vendor_invoices import VendorInvoice, VendorInvoiceLine
from domain import vendor_invoices_header as header
from domain import vendor_invoices_lines as lines
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
