"""Inputs of the mutations that record a vendor invoice and its lines (V1-V6)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import strawberry

from domain import vendor_invoices_header as header
from domain import vendor_invoices_lines as lines
from schema.relay import decode_id, decode_optional_id


@strawberry.input(description="A new Draft invoice of a vendor of your legal entity.")
class CreateVendorInvoiceInput:
    legal_entity: str = strawberry.field(description="The legal entity's code, e.g. USPM.")
    vendor_id: strawberry.ID = strawberry.field(
        description="Global id of a vendor of that legal entity; fixed once the invoice has lines."
    )
    number: str = strawberry.field(
        description="The vendor's invoice number, up to 40 characters, unique per vendor "
        "(DUPLICATE otherwise, V9)."
    )
    invoice_date: dt.date = strawberry.field(description="The date printed on the invoice.")
    currency_code: str | None = strawberry.field(
        default=None,
        description="Defaults to the subcontract's currency, else the vendor's, else the "
        "legal entity's; a subcontract's invoice is in its currency.",
    )
    subcontract_id: strawberry.ID | None = strawberry.field(
        default=None, description="The vendor's subcontract every line then references (V2)."
    )
    description: str = strawberry.field(
        default="", description="What the invoice is for, as shown to its reviewers; may be empty."
    )

    def to_domain(self) -> header.NewVendorInvoice:
        return header.NewVendorInvoice(
            legal_entity=self.legal_entity,
            vendor_id=decode_id(self.vendor_id, "Vendor", "vendorId"),
            number=self.number,
            invoice_date=self.invoice_date,
            currency_code=self.currency_code,
            subcontract_id=decode_optional_id(self.subcontract_id, "Subcontract", "subcontractId"),
            description=self.description,
        )


@strawberry.input(
    description="Changes to a Draft or In review invoice; a null field stays as it is. "
    "Vendor, subcontract and currency change only while the invoice has no lines (V1)."
)
class UpdateVendorInvoiceInput:
    id: strawberry.ID = strawberry.field(
        description="Global id of one of your vendor invoices; NOT_FOUND otherwise."
    )
    number: str | None = strawberry.field(
        default=None,
        description="The vendor's invoice number, unique per vendor (DUPLICATE otherwise, V9); "
        "null keeps it.",
    )
    invoice_date: dt.date | None = strawberry.field(
        default=None, description="The date printed on the invoice; null keeps it."
    )
    description: str | None = strawberry.field(
        default=None, description="What the invoice is for; null keeps it."
    )
    vendor_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Global id of another vendor of the legal entity; null keeps the vendor.",
    )
    subcontract_id: strawberry.ID | None = strawberry.field(
        default=None, description="Global id of a subcontract of the vendor; null keeps it."
    )
    currency_code: str | None = strawberry.field(
        default=None, description="ISO 4217 code of the invoice's currency; null keeps it."
    )

    def to_domain(self) -> header.InvoiceChanges:
        return header.InvoiceChanges(
            id=decode_id(self.id, "VendorInvoice"),
            number=self.number,
            invoice_date=self.invoice_date,
            description=self.description,
            vendor_id=decode_optional_id(self.vendor_id, "Vendor", "vendorId"),
            subcontract_id=decode_optional_id(self.subcontract_id, "Subcontract", "subcontractId"),
            currency_code=self.currency_code,
        )


@strawberry.input(
    description="A whole invoice line. Blank fields default: project, task and category from "
    "the subcontract line (V2), unit from the category's unit group, unit price from the "
    "purchase price list valid on the date (V4); subtotal = quantity x unit price (V5)."
)
class VendorInvoiceLineFields:
    date: dt.date = strawberry.field(description="Transaction date of the cost actual.")
    project_id: strawberry.ID | None = strawberry.field(
        default=None, description="Required, unless the subcontract line has one (V3)."
    )
    subcontract_line_id: strawberry.ID | None = strawberry.field(
        default=None, description="A line of the invoice's subcontract (V2)."
    )
    task_id: strawberry.ID | None = strawberry.field(
        default=None, description="A task of the project (optional)."
    )
    transaction_category_id: strawberry.ID | None = strawberry.field(
        default=None, description="Needs an expense category in the legal entity (V3)."
    )
    quantity: Decimal | None = strawberry.field(
        default=None,
        description="How many units are invoiced, in `unitId`: above 0, up to 4 decimals; null "
        "when only a subtotal is entered.",
    )
    unit_id: strawberry.ID | None = strawberry.field(
        default=None, description="Any unit of the category's unit group; default its base."
    )
    unit_price: Decimal | None = strawberry.field(
        default=None,
        description="Up to 6 decimals; blank: the purchase price list's, when there is one. "
        "The subtotal is then quantity x unit price, rounded half-up once to the invoice "
        "currency's decimals.",
    )
    subtotal: Decimal | None = strawberry.field(
        default=None,
        description="Entered only when quantity or unit price is blank (V5); at most the "
        "invoice currency's decimals (more is refused with TOO_PRECISE).",
    )
    sales_tax: Decimal = strawberry.field(
        default=Decimal(0),
        description="Sales tax amount; at most the invoice currency's decimals.",
    )
    name: str = strawberry.field(
        default="", description="Short name that identifies the line on the invoice."
    )
    description: str = strawberry.field(
        default="", description="What the line charges for; may be empty."
    )

    def line_data(self) -> lines.InvoiceLineData:
        return lines.InvoiceLineData(
            date=self.date,
            project_id=decode_optional_id(self.project_id, "Project", "projectId"),
            subcontract_line_id=decode_optional_id(
                self.subcontract_line_id, "SubcontractLine", "subcontractLineId"
            ),
            task_id=decode_optional_id(self.task_id, "Task", "taskId"),
            transaction_category_id=decode_optional_id(
                self.transaction_category_id, "TransactionCategory", "transactionCategoryId"
            ),
            quantity=self.quantity,
            unit_id=decode_optional_id(self.unit_id, "Unit", "unitId"),
            unit_price=self.unit_price,
            subtotal=self.subtotal,
            sales_tax=self.sales_tax,
            name=self.name,
            description=self.description,
        )


@strawberry.input(description="A new line of a Draft or In review invoice.")
class AddVendorInvoiceLineInput(VendorInvoiceLineFields):
    invoice_id: strawberry.ID = strawberry.field(
        description="Global id of the vendor invoice, Draft or In review (INVALID_STATE otherwise)."
    )


@strawberry.input(description="Replaces every field of a line whose verification is Not started.")
class UpdateVendorInvoiceLineInput(VendorInvoiceLineFields):
    id: strawberry.ID = strawberry.field(
        description="Global id of the vendor invoice line; NOT_FOUND otherwise."
    )

    def to_domain(self) -> lines.InvoiceLineChange:
        return lines.InvoiceLineChange(decode_id(self.id, "VendorInvoiceLine"), self.line_data())


@strawberry.input(description="A line whose verification is Not started.")
class DeleteVendorInvoiceLineInput:
    id: strawberry.ID = strawberry.field(
        description="Global id of the vendor invoice line; NOT_FOUND otherwise."
    )
