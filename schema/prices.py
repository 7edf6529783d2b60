"""Price list queries, inputs and mutations (M4); the object types are in prices_types."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

import strawberry

from db.models import prices as models
from domain import prices_edit, prices_lines
from resolvers import prices as resolvers
from resolvers.context import Info
from schema.errors import UserError
from schema.master_data import OfLegalEntity
from schema.mutations import decoded, errors_of
from schema.orders import OrderBy, order_argument
from schema.pages import After, Before, First, Last, order_of, to_connection, window
from schema.prices_inputs import DeletePriceListLineArgument
from schema.prices_types import PriceContext, PriceList, PriceListLine, PricingMethod
from schema.relay import Connection, decode_id


@strawberry.input(description="A new price list, without lines (add them with `addPriceListLine`).")
class CreatePriceListInput:
    legal_entity: str = strawberry.field(
        description="Code of one of your legal entities; NOT_FOUND otherwise."
    )
    name: str = strawberry.field(
        description="Unique within the legal entity (DUPLICATE otherwise)."
    )
    context: PriceContext = strawberry.field(  # type: ignore[valid-type]
        description="Whether the list prices cost, sales or purchases; fixed once created."
    )
    currency_code: str = strawberry.field(
        description="The currency of its prices, an ISO 4217 code; NOT_FOUND when unknown."
    )
    valid_from: dt.date = strawberry.field(description="The first day the list applies.")
    valid_to: dt.date | None = strawberry.field(
        default=None,
        description="The last day it applies (inclusive), not before `validFrom` (OUT_OF_RANGE); "
        "null: no end.",
    )
    is_default: bool = strawberry.field(
        default=False,
        description="Make it the legal entity's list of its context for projects without one; "
        "OVERLAPPING_PRICE_LIST when another default of that context covers some of its dates.",
    )

    def to_domain(self) -> prices_edit.NewPriceList:
        return prices_edit.NewPriceList(
            legal_entity_code=self.legal_entity,
            name=self.name,
            context=models.PriceContext(self.context),
            currency_code=self.currency_code,
            valid_from=self.valid_from,
            valid_to=self.valid_to,
            is_default=self.is_default,
        )


@strawberry.input(description="Omitted fields stay; validTo set to null makes the list open.")
class UpdatePriceListInput:
    id: strawberry.ID = strawberry.field(
        description="Global id of one of your price lists; NOT_FOUND otherwise."
    )
    name: str | None = strawberry.field(
        default=None, description="The new name, unique in the legal entity; null keeps it."
    )
    valid_from: dt.date | None = strawberry.field(
        default=None, description="The new first day; null keeps it."
    )
    valid_to: dt.date | None = strawberry.field(
        default=strawberry.UNSET,
        description="The new last day (inclusive); null removes the end, omitted keeps it.",
    )
    is_default: bool | None = strawberry.field(
        default=None,
        description="Make or unmake it the default list of its context; null keeps it.",
    )

    def to_domain(self) -> prices_edit.PriceListChanges:
        return prices_edit.PriceListChanges(
            price_list_id=decode_id(self.id, "PriceList"),
            name=self.name,
            valid_from=self.valid_from,
            valid_to=prices_edit.KEEP if self.valid_to is strawberry.UNSET else self.valid_to,
            is_default=self.is_default,
        )


@strawberry.input(
    description="A price for a transaction category (and unit) in a list; one line per "
    "category and unit (DUPLICATE otherwise)."
)
class AddPriceListLineInput:
    price_list_id: strawberry.ID = strawberry.field(
        description="Global id of one of your price lists; NOT_FOUND otherwise."
    )
    transaction_category_id: strawberry.ID = strawberry.field(
        description="Global id of the transaction category priced; NOT_FOUND otherwise."
    )
    unit_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Global id of the unit the price is per, in the category's unit group "
        "(INCOMPATIBLE_UNITS otherwise); null: the price holds for every unit.",
    )
    pricing_method: PricingMethod = strawberry.field(  # type: ignore[valid-type]
        default=models.PricingMethod.PER_UNIT,
        description="How the line prices; AT_COST and MARKUP only in sales lists (INVALID).",
    )
    price: Decimal | None = strawberry.field(
        default=None,
        description="Price per unit in the list's currency, up to 6 decimals; required for "
        "PER_UNIT (REQUIRED), refused otherwise (INVALID).",
    )
    markup_percent: Decimal | None = strawberry.field(
        default=None,
        description="Percent added to the cost (`15` is 15 %); required for MARKUP (REQUIRED), "
        "refused otherwise (INVALID).",
    )

    def to_domain(self) -> prices_lines.NewPriceListLine:
        return prices_lines.NewPriceListLine(
            price_list_id=decode_id(self.price_list_id, "PriceList", "priceListId"),
            transaction_category_id=decode_id(
                self.transaction_category_id, "TransactionCategory", "transactionCategoryId"
            ),
            unit_id=decode_id(self.unit_id, "Unit", "unitId") if self.unit_id else None,
            pricing_method=models.PricingMethod(self.pricing_method),
            price=self.price,
            markup_percent=self.markup_percent,
        )


@strawberry.input(description="The line's pricing, replaced as a whole.")
class UpdatePriceListLineInput:
    id: strawberry.ID = strawberry.field(
        description="Global id of one of your price list lines; NOT_FOUND otherwise."
    )
    pricing_method: PricingMethod = strawberry.field(  # type: ignore[valid-type]
        description="How the line prices; AT_COST and MARKUP only in sales lists (INVALID)."
    )
    price: Decimal | None = strawberry.field(
        default=None,
        description="Price per unit, up to 6 decimals; required for PER_UNIT, refused otherwise.",
    )
    markup_percent: Decimal | None = strawberry.field(
        default=None,
        description="Percent added to the cost; required for MARKUP, refused otherwise.",
    )

    def to_domain(self) -> prices_lines.PriceListLineChanges:
        return prices_lines.PriceListLineChanges(
            line_id=decode_id(self.id, "PriceListLine"),
            pricing_method=models.PricingMethod(self.pricing_method),
            price=self.price,
            markup_percent=self.markup_percent,
        )


@strawberry.type(description="The result of `createPriceList` and `updatePriceList`.")
class PriceListPayload:
    price_list: PriceList | None = strawberry.field(
        description="The price list as saved; null when `errors` is not empty."
    )
    errors: list[UserError] = strawberry.field(
        description="Why nothing was saved; empty on success."
    )


@strawberry.type(description="The result of `addPriceListLine` and `updatePriceListLine`.")
class PriceListLinePayload:
    price_list_line: PriceListLine | None = strawberry.field(
        description="The line as saved; null when `errors` is not empty."
    )
    errors: list[UserError] = strawberry.field(
        description="Why nothing was saved; empty on success."
    )


@strawberry.type(description="The result of `deletePriceListLine`.")
class DeletePriceListLinePayload:
    deleted_id: strawberry.ID | None = strawberry.field(
        description="Global id of the deleted line; null when `errors` is not empty."
    )
    errors: list[UserError] = strawberry.field(
        description="Why nothing was deleted; empty on success."
    )


def _list_payload(value: models.PriceList | None, errors: list[UserError]) -> PriceListPayload:
    return PriceListPayload(price_list=PriceList.from_row(value) if value else None, errors=errors)


def _line_payload(
    value: models.PriceListLine | None, errors: list[UserError]
) -> PriceListLinePayload:
    line = PriceListLine.from_row(value) if value else None
    return PriceListLinePayload(price_list_line=line, errors=errors)


@strawberry.type
class PricesQuery:
    @strawberry.field(description="Price lists of your legal entities, with their lines.")
    async def price_lists(
        self,
        info: Info,
        legal_entity: OfLegalEntity = None,
        context: Annotated[
            PriceContext | None,  # type: ignore[valid-type]
            strawberry.argument(description="Only the lists of this context."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        order_by: Annotated[OrderBy | None, order_argument("PriceList")] = None,
    ) -> Connection[PriceList]:
        page = await resolvers.price_lists_page(
            info.context,
            legal_entity=legal_entity,
            price_context=models.PriceContext(context) if context else None,
            window=window("PriceList", first, after, last, before, order_of(order_by)),
        )
        return to_connection(page.map(PriceList.from_row))


@strawberry.type
class PricesMutation:
    @strawberry.mutation(description="Accountant: a price list of a legal entity.")
    async def create_price_list(
        self,
        info: Info,
        input: Annotated[
            CreatePriceListInput,
            strawberry.argument(description="The new price list, without lines."),
        ],
    ) -> PriceListPayload:
        outcome = await decoded(
            input.to_domain, lambda data: resolvers.create_price_list(info.context, data)
        )
        return _list_payload(outcome.value, errors_of(outcome))

    @strawberry.mutation(description="Accountant: rename, re-date or (un)make the default.")
    async def update_price_list(
        self,
        info: Info,
        input: Annotated[
            UpdatePriceListInput,
            strawberry.argument(description="The price list and the fields to change."),
        ],
    ) -> PriceListPayload:
        outcome = await decoded(
            input.to_domain, lambda data: resolvers.update_price_list(info.context, data)
        )
        return _list_payload(outcome.value, errors_of(outcome))

    @strawberry.mutation(description="Accountant: a price for a category (and unit).")
    async def add_price_list_line(
        self,
        info: Info,
        input: Annotated[
            AddPriceListLineInput,
            strawberry.argument(description="The price list and the new line."),
        ],
    ) -> PriceListLinePayload:
        outcome = await decoded(
            input.to_domain, lambda data: resolvers.add_price_list_line(info.context, data)
        )
        return _line_payload(outcome.value, errors_of(outcome))

    @strawberry.mutation(description="Accountant: change how a line prices.")
    async def update_price_list_line(
        self,
        info: Info,
        input: Annotated[
            UpdatePriceListLineInput,
            strawberry.argument(description="The line and its new pricing."),
        ],
    ) -> PriceListLinePayload:
        outcome = await decoded(
            input.to_domain, lambda data: resolvers.update_price_list_line(info.context, data)
        )
        return _line_payload(outcome.value, errors_of(outcome))

    @strawberry.mutation(description="Accountant: remove a line.")
    async def delete_price_list_line(
        self, info: Info, input: DeletePriceListLineArgument
    ) -> DeletePriceListLinePayload:
        outcome = await decoded(
            lambda: decode_id(input.id, "PriceListLine"),
            lambda pk: resolvers.delete_price_list_line(info.context, pk),
        )
        return DeletePriceListLinePayload(
            deleted_id=input.id if outcome.value is not None else None,
            errors=errors_of(outcome),
        )
