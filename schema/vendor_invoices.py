"""Mutations that record vendors, subcontracts, a vendor invoice and its lines (V1-V6).

The workflow (verification, matching, review, confirm, cancel) is in
schema/vendor_invoices_workflow.py, the queries in schema/vendor_invoices_queries.py.
"""

from __future__ import annotations

from typing import Annotated

import strawberry

from resolvers import vendor_invoices as resolvers
from resolvers.context import Info
from schema.mutations import decoded
from schema.relay import decode_id
from schema.vendor_invoices_inputs import (
    AddVendorInvoiceLineInput,
    CreateVendorInvoiceInput,
    DeleteVendorInvoiceLineInput,
    UpdateVendorInvoiceInput,
    UpdateVendorInvoiceLineInput,
)
from schema.vendor_invoices_parties_inputs import (
    CreateSubcontractInput,
    CreateVendorInput,
    SubcontractPayload,
    VendorPayload,
)
from schema.vendor_invoices_payloads import VendorInvoiceLinePayload, VendorInvoicePayload


@strawberry.type
class VendorInvoicesMutation:
    @strawberry.mutation(description="Accountant: record a vendor of your legal entity.")
    async def create_vendor(
        self,
        info: Info,
        input: Annotated[
            CreateVendorInput, strawberry.argument(description="The vendor to record.")
        ],
    ) -> VendorPayload:
        outcome = await decoded(
            input.to_domain, lambda data: resolvers.create_vendor(info.context, data)
        )
        return VendorPayload.of(outcome)

    @strawberry.mutation(
        description="Accountant: record a subcontract of a vendor with its ordered lines (V2)."
    )
    async def create_subcontract(
        self,
        info: Info,
        input: Annotated[
            CreateSubcontractInput,
            strawberry.argument(description="The subcontract and its lines."),
        ],
    ) -> SubcontractPayload:
        outcome = await decoded(
            input.to_domain, lambda data: resolvers.create_subcontract(info.context, data)
        )
        return SubcontractPayload.of(outcome)

    @strawberry.mutation(description="Accountant: record a vendor's invoice, Draft (V1, V9).")
    async def create_vendor_invoice(
        self,
        info: Info,
        input: Annotated[
            CreateVendorInvoiceInput, strawberry.argument(description="The invoice to record.")
        ],
    ) -> VendorInvoicePayload:
        outcome = await decoded(
            input.to_domain, lambda data: resolvers.create_vendor_invoice(info.context, data)
        )
        return VendorInvoicePayload.of(outcome)

    @strawberry.mutation(description="Accountant: change a Draft or In review invoice (V1).")
    async def update_vendor_invoice(
        self,
        info: Info,
        input: Annotated[
            UpdateVendorInvoiceInput,
            strawberry.argument(description="The invoice and the fields to change."),
        ],
    ) -> VendorInvoicePayload:
        outcome = await decoded(
            input.to_domain, lambda data: resolvers.update_vendor_invoice(info.context, data)
        )
        return VendorInvoicePayload.of(outcome)

    @strawberry.mutation(
        description="Accountant: add a line, defaulted and priced (V2-V5); the invoice's "
        "totals follow."
    )
    async def add_vendor_invoice_line(
        self,
        info: Info,
        input: Annotated[
            AddVendorInvoiceLineInput,
            strawberry.argument(description="The invoice and the whole new line."),
        ],
    ) -> VendorInvoiceLinePayload:
        outcome = await decoded(
            lambda: (decode_id(input.invoice_id, "VendorInvoice", "invoiceId"), input.line_data()),
            lambda args: resolvers.add_vendor_invoice_line(info.context, *args),
        )
        return VendorInvoiceLinePayload.of(outcome)

    @strawberry.mutation(description="Accountant: replace a line not yet verified (V6).")
    async def update_vendor_invoice_line(
        self,
        info: Info,
        input: Annotated[
            UpdateVendorInvoiceLineInput,
            strawberry.argument(description="The line and all its new values."),
        ],
    ) -> VendorInvoiceLinePayload:
        outcome = await decoded(
            input.to_domain,
            lambda change: resolvers.update_vendor_invoice_line(info.context, change),
        )
        return VendorInvoiceLinePayload.of(outcome)

    @strawberry.mutation(
        description="Accountant: delete a line not yet verified (V6); returns the invoice."
    )
    async def delete_vendor_invoice_line(
        self,
        info: Info,
        input: Annotated[
            DeleteVendorInvoiceLineInput, strawberry.argument(description="The line to delete.")
        ],
    ) -> VendorInvoicePayload:
        outcome = await decoded(
            lambda: decode_id(input.id, "VendorInvoiceLine"),
            lambda line_id: resolvers.delete_vendor_invoice_line(info.context, line_id),
        )
        return VendorInvoicePayload.of(outcome)
