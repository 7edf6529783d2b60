"""The vendor invoice workflow (V1, V6-V8): review, hold and release, the verification and
matching of lines, confirm and cancel. Each mutation takes one input and answers the changed
object, or typed errors with nothing written. The inputs are in
schema/vendor_invoices_workflow_inputs.py."""

from __future__ import annotations

from typing import Annotated

import strawberry

from resolvers import vendor_invoices_workflow as resolvers
from resolvers.context import Info
from schema.idempotency import idempotency_of
from schema.mutations import decoded
from schema.vendor_invoices_payloads import VendorInvoiceLinePayload, VendorInvoicePayload
from schema.vendor_invoices_workflow_inputs import (
    CancelVendorInvoiceInput,
    ConfirmVendorInvoiceInput,
    HoldVendorInvoiceInput,
    MatchVendorInvoiceLineInput,
    ReleaseVendorInvoiceInput,
    SetVendorInvoiceLineVerificationInput,
    SubmitVendorInvoiceInput,
)


@strawberry.type
class VendorInvoiceWorkflowMutation:
    @strawberry.mutation(description="Accountant: Draft -> In review (V1).")
    async def submit_vendor_invoice(
        self,
        info: Info,
        input: Annotated[
            SubmitVendorInvoiceInput, strawberry.argument(description="The invoice to submit.")
        ],
    ) -> VendorInvoicePayload:
        outcome = await decoded(
            input.to_domain, lambda pk: resolvers.submit_vendor_invoice(info.context, pk)
        )
        return VendorInvoicePayload.of(outcome)

    @strawberry.mutation(
        description="Accountant: Draft or In review -> On hold; the release returns it there."
    )
    async def hold_vendor_invoice(
        self,
        info: Info,
        input: Annotated[
            HoldVendorInvoiceInput, strawberry.argument(description="The invoice to hold and why.")
        ],
    ) -> VendorInvoicePayload:
        outcome = await decoded(
            input.to_domain, lambda data: resolvers.hold_vendor_invoice(info.context, data)
        )
        return VendorInvoicePayload.of(outcome)

    @strawberry.mutation(description="Accountant: On hold -> the state the hold interrupted.")
    async def release_vendor_invoice(
        self,
        info: Info,
        input: Annotated[
            ReleaseVendorInvoiceInput, strawberry.argument(description="The invoice to release.")
        ],
    ) -> VendorInvoicePayload:
        outcome = await decoded(
            input.to_domain, lambda pk: resolvers.release_vendor_invoice(info.context, pk)
        )
        return VendorInvoicePayload.of(outcome)

    @strawberry.mutation(
        description="The manager of the line's project (or an admin): verify a line of a "
        "Draft or In review invoice (V6)."
    )
    async def set_vendor_invoice_line_verification(
        self,
        info: Info,
        input: Annotated[
            SetVendorInvoiceLineVerificationInput,
            strawberry.argument(description="The line and its new status."),
        ],
    ) -> VendorInvoiceLinePayload:
        outcome = await decoded(
            input.to_domain, lambda data: resolvers.set_line_verification(info.context, data)
        )
        return VendorInvoiceLinePayload.of(outcome)

    @strawberry.mutation(
        description="The manager of the line's project (or an admin): the recorded costs the "
        "line pays for; confirming reverses them (A1). Compare matchedAmount with subtotal."
    )
    async def match_vendor_invoice_line(
        self,
        info: Info,
        input: Annotated[
            MatchVendorInvoiceLineInput,
            strawberry.argument(description="The line and the actuals it pays for."),
        ],
    ) -> VendorInvoiceLinePayload:
        outcome = await decoded(
            input.to_domain, lambda data: resolvers.match_vendor_invoice_line(info.context, data)
        )
        return VendorInvoiceLinePayload.of(outcome)

    @strawberry.mutation(
        description="Accountant: In review -> Confirmed (V7): one balanced voucher, a cost "
        "actual per line, unbilled sales for linked lines; the matched actuals are reversed."
    )
    async def confirm_vendor_invoice(
        self,
        info: Info,
        input: Annotated[
            ConfirmVendorInvoiceInput,
            strawberry.argument(description="The invoice, its date, a key if wanted."),
        ],
    ) -> VendorInvoicePayload:
        outcome = await decoded(
            lambda: (input.to_domain(), idempotency_of(info, input)),
            lambda args: resolvers.confirm_vendor_invoice(info.context, *args),
        )
        return VendorInvoicePayload.of(outcome)

    @strawberry.mutation(
        description="Accountant: Confirmed -> Canceled (V8): a reversal voucher and the "
        "reversal of the invoice's actuals (A1)."
    )
    async def cancel_vendor_invoice(
        self,
        info: Info,
        input: Annotated[
            CancelVendorInvoiceInput,
            strawberry.argument(description="The invoice to cancel and its date."),
        ],
    ) -> VendorInvoicePayload:
        outcome = await decoded(
            input.to_domain, lambda data: resolvers.cancel_vendor_invoice(info.context, data)
        )
        return VendorInvoicePayload.of(outcome)
