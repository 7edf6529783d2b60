"""Payloads of the vendor invoice mutations: the changed object, or typed errors."""

from __future__ import annotations

import strawberry

from db.models import vendor_invoices as models
from resolvers.mutations import Outcome
from schema.errors import UserError
from schema.mutations import errors_of
from schema.vendor_invoices_types import VendorInvoice, VendorInvoiceLine


@strawberry.type(description="The invoice after the change; null when `errors` says why not.")
class VendorInvoicePayload:
    vendor_invoice: VendorInvoice | None = strawberry.field(
        description="The invoice as saved; null when `errors` is not empty."
    )
    errors: list[UserError] = strawberry.field(description="Why nothing changed; empty on success.")

    @classmethod
    def of(cls, outcome: Outcome[models.VendorInvoice]) -> VendorInvoicePayload:
        invoice = VendorInvoice.from_row(outcome.value) if outcome.value else None
        return cls(vendor_invoice=invoice, errors=errors_of(outcome))


@strawberry.type(description="The line after the change; null when `errors` says why not.")
class VendorInvoiceLinePayload:
    vendor_invoice_line: VendorInvoiceLine | None = strawberry.field(
        description="The line as saved; null when `errors` is not empty."
    )
    errors: list[UserError] = strawberry.field(description="Why nothing changed; empty on success.")

    @classmethod
    def of(cls, outcome: Outcome[models.VendorInvoiceLine]) -> VendorInvoiceLinePayload:
        line = VendorInvoiceLine.from_row(outcome.value) if outcome.value else None
        return cls(vendor_invoice_line=line, errors=errors_of(outcome))
