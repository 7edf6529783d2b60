"""GraphQL types of vendor invoices and their lines for expense categories (V1-V9).

Every nested field loads through `info.context.loaders` (one statement per level), and the
compiled read path (`compiler/vendor_invoices.py`) answers the same fields in one statement.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import strawberry

from db.models import actuals as actual_models
from db.models import categories as category_models
from db.models import ledger as ledger_models
from db.models import master_data as master_models
from db.models import prices as price_models
from db.models import vendor_invoices as models
from domain.vendor_invoices_warnings import line_warnings
from resolvers.context import Info
from resolvers.money import in_currency, in_currency_of
from schema.actuals import Actual
from schema.categories_types import TransactionCategory
from schema.ledger_vouchers import Voucher
from schema.master_data import LegalEntity
from schema.money import IN_CURRENCY, IN_INVOICE_CURRENCY
from schema.nested_lists import ALL, NestedFirst, nested_first
from schema.node import register_node, related
from schema.prices_types import PriceList
from schema.projects_totals import described_enum
from schema.projects_types import Project, Task
from schema.relay import Node
from schema.units import Unit, UnitGroup
from schema.vendor_invoices_parties import Subcontract, SubcontractLine, Vendor

VendorInvoiceStatus = described_enum(
    models.InvoiceStatus,
    "VendorInvoiceStatus",
    "Draft -> In review -> Confirmed; On hold stops either of the first two until "
    "released; Canceled only from Confirmed (V1).",
    {
        "DRAFT": "Being entered: header and lines can be edited.",
        "IN_REVIEW": "Submitted: project managers verify the lines; lines can still change.",
        "CONFIRMED": "Posted: voucher and cost actuals recorded; read-only (V7).",
        "ON_HOLD": "Stopped until released, back to the status it had (DRAFT or IN_REVIEW).",
        "CANCELED": "Its voucher and actuals are reversed (V8); final.",
    },
)
VerificationStatus = described_enum(
    models.VerificationStatus,
    "VerificationStatus",
    "A project manager's check of an invoice line against the project (V6).",
    {
        "NOT_STARTED": "Not checked yet; the only status in which the line can be edited.",
        "IN_PROGRESS": "Being checked.",
        "COMPLETE": "Checked: confirming the invoice needs every line COMPLETE.",
    },
)


@strawberry.type(description="A vendor's charge for services on a project (V2-V6).")
class VendorInvoiceLine(Node):
    line_number: int = strawberry.field(description="1, 2, ... within the invoice.")
    name: str = strawberry.field(description="Short name that identifies the line.")
    description: str = strawberry.field(description="What the line charges for; may be empty.")
    date: dt.date = strawberry.field(
        description="Transaction date: the cost actual is recorded on this date."
    )
    quantity: Decimal | None = strawberry.field(
        description="How many units were delivered, in `unit`; null when only an amount is charged."
    )
    verification_status: VerificationStatus = strawberry.field(  # type: ignore[valid-type]
        description="How far the project manager has checked the line (V6)."
    )
    price_warning: str | None = strawberry.field(
        description="Why no unit price could be defaulted (M4); null otherwise."
    )
    row: strawberry.Private[models.VendorInvoiceLine]

    @classmethod
    def from_row(cls, row: models.VendorInvoiceLine) -> VendorInvoiceLine:
        return cls(
            pk=row.id,
            line_number=row.line_number,
            name=row.name,
            description=row.description,
            date=row.date,
            quantity=row.quantity,
            verification_status=models.VerificationStatus(row.verification_status),
            price_warning=row.price_warning,
            row=row,
        )

    async def _in_currency(self, info: Info, amount: Decimal) -> Decimal:
        invoice = self.row.invoice_id
        written = await in_currency_of(info.context, amount, models.VendorInvoice, invoice)
        assert written is not None  # an amount in, an amount out
        return written

    @strawberry.field(
        description="Defaults from the purchase price list valid on the date (V4). In the "
        "invoice's currency, written with at least its decimals (`12.50`; a price entered with "
        "more, up to 6, keeps them: `0.125`)."
    )
    async def unit_price(self, info: Info) -> Decimal | None:
        row, invoice = self.row, models.VendorInvoice
        return await in_currency_of(info.context, row.unit_price, invoice, row.invoice_id)

    @strawberry.field(
        description="Quantity x unit price (rounded half-up) when both are set; else as entered "
        f"(V5). {IN_INVOICE_CURRENCY}"
    )
    async def subtotal(self, info: Info) -> Decimal:
        return await self._in_currency(info, self.row.subtotal)

    @strawberry.field(description=f"Sales tax on the subtotal. {IN_INVOICE_CURRENCY}")
    async def sales_tax(self, info: Info) -> Decimal:
        return await self._in_currency(info, self.row.sales_tax)

    @strawberry.field(description=f"Subtotal + sales tax. {IN_INVOICE_CURRENCY}")
    async def total(self, info: Info) -> Decimal:
        return await self._in_currency(info, self.row.total)

    @strawberry.field(description="What a reader must know about the line (V7, M4).")
    def warnings(self) -> list[str]:
        return line_warnings(self.row)

    @strawberry.field(description="True when the list's price is kept in another unit (M3).")
    def price_converted(self) -> bool:
        return self.row.price_unit_id is not None and self.row.price_unit_id != self.row.unit_id

    @strawberry.field(description="The invoice the line belongs to.")
    async def invoice(self, info: Info) -> VendorInvoice | None:
        return await related(
            info, models.VendorInvoice, self.row.invoice_id, VendorInvoice.from_row
        )

    @strawberry.field(description="The ordered line it invoices; the source of its defaults.")
    async def subcontract_line(self, info: Info) -> SubcontractLine | None:
        return await related(
            info, models.SubcontractLine, self.row.subcontract_line_id, SubcontractLine.from_row
        )

    @strawberry.field(
        description="The project the services were for; its manager verifies the line (V3)."
    )
    async def project(self, info: Info) -> Project | None:
        return await related(info, master_models.Project, self.row.project_id, Project.from_row)

    @strawberry.field(description="The project's task the services were for; null when none.")
    async def task(self, info: Info) -> Task | None:
        return await related(info, master_models.Task, self.row.task_id, Task.from_row)

    @strawberry.field(
        description="What kind of cost the line is; it has an expense category in the legal "
        "entity (V3)."
    )
    async def transaction_category(self, info: Info) -> TransactionCategory | None:
        return await related(
            info,
            category_models.TransactionCategory,
            self.row.transaction_category_id,
            TransactionCategory.from_row,
        )

    @strawberry.field(description="Defaults from the transaction category (V4).")
    async def unit_group(self, info: Info) -> UnitGroup | None:
        return await related(
            info, master_models.UnitGroup, self.row.unit_group_id, UnitGroup.from_row
        )

    @strawberry.field(description="Defaults to the unit group's base unit (V4).")
    async def unit(self, info: Info) -> Unit | None:
        return await related(info, master_models.Unit, self.row.unit_id, Unit.from_row)

    @strawberry.field(description="The purchase price list the unit price defaulted from.")
    async def price_list(self, info: Info) -> PriceList | None:
        return await related(
            info, price_models.PriceList, self.row.price_list_id, PriceList.from_row
        )

    @strawberry.field(description="The unit the price list keeps the price in.")
    async def price_unit(self, info: Info) -> Unit | None:
        return await related(info, master_models.Unit, self.row.price_unit_id, Unit.from_row)

    async def _matched(self, info: Info, first: int | None = None) -> list[actual_models.Actual]:
        """The visible actuals of the line's matches, in match id order (as the compiled path).
        All at once: one `load` awaited per match would cost a statement per match."""
        matches = info.context.loaders.children(
            models.VendorInvoiceLineMatch, "invoice_line_id", first=first
        )
        loader = info.context.loaders.by_id(actual_models.Actual)
        ids = [match.actual_id for match in await matches.load(self.pk)]
        return [row for row in await loader.load_many(ids) if row is not None]

    @strawberry.field(
        description="Costs already recorded on the project that this line pays for; "
        "confirming the invoice reverses them (A1)."
    )
    async def matched_actuals(self, info: Info, first: NestedFirst = ALL) -> list[Actual]:
        return [Actual.from_row(row) for row in await self._matched(info, nested_first(first))]

    @strawberry.field(
        description="The sum of the matched actuals, to compare with subtotal. "
        + IN_INVOICE_CURRENCY
    )
    async def matched_amount(self, info: Info) -> Decimal:
        return await self._in_currency(
            info, sum((row.amount for row in await self._matched(info)), Decimal(0))
        )

    @strawberry.field(description="The actuals confirming made from the line, and reversals.")
    async def actuals(self, info: Info, first: NestedFirst = ALL) -> list[Actual]:
        loader = info.context.loaders.children(
            actual_models.Actual, "vendor_invoice_line_id", first=nested_first(first)
        )
        return [Actual.from_row(row) for row in await loader.load(self.pk)]


@strawberry.type(description="A vendor's invoice with lines for expense categories (V1).")
class VendorInvoice(Node):
    number: str = strawberry.field(description="The vendor's number: unique per vendor (V9).")
    invoice_date: dt.date = strawberry.field(description="The date printed on the invoice.")
    currency_code: str = strawberry.field(
        description="The currency of every amount of the invoice (ISO 4217); fixed once saved."
    )
    description: str = strawberry.field(description="What the invoice is for; may be empty.")
    status: VendorInvoiceStatus = strawberry.field(  # type: ignore[valid-type]
        description="Where the invoice is in its workflow (V1)."
    )
    accounting_date: dt.date | None = strawberry.field(
        description="The date its voucher is booked on, given when it is confirmed; null until "
        "then."
    )
    confirmed_at: dt.datetime | None = strawberry.field(
        description="When it was confirmed; null until then."
    )
    canceled_at: dt.datetime | None = strawberry.field(
        description="When it was canceled; null unless canceled."
    )
    created_at: dt.datetime = strawberry.field(description="When it was first saved.")
    row: strawberry.Private[models.VendorInvoice]

    @classmethod
    def from_row(cls, row: models.VendorInvoice) -> VendorInvoice:
        return cls(
            pk=row.id,
            number=row.number,
            invoice_date=row.invoice_date,
            currency_code=row.currency_code,
            description=row.description,
            status=models.InvoiceStatus(row.status),
            accounting_date=row.accounting_date,
            confirmed_at=row.confirmed_at,
            canceled_at=row.canceled_at,
            created_at=row.created_at,
            row=row,
        )

    @strawberry.field(description=f"Sum of the lines' subtotals (V5). {IN_CURRENCY}")
    async def subtotal(self, info: Info) -> Decimal:
        return await in_currency(info.context, self.row.subtotal, self.currency_code)

    @strawberry.field(description=f"Sum of the lines' sales tax. {IN_CURRENCY}")
    async def sales_tax(self, info: Info) -> Decimal:
        return await in_currency(info.context, self.row.sales_tax, self.currency_code)

    @strawberry.field(description=f"Sum of the lines' totals. {IN_CURRENCY}")
    async def total(self, info: Info) -> Decimal:
        return await in_currency(info.context, self.row.total, self.currency_code)

    @strawberry.field(description="The legal entity the invoice is addressed to.")
    async def legal_entity(self, info: Info) -> LegalEntity | None:
        return await related(
            info, master_models.LegalEntity, self.row.legal_entity_id, LegalEntity.from_row
        )

    @strawberry.field(description="The vendor who sent the invoice; fixed once saved (V1).")
    async def vendor(self, info: Info) -> Vendor | None:
        return await related(info, models.Vendor, self.row.vendor_id, Vendor.from_row)

    @strawberry.field(description="Every line references this subcontract, or none (V2).")
    async def subcontract(self, info: Info) -> Subcontract | None:
        return await related(
            info, models.Subcontract, self.row.subcontract_id, Subcontract.from_row
        )

    @strawberry.field(description="Its lines, in line number order.")
    async def lines(self, info: Info, first: NestedFirst = ALL) -> list[VendorInvoiceLine]:
        loader = info.context.loaders.children(
            models.VendorInvoiceLine, "invoice_id", "line_number", nested_first(first)
        )
        return [VendorInvoiceLine.from_row(row) for row in await loader.load(self.pk)]

    @strawberry.field(
        description="The confirmation voucher (V7), then its reversal once canceled (V8)."
    )
    async def vouchers(self, info: Info, first: NestedFirst = ALL) -> list[Voucher]:
        loader = info.context.loaders.children(
            ledger_models.Voucher, "vendor_invoice_id", first=nested_first(first)
        )
        return [Voucher.from_row(row) for row in await loader.load(self.pk)]


register_node("VendorInvoice", models.VendorInvoice, VendorInvoice.from_row)
register_node("VendorInvoiceLine", models.VendorInvoiceLine, VendorInvoiceLine.from_row)
