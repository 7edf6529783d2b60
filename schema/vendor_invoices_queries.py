"""Root query fields of vendor invoices (V1-V9): vendors, subcontracts, vendor invoices.

Types are in schema/vendor_invoices_parties.py and schema/vendor_invoices_types.py; the
compiled path answers the same fields in compiler/vendor_invoices_roots.py.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Annotated

import strawberry

from resolvers import vendor_invoices_queries as resolvers
from resolvers.context import Info
from schema.orders import OrderBy, order_argument
from schema.pages import After, Before, First, Last, order_of, to_connection, window
from schema.relay import Connection, decode_id, decode_optional_id
from schema.vendor_invoices_parties import Subcontract, Vendor
from schema.vendor_invoices_types import VendorInvoice, VendorInvoiceStatus

LEGAL_ENTITY = "Only rows of the legal entity with this code (any case)."
FILTER = strawberry.argument(description="Narrows the list; none lists every row of yours.")
SORT = strawberry.argument(
    description="Oldest (lowest id) or newest first, when no `orderBy` is given.",
    deprecation_reason="Use orderBy: {field: ID, direction: ASC or DESC}.",
)


@strawberry.input(description="Every filter is optional; together they narrow the list.")
class VendorFilter:
    legal_entity: str | None = strawberry.field(default=None, description=LEGAL_ENTITY)
    code: str | None = strawberry.field(default=None, description="The vendor code, exactly.")

    def to_resolver(self) -> resolvers.VendorFilter:
        return resolvers.VendorFilter(legal_entity=self.legal_entity, code=self.code)


@strawberry.input(description="Every filter is optional; together they narrow the list.")
class SubcontractFilter:
    legal_entity: str | None = strawberry.field(default=None, description=LEGAL_ENTITY)
    vendor_id: strawberry.ID | None = strawberry.field(
        default=None, description="Subcontracts with this vendor."
    )
    number: str | None = strawberry.field(
        default=None, description="The subcontract number, exactly."
    )

    def to_resolver(self) -> resolvers.SubcontractFilter:
        return resolvers.SubcontractFilter(
            legal_entity=self.legal_entity,
            vendor_id=decode_optional_id(self.vendor_id, "Vendor", "vendorId"),
            number=self.number,
        )


@strawberry.input(description="Every filter is optional; together they narrow the list.")
class VendorInvoiceFilter:
    legal_entity: str | None = strawberry.field(default=None, description=LEGAL_ENTITY)
    vendor_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only the invoices of this vendor (its global id)."
    )
    status: VendorInvoiceStatus | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Only the invoices in this status."
    )
    subcontract_id: strawberry.ID | None = strawberry.field(
        default=None, description="Invoices for this subcontract."
    )
    project_id: strawberry.ID | None = strawberry.field(
        default=None, description="Invoices with a line on this project."
    )
    from_date: dt.date | None = strawberry.field(
        default=None,
        description="Invoices with a line dated on or after (the same line as toDate).",
    )
    to_date: dt.date | None = strawberry.field(
        default=None,
        description="Invoices with a line dated on or before (the same line as fromDate).",
    )
    has_unverified_lines: bool | None = strawberry.field(
        default=None,
        description="true: a line's verification is not Complete (V6); false: none is.",
    )
    number: str | None = strawberry.field(
        default=None, description="The vendor's invoice number, exactly."
    )

    def to_resolver(self) -> resolvers.InvoiceFilter:
        return resolvers.InvoiceFilter(
            legal_entity=self.legal_entity,
            vendor_id=decode_optional_id(self.vendor_id, "Vendor", "vendorId"),
            status=self.status,
            subcontract_id=decode_optional_id(self.subcontract_id, "Subcontract", "subcontractId"),
            project_id=decode_optional_id(self.project_id, "Project", "projectId"),
            from_date=self.from_date,
            to_date=self.to_date,
            has_unverified_lines=self.has_unverified_lines,
            number=self.number,
        )


@strawberry.enum(description="Order of `vendorInvoices`; the cursor keeps its place either way.")
class VendorInvoiceSort(enum.Enum):
    OLDEST_FIRST = strawberry.enum_value(
        "oldest_first", description="In the order they were saved, first saved first."
    )
    NEWEST_FIRST = strawberry.enum_value(
        "newest_first", description="Last saved first: the latest invoices on the first page."
    )


@strawberry.type
class VendorInvoicesQuery:
    @strawberry.field(description="Vendors of your legal entities, oldest first.")
    async def vendors(
        self,
        info: Info,
        filter: Annotated[VendorFilter | None, FILTER] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        order_by: Annotated[OrderBy | None, order_argument("Vendor")] = None,
    ) -> Connection[Vendor]:
        where = (filter or VendorFilter()).to_resolver()
        page = await resolvers.vendors(
            info.context,
            where,
            window=window("Vendor", first, after, last, before, order_of(order_by)),
        )
        return to_connection(page.map(Vendor.from_row))

    @strawberry.field(description="Subcontracts of your legal entities, oldest first.")
    async def subcontracts(
        self,
        info: Info,
        filter: Annotated[SubcontractFilter | None, FILTER] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        order_by: Annotated[OrderBy | None, order_argument("Subcontract")] = None,
    ) -> Connection[Subcontract]:
        where = (filter or SubcontractFilter()).to_resolver()
        page = await resolvers.subcontracts(
            info.context,
            where,
            window=window("Subcontract", first, after, last, before, order_of(order_by)),
        )
        return to_connection(page.map(Subcontract.from_row))

    @strawberry.field(description="Vendor invoices of your legal entities, oldest first.")
    async def vendor_invoices(
        self,
        info: Info,
        filter: Annotated[VendorInvoiceFilter | None, FILTER] = None,
        sort: Annotated[VendorInvoiceSort, SORT] = VendorInvoiceSort.OLDEST_FIRST,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        order_by: Annotated[OrderBy | None, order_argument("VendorInvoice")] = None,
    ) -> Connection[VendorInvoice]:
        where = (filter or VendorInvoiceFilter()).to_resolver()
        page = await resolvers.vendor_invoices(
            info.context,
            where,
            window=window(
                "VendorInvoice",
                *(first, after, last, before, order_of(order_by)),
                ("ID", sort == VendorInvoiceSort.NEWEST_FIRST),
            ),
        )
        return to_connection(page.map(VendorInvoice.from_row))

    @strawberry.field(description="One vendor invoice; null when there is none of yours.")
    async def vendor_invoice(
        self,
        info: Info,
        id: Annotated[
            strawberry.ID, strawberry.argument(description="The vendor invoice's global id.")
        ],
    ) -> VendorInvoice | None:
        row = await resolvers.vendor_invoice(info.context, decode_id(id, "VendorInvoice"))
        return VendorInvoice.from_row(row) if row is not None else None
