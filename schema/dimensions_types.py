"""GraphQL types of financial dimensions and their values (J4), each a Node for `node(id:)`."""

from __future__ import annotations

import strawberry

from db.models import dimensions as models
from db.models import master_data as master_models
from resolvers import dimensions as resolvers
from resolvers.context import Info
from schema.master_data import LegalEntity
from schema.nested_lists import ALL, NestedFirst, nested_first
from schema.node import register_node, related
from schema.relay import Node

ACTIVE = "Only active ones are named by journal line distributions and post (J4, J5)."


@strawberry.type(description="A financial dimension of one legal entity, such as Department.")
class FinancialDimension(Node):
    code: str = strawberry.field(
        description="Unique within the legal entity; a distribution names the dimension by it."
    )
    name: str = strawberry.field(description="What the dimension is called.")
    active: bool = strawberry.field(description=ACTIVE)
    row: strawberry.Private[models.FinancialDimension]

    @classmethod
    def from_row(cls, row: models.FinancialDimension) -> FinancialDimension:
        return cls(pk=row.id, code=row.code, name=row.name, active=row.active, row=row)

    @strawberry.field(description="The legal entity the dimension belongs to.")
    async def legal_entity(self, info: Info) -> LegalEntity | None:
        return await related(
            info, master_models.LegalEntity, self.row.legal_entity_id, LegalEntity.from_row
        )

    @strawberry.field(description="The dimension's values, in the order they were added.")
    async def values(self, info: Info, first: NestedFirst = ALL) -> list[FinancialDimensionValue]:
        rows = await resolvers.values_of(info.context, self.pk, nested_first(first))
        return [FinancialDimensionValue.from_row(row) for row in rows]


@strawberry.type(description="An allowed value of a financial dimension, such as Sales.")
class FinancialDimensionValue(Node):
    value: str = strawberry.field(
        description="Unique within the dimension; a distribution names the value by it."
    )
    name: str = strawberry.field(description="What the value stands for; may be blank.")
    active: bool = strawberry.field(description=ACTIVE)
    row: strawberry.Private[models.FinancialDimensionValue]

    @classmethod
    def from_row(cls, row: models.FinancialDimensionValue) -> FinancialDimensionValue:
        return cls(pk=row.id, value=row.value, name=row.name, active=row.active, row=row)

    @strawberry.field(description="The dimension the value belongs to.")
    async def dimension(self, info: Info) -> FinancialDimension | None:
        return await related(
            info, models.FinancialDimension, self.row.dimension_id, FinancialDimension.from_row
        )


register_node("FinancialDimension", models.FinancialDimension, FinancialDimension.from_row)
register_node(
    "FinancialDimensionValue", models.FinancialDimensionValue, FinancialDimensionValue.from_row
)
