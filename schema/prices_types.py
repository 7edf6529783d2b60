"""GraphQL object types of price lists and their lines (M4), each a Node."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import strawberry

from db.models import prices as models
from resolvers import prices as resolvers
from resolvers import units as unit_resolvers
from resolvers.context import Info
from schema.nested_lists import ALL, NestedFirst, nested_first
from schema.node import register_node
from schema.relay import Node, encode_id
from schema.units import Unit

PriceContext = strawberry.enum(models.PriceContext, name="PriceContext")
PricingMethod = strawberry.enum(
    models.PricingMethod,
    name="PricingMethod",
    description="Per unit (a price), at cost, or markup (cost plus a percentage): sales only.",
)


@strawberry.type(description="(transaction category, unit) -> price, per the pricing method.")
class PriceListLine(Node):
    transaction_category_id: strawberry.ID = strawberry.field(
        description="A TransactionCategory global id."
    )
    pricing_method: PricingMethod  # type: ignore[valid-type]
    price: Decimal | None
    markup_percent: Decimal | None
    unit_pk: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: models.PriceListLine) -> PriceListLine:
        return cls(
            pk=row.id,
            transaction_category_id=encode_id("TransactionCategory", row.transaction_category_id),
            pricing_method=models.PricingMethod(row.pricing_method),
            price=row.price,
            markup_percent=row.markup_percent,
            unit_pk=row.unit_id,
        )

    @strawberry.field(description="Null: the line prices every unit.")
    async def unit(self, info: Info) -> Unit | None:
        if self.unit_pk is None:
            return None
        row = await unit_resolvers.unit(info.context, self.unit_pk)
        return Unit.from_row(row) if row is not None else None


@strawberry.type(description="Prices of one context and currency, valid between two dates.")
class PriceList(Node):
    name: str
    context: PriceContext  # type: ignore[valid-type]
    currency_code: str
    valid_from: dt.date
    valid_to: dt.date | None
    is_default: bool = strawberry.field(
        description="The legal entity's list of its context for projects without one."
    )
    legal_entity_pk: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: models.PriceList) -> PriceList:
        return cls(
            pk=row.id,
            name=row.name,
            context=models.PriceContext(row.context),
            currency_code=row.currency_code,
            valid_from=row.valid_from,
            valid_to=row.valid_to,
            is_default=row.is_default,
            legal_entity_pk=row.legal_entity_id,
        )

    @strawberry.field
    def legal_entity_id(self) -> strawberry.ID:
        return encode_id("LegalEntity", self.legal_entity_pk)

    @strawberry.field
    async def lines(self, info: Info, first: NestedFirst = ALL) -> list[PriceListLine]:
        rows = await resolvers.lines_of(info.context, self.pk, nested_first(first))
        return [PriceListLine.from_row(row) for row in rows]


register_node("PriceList", models.PriceList, PriceList.from_row)
register_node("PriceListLine", models.PriceListLine, PriceListLine.from_row)
