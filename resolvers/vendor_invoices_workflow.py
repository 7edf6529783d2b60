"""Resolvers of the vendor invoice workflow (V1, V6-V8): one transaction per mutation."""

from __future__ import annotations

from db.models.vendor_invoices import VendorInvoice, VendorInvoiceLine
from domain import vendor_invoices_cancel as cancel
from domain import vendor_invoices_confirm as confirm
from domain import vendor_invoices_matching as matching
from domain import vendor_invoices_workflow as workflow
from domain.idempotency import IdempotencyRequest
from resolvers.context import Context
from resolvers.idempotency import row_codec, run_idempotent
from resolvers.mutations import Outcome, run_mutation


async def submit_vendor_invoice(context: Context, invoice_id: int) -> Outcome[VendorInvoice]:
    return await run_mutation(
        context,
        lambda session, actor: workflow.submit_vendor_invoice(session, actor, invoice_id),
    )


async def hold_vendor_invoice(context: Context, data: workflow.Hold) -> Outcome[VendorInvoice]:
    return await run_mutation(
        context, lambda session, actor: workflow.hold_vendor_invoice(session, actor, data)
    )


async def release_vendor_invoice(context: Context, invoice_id: int) -> Outcome[VendorInvoice]:
    return await run_mutation(
        context,
        lambda session, actor: workflow.release_vendor_invoice(session, actor, invoice_id),
    )


async def set_line_verification(
    context: Context, data: workflow.Verification
) -> Outcome[VendorInvoiceLine]:
    return await run_mutation(
        context, lambda session, actor: workflow.set_line_verification(session, actor, data)
    )


async def match_vendor_invoice_line(
    context: Context, data: matching.Matching
) -> Outcome[VendorInvoiceLine]:
    return await run_mutation(
        context, lambda session, actor: matching.match_vendor_invoice_line(session, actor, data)
    )


async def confirm_vendor_invoice(
    context: Context, data: confirm.Confirmation, idempotency: IdempotencyRequest | None = None
) -> Outcome[VendorInvoice]:
    return await run_idempotent(
        context,
        idempotency,
        lambda session, actor: confirm.confirm_vendor_invoice(session, actor, data),
        row_codec(VendorInvoice),
    )


async def cancel_vendor_invoice(
    context: Context, data: cancel.Cancellation
) -> Outcome[VendorInvoice]:
    return await run_mutation(
        context, lambda session, actor: cancel.cancel_vendor_invoice(session, actor, data)
    )
