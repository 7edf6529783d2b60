"""Price list queries, inputs and mutations (M4); the object types are in prices_types."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import strawberry

from db.models import prices as models
from domain import prices_edit, prices_lines
from resolvers import prices as resolvers
from resolvers.context import Info
from schema.errors import UserError
from schema.pages import after_key, to_connection
from schema.prices_types import PriceContext, PriceList, PriceListLine, PricingMethod
from schema.relay import Connection, decode_id


@strawberry.input
class CreatePriceListInput:
    legal_entity: str
    name: str
    context: PriceContext  # type: ignore[valid-type]
    currency_code: str
    valid_from: dt.date
    valid_to: dt.date | None = None
    is_default: bool = False

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
    id: strawberry.ID
    name: str | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = strawberry.UNSET
    is_default: bool | None = None

    def to_domain(self) -> prices_edit.PriceListChanges:
        return prices_edit.PriceListChanges(
            price_list_id=decode_id(self.id, "PriceList"),
            name=self.name,
            valid_from=self.valid_from,
            valid_to=prices_edit.KEEP if self.valid_to is strawberry.UNSET else self.valid_to,
            is_default=self.is_default,
        )


@strawberry.input
class AddPriceListLineInput:
    price_list_id: strawberry.ID
    transaction_category_id: strawberry.ID
    unit_id: strawberry.ID | None = None
    pricing_method: PricingMethod = models.PricingMethod.PER_UNIT  # type: ignore[valid-type]
    price: Decimal | None = None
    markup_percent: Decimal | None = None

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
    id: strawberry.ID
    pricing_method: PricingMethod  # type: ignore[valid-type]
    price: Decimal | None = None
    markup_percent: Decimal | None = None

    def to_domain(self) -> prices_lines.PriceListLineChanges:
        return prices_lines.PriceListLineChanges(
            line_id=decode_id(self.id, "PriceListLine"),
            pricing_method=models.PricingMethod(self.pricing_method),
            price=self.price,
            markup_percent=self.markup_percent,
        )


@strawberry.type
class PriceListPayload:
    price_list: PriceList | None
    errors: list[UserError]


@strawberry.type
class PriceListLinePayload:
    price_list_line: PriceListLine | None
    errors: list[UserError]


@strawberry.type
class DeletePriceListLinePayload:
    deleted_id: strawberry.ID | None
    errors: list[UserError]


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
        legal_entity: str | None = None,
        context: PriceContext | None = None,  # type: ignore[valid-type]
        first: int = 50,
        after: str | None = None,
    ) -> Connection[PriceList]:
        page = await resolvers.price_lists_page(
            info.context,
            legal_entity=legal_entity,
            price_context=models.PriceContext(context) if context else None,
            first=first,
            after=after_key(after),
        )
        return to_connection(page.map(PriceList.from_row))


@strawberry.type
class PricesMutation:
    @strawberry.mutation(description="Accountant: a price list of a legal entity.")
    async def create_price_list(self, info: Info, input: CreatePriceListInput) -> PriceListPayload:
        outcome = await resolvers.create_price_list(info.context, input.to_domain)
        return _list_payload(outcome.value, [UserError.from_domain(e) for e in outcome.errors])

    @strawberry.mutation(description="Accountant: rename, re-date or (un)make the default.")
    async def update_price_list(self, info: Info, input: UpdatePriceListInput) -> PriceListPayload:
        outcome = await resolvers.update_price_list(info.context, input.to_domain)
        return _list_payload(outcome.value, [UserError.from_domain(e) for e in outcome.errors])

    @strawberry.mutation(description="Accountant: a price for a category (and unit).")
    async def add_price_list_line(
        self, info: Info, input: AddPriceListLineInput
    ) -> PriceListLinePayload:
        outcome = await resolvers.add_price_list_line(info.context, input.to_domain)
        return _line_payload(outcome.value, [UserError.from_domain(e) for e in outcome.errors])

    @strawberry.mutation(description="Accountant: change how a line prices.")
    async def update_price_list_line(
        self, info: Info, input: UpdatePriceListLineInput
    ) -> PriceListLinePayload:
        outcome = await resolvers.update_price_list_line(info.context, input.to_domain)
        return _line_payload(outcome.value, [UserError.from_domain(e) for e in outcome.errors])

    @strawberry.mutation(description="Accountant: remove a line.")
    async def delete_price_list_line(
        self, info: Info, id: strawberry.ID
    ) -> DeletePriceListLinePayload:
        outcome = await resolvers.delete_price_list_line(
            info.context, lambda: decode_id(id, "PriceListLine")
        )
        return DeletePriceListLinePayload(
            deleted_id=id if outcome.value is not None else None,
            errors=[UserError.from_domain(error) for error in outcome.errors],
        )
