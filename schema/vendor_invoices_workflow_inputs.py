"""Inputs of the vendor invoice workflow mutations (V1, V6-V8): one per mutation, each turning
global ids into the domain's request (a bad id is the payload's typed error)."""

from __future__ import annotations

import datetime as dt

import strawberry

from db.models import vendor_invoices as models
from domain import vendor_invoices_cancel as cancel
from domain import vendor_invoices_confirm as confirm
from domain import vendor_invoices_matching as matching
from domain import vendor_invoices_workflow as workflow
from schema.idempotency import IDEMPOTENCY_KEY
from schema.relay import decode_id
from schema.vendor_invoices_types import VerificationStatus

ACCOUNTING_DATE = "Defaults to today (UTC); it must lie in an Open ledger period (L4)."


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _invoice_id(gid: strawberry.ID) -> int:
    return decode_id(gid, "VendorInvoice")


@strawberry.input(description="The Draft invoice to submit for review.")
class SubmitVendorInvoiceInput:
    id: strawberry.ID = strawberry.field(
        description="Global id of the vendor invoice; it needs a line."
    )

    def to_domain(self) -> int:
        return _invoice_id(self.id)


@strawberry.input(description="The invoice to stop until it is released.")
class HoldVendorInvoiceInput:
    id: strawberry.ID = strawberry.field(
        description="Global id of the vendor invoice, Draft or In review."
    )
    reason: str | None = strawberry.field(
        default=None, description="Why it waits; kept in the audit log with the hold."
    )

    def to_domain(self) -> workflow.Hold:
        return workflow.Hold(_invoice_id(self.id), self.reason)


@strawberry.input(description="The held invoice to release.")
class ReleaseVendorInvoiceInput:
    id: strawberry.ID = strawberry.field(description="Global id of the vendor invoice, On hold.")

    def to_domain(self) -> int:
        return _invoice_id(self.id)


@strawberry.input(description="The project manager's verification of one line (V6).")
class SetVendorInvoiceLineVerificationInput:
    id: strawberry.ID = strawberry.field(description="Global id of the vendor invoice line.")
    status: VerificationStatus = strawberry.field(  # type: ignore[valid-type]
        description="Not started, In progress or Complete; confirm needs every line Complete."
    )

    def to_domain(self) -> workflow.Verification:
        line_id = decode_id(self.id, "VendorInvoiceLine")
        return workflow.Verification(line_id, models.VerificationStatus(self.status))


@strawberry.input(description="The costs already recorded on the project that a line pays.")
class MatchVendorInvoiceLineInput:
    line_id: strawberry.ID = strawberry.field(
        description="Global id of the vendor invoice line, not yet verified Complete."
    )
    actual_ids: list[strawberry.ID] = strawberry.field(
        description="Adjustable cost actuals of the line's project (and task, when it has one), "
        "transaction category and the invoice's currency, matched to no other line. The "
        "line's matches become exactly these; an empty list clears them."
    )

    def to_domain(self) -> matching.Matching:
        return matching.Matching(
            decode_id(self.line_id, "VendorInvoiceLine", "lineId"),
            [decode_id(gid, "Actual", "actualIds") for gid in self.actual_ids],
        )


@strawberry.input(description="The In review invoice to confirm, and when it is booked.")
class ConfirmVendorInvoiceInput:
    id: strawberry.ID = strawberry.field(
        description="Global id of the vendor invoice; every line Complete."
    )
    accounting_date: dt.date | None = strawberry.field(default=None, description=ACCOUNTING_DATE)
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY_KEY)

    def to_domain(self) -> confirm.Confirmation:
        now = _now()
        return confirm.Confirmation(_invoice_id(self.id), self.accounting_date or now.date(), now)


@strawberry.input(description="The Confirmed invoice to cancel, and when it is reversed.")
class CancelVendorInvoiceInput:
    id: strawberry.ID = strawberry.field(description="Global id of the vendor invoice, Confirmed.")
    accounting_date: dt.date | None = strawberry.field(default=None, description=ACCOUNTING_DATE)

    def to_domain(self) -> cancel.Cancellation:
        now = _now()
        return cancel.Cancellation(_invoice_id(self.id), self.accounting_date or now.date(), now)
