"""GraphQL types of vendors and subcontracts: who invoices, and what was ordered from them.

A subcontract line orders services for an expense category (transaction class Expense); an
invoice line that references it takes its project, task and category (V2).
"""

from __future__ import annotations

from decimal import Decimal

import strawberry

from db.models import categories as category_models
from db.models import master_data as master_models
from db.models import vendor_invoices as models
from resolvers.context import Info
from resolvers.money import in_currency_of
from schema.categories_types import TransactionCategory
from schema.master_data import LegalEntity
from schema.nested_lists import ALL, NestedFirst, nested_first
from schema.node import register_node, related
from schema.projects_types import Project, Task
from schema.relay import Node
from schema.units import Unit


@strawberry.type(description="A supplier of one legal entity, who sends vendor invoices.")
class Vendor(Node):
    code: str = strawberry.field(description="Unique within the legal entity.")
    name: str = strawberry.field(description="The vendor's company name.")
    currency_code: str | None = strawberry.field(
        description="The currency the vendor invoices in: a new invoice's default."
    )
    row: strawberry.Private[models.Vendor]

    @classmethod
    def from_row(cls, row: models.Vendor) -> Vendor:
        return cls(
            pk=row.id, code=row.code, name=row.name, currency_code=row.currency_code, row=row
        )

    @strawberry.field(description="The legal entity the vendor belongs to.")
    async def legal_entity(self, info: Info) -> LegalEntity | None:
        return await related(
            info, master_models.LegalEntity, self.row.legal_entity_id, LegalEntity.from_row
        )


@strawberry.type(description="Services ordered from a vendor for projects, line by line.")
class SubcontractLine(Node):
    line_number: int = strawberry.field(description="1, 2, ... within the subcontract.")
    description: str = strawberry.field(description="What services the line orders.")
    quantity: Decimal | None = strawberry.field(description="The quantity ordered.")
    row: strawberry.Private[models.SubcontractLine]

    @classmethod
    def from_row(cls, row: models.SubcontractLine) -> SubcontractLine:
        return cls(
            pk=row.id,
            line_number=row.line_number,
            description=row.description,
            quantity=row.quantity,
            row=row,
        )

    @strawberry.field(
        description="The agreed price per unit, in the subcontract's currency, written with at "
        "least its decimals (`12.50`; a price entered with more, up to 6, keeps them: `0.125`)."
    )
    async def unit_price(self, info: Info) -> Decimal | None:
        row = self.row
        subcontract = models.Subcontract
        return await in_currency_of(info.context, row.unit_price, subcontract, row.subcontract_id)

    @strawberry.field(description="An invoice line on this subcontract line has this project.")
    async def project(self, info: Info) -> Project | None:
        return await related(info, master_models.Project, self.row.project_id, Project.from_row)

    @strawberry.field(description="An invoice line on this subcontract line has this task.")
    async def task(self, info: Info) -> Task | None:
        return await related(info, master_models.Task, self.row.task_id, Task.from_row)

    @strawberry.field(description="An invoice line on this subcontract line has this category.")
    async def transaction_category(self, info: Info) -> TransactionCategory | None:
        return await related(
            info,
            category_models.TransactionCategory,
            self.row.transaction_category_id,
            TransactionCategory.from_row,
        )

    @strawberry.field(description="The unit the quantity and price are kept in.")
    async def unit(self, info: Info) -> Unit | None:
        return await related(info, master_models.Unit, self.row.unit_id, Unit.from_row)

    @strawberry.field(description="The subcontract the line belongs to.")
    async def subcontract(self, info: Info) -> Subcontract | None:
        return await related(
            info, models.Subcontract, self.row.subcontract_id, Subcontract.from_row
        )


@strawberry.type(description="An order of services from a vendor, in one currency.")
class Subcontract(Node):
    number: str = strawberry.field(description="Unique within the legal entity.")
    currency_code: str = strawberry.field(
        description="The currency of its prices and of its invoices (ISO 4217)."
    )
    row: strawberry.Private[models.Subcontract]

    @classmethod
    def from_row(cls, row: models.Subcontract) -> Subcontract:
        return cls(pk=row.id, number=row.number, currency_code=row.currency_code, row=row)

    @strawberry.field(description="The vendor the services are ordered from.")
    async def vendor(self, info: Info) -> Vendor | None:
        return await related(info, models.Vendor, self.row.vendor_id, Vendor.from_row)

    @strawberry.field(description="The legal entity that ordered.")
    async def legal_entity(self, info: Info) -> LegalEntity | None:
        return await related(
            info, master_models.LegalEntity, self.row.legal_entity_id, LegalEntity.from_row
        )

    @strawberry.field(description="The ordered lines, in line number order.")
    async def lines(self, info: Info, first: NestedFirst = ALL) -> list[SubcontractLine]:
        loader = info.context.loaders.children(
            models.SubcontractLine, "subcontract_id", "line_number", nested_first(first)
        )
        return [SubcontractLine.from_row(row) for row in await loader.load(self.pk)]


register_node("Vendor", models.Vendor, Vendor.from_row)
register_node("Subcontract", models.Subcontract, Subcontract.from_row)
register_node("SubcontractLine", models.SubcontractLine, SubcontractLine.from_row)
