"""GraphQL types for unit groups and units (M3)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

import strawberry

from db.models import master_data as models
from domain import units as domain
from resolvers import units as resolvers
from resolvers.context import Info
from schema.errors import UserError
from schema.mutations import decoded, errors_of
from schema.nested_lists import ALL, NestedFirst, nested_first
from schema.node import register_node
from schema.orders import OrderBy, order_argument
from schema.pages import After, Before, First, Last, order_of, to_connection, window
from schema.relay import Connection, Node, decode_id


@strawberry.type(description="A unit with its factor to the group's base unit (Week = 7 Day).")
class Unit(Node):
    code: str = strawberry.field(description="Short code, unique in its group (e.g. `Week`).")
    name: str = strawberry.field(description="The unit's name.")
    factor: Decimal = strawberry.field(
        description="How many base units one of this unit is (Week: 7 when Day is the base); 1 "
        "for the base unit."
    )
    unit_group_pk: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: models.Unit) -> Unit:
        return cls(
            pk=row.id,
            code=row.code,
            name=row.name,
            factor=row.factor,
            unit_group_pk=row.unit_group_id,
        )

    @strawberry.field(description="The group the unit converts within.")
    async def unit_group(self, info: Info) -> UnitGroup | None:
        row = await resolvers.unit_group(info.context, self.unit_group_pk)
        return UnitGroup.from_row(row) if row is not None else None


@strawberry.type(description="Units that convert into each other; global to every company.")
class UnitGroup(Node):
    code: str = strawberry.field(description="Short code, unique (e.g. `Time`).")
    name: str = strawberry.field(description="The group's name.")
    base_unit_pk: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: models.UnitGroup) -> UnitGroup:
        return cls(pk=row.id, code=row.code, name=row.name, base_unit_pk=row.base_unit_id)

    @strawberry.field(description="The unit every factor of the group is relative to (factor 1).")
    async def base_unit(self, info: Info) -> Unit | None:
        if self.base_unit_pk is None:
            return None
        row = await resolvers.unit(info.context, self.base_unit_pk)
        return Unit.from_row(row) if row is not None else None

    @strawberry.field(description="Every unit of the group, the base unit included.")
    async def units(self, info: Info, first: NestedFirst = ALL) -> list[Unit]:
        rows = await resolvers.units_of(info.context, self.pk, nested_first(first))
        return [Unit.from_row(row) for row in rows]


register_node("Unit", models.Unit, Unit.from_row)
register_node("UnitGroup", models.UnitGroup, UnitGroup.from_row)


@strawberry.input(description="A group and its base unit (factor 1), created together.")
class CreateUnitGroupInput:
    code: str = strawberry.field(
        description="1-30 letters, digits, '_', '.' or '-', unique (DUPLICATE otherwise)."
    )
    name: str = strawberry.field(description="The group's name; REQUIRED when blank.")
    base_unit_code: str = strawberry.field(
        description="Code of the base unit, 1-30 letters, digits, '_', '.' or '-'."
    )
    base_unit_name: str = strawberry.field(
        description="Name of the base unit; REQUIRED when blank."
    )

    def to_domain(self) -> domain.NewUnitGroup:
        return domain.NewUnitGroup(
            code=self.code,
            name=self.name,
            base_unit_code=self.base_unit_code,
            base_unit_name=self.base_unit_name,
        )


@strawberry.input(description="A new unit of an existing group.")
class CreateUnitInput:
    unit_group_id: strawberry.ID = strawberry.field(
        description="Global id of the unit group; NOT_FOUND otherwise."
    )
    code: str = strawberry.field(
        description="1-30 letters, digits, '_', '.' or '-', unique in the group (DUPLICATE "
        "otherwise)."
    )
    name: str = strawberry.field(description="The unit's name; REQUIRED when blank.")
    factor: Decimal = strawberry.field(
        description="How many base units one of this unit is: above 0, up to 6 decimals."
    )

    def to_domain(self) -> domain.NewUnit:
        return domain.NewUnit(
            unit_group_id=decode_id(self.unit_group_id, "UnitGroup", "unitGroupId"),
            code=self.code,
            name=self.name,
            factor=self.factor,
        )


@strawberry.type(description="The result of `createUnitGroup`.")
class UnitGroupPayload:
    unit_group: UnitGroup | None = strawberry.field(
        description="The new group with its base unit; null when `errors` is not empty."
    )
    errors: list[UserError] = strawberry.field(
        description="Why nothing was created; empty on success."
    )


@strawberry.type(description="The result of `createUnit`.")
class UnitPayload:
    unit: Unit | None = strawberry.field(
        description="The new unit; null when `errors` is not empty."
    )
    errors: list[UserError] = strawberry.field(
        description="Why nothing was created; empty on success."
    )


@strawberry.type
class UnitsQuery:
    @strawberry.field(description="Unit groups with their units.")
    async def unit_groups(
        self,
        info: Info,
        code: Annotated[
            str | None, strawberry.argument(description="Only the group with this code.")
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        order_by: Annotated[OrderBy | None, order_argument("UnitGroup")] = None,
    ) -> Connection[UnitGroup]:
        page = await resolvers.unit_groups_page(
            info.context,
            code=code,
            window=window("UnitGroup", first, after, last, before, order_of(order_by)),
        )
        return to_connection(page.map(UnitGroup.from_row))


@strawberry.type
class UnitsMutation:
    @strawberry.mutation(description="Admin: a unit group with its base unit.")
    async def create_unit_group(
        self,
        info: Info,
        input: Annotated[
            CreateUnitGroupInput,
            strawberry.argument(description="The new group and its base unit."),
        ],
    ) -> UnitGroupPayload:
        outcome = await decoded(
            input.to_domain, lambda data: resolvers.create_unit_group(info.context, data)
        )
        return UnitGroupPayload(
            unit_group=UnitGroup.from_row(outcome.value) if outcome.value else None,
            errors=errors_of(outcome),
        )

    @strawberry.mutation(description="Admin: a unit of a group with its factor to the base.")
    async def create_unit(
        self,
        info: Info,
        input: Annotated[
            CreateUnitInput,
            strawberry.argument(description="The group, code, name and factor of the new unit."),
        ],
    ) -> UnitPayload:
        outcome = await decoded(
            input.to_domain, lambda data: resolvers.create_unit(info.context, data)
        )
        return UnitPayload(
            unit=Unit.from_row(outcome.value) if outcome.value else None,
            errors=errors_of(outcome),
        )
