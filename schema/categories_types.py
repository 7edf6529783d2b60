"""GraphQL object types of the categories (M2), each a Node usable with `node(id:)`."""

from __future__ import annotations

import strawberry

from db.models import categories as models
from db.models import master_data as master_models
from resolvers import categories as resolvers
from resolvers.context import Info
from schema.master_data import LegalEntity
from schema.node import register_node, related
from schema.relay import Node, encode_id
from schema.units import Unit, UnitGroup

TransactionClass = strawberry.enum(models.TransactionClass, name="TransactionClass")


def _optional_id(type_name: str, pk: int | None) -> strawberry.ID | None:
    return encode_id(type_name, pk) if pk is not None else None


@strawberry.type(description="Global; has one shared category per transaction class (M2).")
class TransactionCategory(Node):
    code: str
    name: str
    unit_group_id: strawberry.ID | None

    @classmethod
    def from_row(cls, row: models.TransactionCategory) -> TransactionCategory:
        unit_group = _optional_id("UnitGroup", row.unit_group_id)
        return cls(pk=row.id, code=row.code, name=row.name, unit_group_id=unit_group)

    @strawberry.field(description="Hour, expense, fee, item and on-account, in that order.")
    async def shared_categories(self, info: Info) -> list[SharedCategory]:
        rows = await resolvers.shared_categories_of(info.context, self.pk)
        return [SharedCategory.from_row(row) for row in rows]


@strawberry.type(description="A transaction category in one transaction class (M2).")
class SharedCategory(Node):
    transaction_class: TransactionClass  # type: ignore[valid-type]
    can_be_used_in_expense: bool
    expense_type: str | None
    transaction_category_pk: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: models.SharedCategory) -> SharedCategory:
        return cls(
            pk=row.id,
            transaction_class=models.TransactionClass(row.transaction_class),
            can_be_used_in_expense=row.can_be_used_in_expense,
            expense_type=row.expense_type,
            transaction_category_pk=row.transaction_category_id,
        )

    @strawberry.field
    async def transaction_category(self, info: Info) -> TransactionCategory:
        return await _transaction_category(info, self.transaction_category_pk)


@strawberry.type(description="A legal entity's category for expense lines (M2).")
class ExpenseCategory(Node):
    code: str
    name: str
    default_account_id: strawberry.ID | None
    legal_entity_pk: strawberry.Private[int]
    shared_category_pk: strawberry.Private[int]
    transaction_category_pk: strawberry.Private[int]
    unit_group_pk: strawberry.Private[int | None]
    default_unit_pk: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: models.ExpenseCategory) -> ExpenseCategory:
        return cls(
            pk=row.id,
            code=row.code,
            name=row.name,
            default_account_id=_optional_id("Account", row.default_account_id),
            legal_entity_pk=row.legal_entity_id,
            shared_category_pk=row.shared_category_id,
            transaction_category_pk=row.transaction_category_id,
            unit_group_pk=row.unit_group_id,
            default_unit_pk=row.default_unit_id,
        )

    @strawberry.field
    async def legal_entity(self, info: Info) -> LegalEntity:
        return await _legal_entity(info, self.legal_entity_pk)

    @strawberry.field
    async def shared_category(self, info: Info) -> SharedCategory:
        row = await resolvers.shared_category(info.context, self.shared_category_pk)
        assert row is not None  # global row behind a foreign key
        return SharedCategory.from_row(row)

    @strawberry.field
    async def transaction_category(self, info: Info) -> TransactionCategory:
        return await _transaction_category(info, self.transaction_category_pk)

    @strawberry.field(description="The unit group expense lines are measured in (M3).")
    async def unit_group(self, info: Info) -> UnitGroup | None:
        return await related(info, master_models.UnitGroup, self.unit_group_pk, UnitGroup.from_row)

    @strawberry.field(description="The unit of a line that names none; else the group's base.")
    async def default_unit(self, info: Info) -> Unit | None:
        return await related(info, master_models.Unit, self.default_unit_pk, Unit.from_row)


@strawberry.type(description="A legal entity's category for a transaction category (J3).")
class ProjectCategory(Node):
    code: str
    name: str
    legal_entity_pk: strawberry.Private[int]
    transaction_category_pk: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: models.ProjectCategory) -> ProjectCategory:
        return cls(
            pk=row.id,
            code=row.code,
            name=row.name,
            legal_entity_pk=row.legal_entity_id,
            transaction_category_pk=row.transaction_category_id,
        )

    @strawberry.field
    async def legal_entity(self, info: Info) -> LegalEntity:
        return await _legal_entity(info, self.legal_entity_pk)

    @strawberry.field
    async def transaction_category(self, info: Info) -> TransactionCategory:
        return await _transaction_category(info, self.transaction_category_pk)


async def _transaction_category(info: Info, pk: int) -> TransactionCategory:
    row = await resolvers.transaction_category(info.context, pk)
    assert row is not None  # global row behind a foreign key
    return TransactionCategory.from_row(row)


async def _legal_entity(info: Info, pk: int) -> LegalEntity:
    row = await resolvers.legal_entity(info.context, pk)
    assert row is not None  # the category was read inside the caller's legal entities
    return LegalEntity.from_row(row)


register_node("TransactionCategory", models.TransactionCategory, TransactionCategory.from_row)
register_node("SharedCategory", models.SharedCategory, SharedCategory.from_row)
register_node("ExpenseCategory", models.ExpenseCategory, ExpenseCategory.from_row)
register_node("ProjectCategory", models.ProjectCategory, ProjectCategory.from_row)
