"""Financial dimensions as master data (J4): the `financialDimensions` query and the mutations
that create, rename and (de)activate dimensions and their values (accountant or admin).

Object types are in schema/dimensions_types.py; the compiled path answers the query in
compiler/dimensions.py."""

from __future__ import annotations

from typing import Annotated

import strawberry

from db.models import dimensions as models
from domain import dimensions as domain
from resolvers import dimensions as resolvers
from resolvers.context import Info
from resolvers.mutations import Outcome
from schema.dimensions_types import FinancialDimension, FinancialDimensionValue
from schema.errors import UserError
from schema.mutations import decoded, errors_of
from schema.orders import OrderBy, order_argument
from schema.pages import After, Before, First, Last, order_of, to_connection, window
from schema.relay import Connection, decode_id

KEEPS = "Absent or null keeps it."


@strawberry.input(description="A new financial dimension of one of your legal entities.")
class CreateFinancialDimensionInput:
    legal_entity: str = strawberry.field(description="The legal entity's code, e.g. USPM.")
    code: str = strawberry.field(description="Unique within the legal entity, e.g. Department.")
    name: str = strawberry.field(description="What the dimension is called.")

    def to_domain(self) -> domain.NewDimension:
        return domain.NewDimension(self.legal_entity, self.code, self.name)


@strawberry.input(description="A new name or activity of a financial dimension.")
class UpdateFinancialDimensionInput:
    id: strawberry.ID = strawberry.field(description="The FinancialDimension.")
    name: str | None = strawberry.field(default=None, description=KEEPS)
    active: bool | None = strawberry.field(
        default=None, description=f"False stops it being distributed to and posted. {KEEPS}"
    )

    def to_domain(self) -> domain.DimensionChanges:
        dimension_id = decode_id(self.id, "FinancialDimension")
        return domain.DimensionChanges(dimension_id, self.name, self.active)


@strawberry.input(description="A new allowed value of a financial dimension.")
class AddFinancialDimensionValueInput:
    dimension_id: strawberry.ID = strawberry.field(description="The FinancialDimension.")
    value: str = strawberry.field(description="Unique within the dimension, e.g. Sales.")
    name: str = strawberry.field(default="", description="What the value stands for.")

    def to_domain(self) -> domain.NewDimensionValue:
        dimension_id = decode_id(self.dimension_id, "FinancialDimension", "dimensionId")
        return domain.NewDimensionValue(dimension_id, self.value, self.name)


@strawberry.input(description="A new name or activity of a financial dimension value.")
class UpdateFinancialDimensionValueInput:
    id: strawberry.ID = strawberry.field(description="The FinancialDimensionValue.")
    name: str | None = strawberry.field(default=None, description=KEEPS)
    active: bool | None = strawberry.field(
        default=None, description=f"False stops it being distributed to and posted. {KEEPS}"
    )

    def to_domain(self) -> domain.DimensionValueChanges:
        value_id = decode_id(self.id, "FinancialDimensionValue")
        return domain.DimensionValueChanges(value_id, self.name, self.active)


@strawberry.type(description="The financial dimension; null when `errors` says why not.")
class FinancialDimensionPayload:
    financial_dimension: FinancialDimension | None = strawberry.field(description="As it is now.")
    errors: list[UserError] = strawberry.field(description="Why nothing was written.")

    @classmethod
    def of(cls, outcome: Outcome[models.FinancialDimension]) -> FinancialDimensionPayload:
        row = outcome.value
        dimension = FinancialDimension.from_row(row) if row is not None else None
        return cls(financial_dimension=dimension, errors=errors_of(outcome))


@strawberry.type(description="The dimension value; null when `errors` says why not.")
class FinancialDimensionValuePayload:
    financial_dimension_value: FinancialDimensionValue | None = strawberry.field(
        description="As it is now."
    )
    errors: list[UserError] = strawberry.field(description="Why nothing was written.")

    @classmethod
    def of(cls, outcome: Outcome[models.FinancialDimensionValue]) -> FinancialDimensionValuePayload:
        row = outcome.value
        value = FinancialDimensionValue.from_row(row) if row is not None else None
        return cls(financial_dimension_value=value, errors=errors_of(outcome))


@strawberry.type
class DimensionsQuery:
    @strawberry.field(description="The financial dimensions of one of your legal entities.")
    async def financial_dimensions(
        self,
        info: Info,
        legal_entity: Annotated[
            str, strawberry.argument(description="The legal entity's code, e.g. USPM.")
        ],
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        order_by: Annotated[OrderBy | None, order_argument("FinancialDimension")] = None,
    ) -> Connection[FinancialDimension]:
        page = await resolvers.financial_dimensions(
            info.context,
            legal_entity=legal_entity,
            window=window("FinancialDimension", first, after, last, before, order_of(order_by)),
        )
        return to_connection(page.map(FinancialDimension.from_row))


@strawberry.type
class DimensionsMutation:
    @strawberry.mutation(description="Accountant: a financial dimension, active (J4).")
    async def create_financial_dimension(
        self,
        info: Info,
        input: Annotated[
            CreateFinancialDimensionInput, strawberry.argument(description="The dimension.")
        ],
    ) -> FinancialDimensionPayload:
        outcome = await decoded(
            input.to_domain, lambda data: resolvers.create_dimension(info.context, data)
        )
        return FinancialDimensionPayload.of(outcome)

    @strawberry.mutation(description="Accountant: rename, deactivate or reactivate a dimension.")
    async def update_financial_dimension(
        self,
        info: Info,
        input: Annotated[
            UpdateFinancialDimensionInput, strawberry.argument(description="The changes.")
        ],
    ) -> FinancialDimensionPayload:
        outcome = await decoded(
            input.to_domain, lambda data: resolvers.update_dimension(info.context, data)
        )
        return FinancialDimensionPayload.of(outcome)

    @strawberry.mutation(description="Accountant: an allowed value of a dimension, active (J4).")
    async def add_financial_dimension_value(
        self,
        info: Info,
        input: Annotated[
            AddFinancialDimensionValueInput, strawberry.argument(description="The value.")
        ],
    ) -> FinancialDimensionValuePayload:
        outcome = await decoded(
            input.to_domain, lambda data: resolvers.add_dimension_value(info.context, data)
        )
        return FinancialDimensionValuePayload.of(outcome)

    @strawberry.mutation(description="Accountant: rename, deactivate or reactivate a value.")
    async def update_financial_dimension_value(
        self,
        info: Info,
        input: Annotated[
            UpdateFinancialDimensionValueInput, strawberry.argument(description="The changes.")
        ],
    ) -> FinancialDimensionValuePayload:
        outcome = await decoded(
            input.to_domain, lambda data: resolvers.update_dimension_value(info.context, data)
        )
        return FinancialDimensionValuePayload.of(outcome)
