"""GraphQL object types of price lists and their lines (M4), each a Node."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import strawberry

from db.models import categories as category_models
from db.models import master_data as master_models
from db.models import prices as models
from resolvers import prices as resolvers
from resolvers import units as unit_resolvers
from resolvers.context import Info
from resolvers.money import in_currency_of
from schema.categories_types import TransactionCategory
from schema.master_data import LegalEntity
from schema.nested_lists import ALL, NestedFirst, nested_first
from schema.node import register_node, related
from schema.projects_totals import described_enum
from schema.relay import Node
from schema.units import Unit

PriceContext = described_enum(
    models.PriceContext,
    "PriceContext",
    "What a price list prices (M4).",
    {
        "COST": "Cost prices: what work and items cost the company.",
        "SALES": "What the customer is charged (unbilled sales actuals).",
        "PURCHASE": "What vendors charge: the default unit price of vendor invoice lines (V4).",
    },
)
PricingMethod = described_enum(
    models.PricingMethod,
    "PricingMethod",
    "Per unit (a price), at cost, or markup (cost plus a percentage): sales only.",
    {
        "PER_UNIT": "A fixed `price` per unit; the only method of cost and purchase lists.",
        "AT_COST": "Sales lists only: the sales price is the cost, unchanged; no `price`.",
        "MARKUP": "Sales lists only: the cost plus `markupPercent` percent; no `price`.",
    },
)


@strawberry.type(description="(transaction category, unit) -> price, per the pricing method.")
class PriceListLine(Node):
    pricing_method: PricingMethod = strawberry.field(  # type: ignore[valid-type]
        description="How the line computes a price."
    )
    markup_percent: Decimal | None = strawberry.field(
        description="Percent added to the cost (`15` is 15 %); null unless MARKUP."
    )
    unit_pk: strawberry.Private[int | None]
    transaction_category_pk: strawberry.Private[int]
    row: strawberry.Private[models.PriceListLine]

    @classmethod
    def from_row(cls, row: models.PriceListLine) -> PriceListLine:
        return cls(
            pk=row.id,
            transaction_category_pk=row.transaction_category_id,
            pricing_method=models.PricingMethod(row.pricing_method),
            markup_percent=row.markup_percent,
            unit_pk=row.unit_id,
            row=row,
        )

    @strawberry.field(
        description="Price per unit in the list's currency, written with at least that "
        "currency's decimals (`12.50`; a price entered with more, up to 6, keeps them: `0.125`); "
        "null unless PER_UNIT."
    )
    async def price(self, info: Info) -> Decimal | None:
        row = self.row
        return await in_currency_of(info.context, row.price, models.PriceList, row.price_list_id)

    @strawberry.field(description="The transaction category the line prices.")
    async def transaction_category(self, info: Info) -> TransactionCategory:
        pk = self.transaction_category_pk
        row = await info.context.loaders.by_id(category_models.TransactionCategory).load(pk)
        assert row is not None  # global row behind a foreign key
        return TransactionCategory.from_row(row)

    @strawberry.field(description="Null: the line prices every unit.")
    async def unit(self, info: Info) -> Unit | None:
        if self.unit_pk is None:
            return None
        row = await unit_resolvers.unit(info.context, self.unit_pk)
        return Unit.from_row(row) if row is not None else None


@strawberry.type(description="Prices of one context and currency, valid between two dates.")
class PriceList(Node):
    name: str = strawberry.field(description="Unique within its legal entity.")
    context: PriceContext = strawberry.field(  # type: ignore[valid-type]
        description="Whether it prices cost, sales or purchases."
    )
    currency_code: str = strawberry.field(description="The currency of its prices (ISO 4217).")
    valid_from: dt.date = strawberry.field(description="The first day the list applies.")
    valid_to: dt.date | None = strawberry.field(
        description="The last day the list applies (inclusive); null: no end."
    )
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

    @strawberry.field(description="The legal entity whose projects the list prices.")
    async def legal_entity(self, info: Info) -> LegalEntity | None:
        return await related(
            info, master_models.LegalEntity, self.legal_entity_pk, LegalEntity.from_row
        )

    @strawberry.field(description="Its prices, in the order they were added.")
    async def lines(self, info: Info, first: NestedFirst = ALL) -> list[PriceListLine]:
        rows = await resolvers.lines_of(info.context, self.pk, nested_first(first))
        return [PriceListLine.from_row(row) for row in rows]


register_node("PriceList", models.PriceList, PriceList.from_row)
register_node("PriceListLine", models.PriceListLine, PriceListLine.from_row)
