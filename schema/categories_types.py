"""GraphQL object types of the categories (M2), each a Node usable with `node(id:)`."""

from __future__ import annotations

import strawberry

from db.models import categories as models
from db.models import master_data as master_models
from resolvers import categories as resolvers
from resolvers.context import Info
from schema.master_data import LegalEntity
from schema.node import register_node, related
from schema.parameters_accounts import Account
from schema.projects_totals import described_enum
from schema.relay import Node
from schema.units import Unit, UnitGroup

TransactionClass = described_enum(
    models.TransactionClass,
    "TransactionClass",
    "What kind of transaction a category records (M2).",
    {
        "HOUR": "Time worked, in hours.",
        "EXPENSE": "Expenses: travel, meals, purchases on an expense report or vendor invoice.",
        "FEE": "Fees charged to the customer.",
        "ITEM": "Materials and items used on the project.",
        "ON_ACCOUNT": "On-account (advance) amounts billed before the work.",
    },
)


@strawberry.type(description="Global; has one shared category per transaction class (M2).")
class TransactionCategory(Node):
    code: str = strawberry.field(
        description="Unique short code, e.g. TRAVEL; how people and imports refer to it."
    )
    name: str = strawberry.field(description="Display name.")
    unit_group_pk: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: models.TransactionCategory) -> TransactionCategory:
        return cls(pk=row.id, code=row.code, name=row.name, unit_group_pk=row.unit_group_id)

    @strawberry.field(
        description="The unit group its quantities are measured in (M3); null when it has none."
    )
    async def unit_group(self, info: Info) -> UnitGroup | None:
        return await related(info, master_models.UnitGroup, self.unit_group_pk, UnitGroup.from_row)

    @strawberry.field(description="Hour, expense, fee, item and on-account, in that order.")
    async def shared_categories(self, info: Info) -> list[SharedCategory]:
        rows = await resolvers.shared_categories_of(info.context, self.pk)
        return [SharedCategory.from_row(row) for row in rows]


@strawberry.type(description="A transaction category in one transaction class (M2).")
class SharedCategory(Node):
    transaction_class: TransactionClass = strawberry.field(  # type: ignore[valid-type]
        description="The transaction class this shared category stands for."
    )
    can_be_used_in_expense: bool = strawberry.field(
        description="True when expense categories may be created from it (class Expense only, M2)."
    )
    expense_type: str | None = strawberry.field(
        description="Kind of expense (e.g. Travel) for class Expense; null for the other "
        "classes or when unset."
    )
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

    @strawberry.field(description="The transaction category it belongs to.")
    async def transaction_category(self, info: Info) -> TransactionCategory:
        return await _transaction_category(info, self.transaction_category_pk)


@strawberry.type(description="A legal entity's category for expense lines (M2).")
class ExpenseCategory(Node):
    code: str = strawberry.field(description="Code, unique within the legal entity.")
    name: str = strawberry.field(description="Display name shown on expense lines.")
    default_account_pk: strawberry.Private[int | None]
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
            default_account_pk=row.default_account_id,
            legal_entity_pk=row.legal_entity_id,
            shared_category_pk=row.shared_category_id,
            transaction_category_pk=row.transaction_category_id,
            unit_group_pk=row.unit_group_id,
            default_unit_pk=row.default_unit_id,
        )

    @strawberry.field(
        description="The ledger account an expense line of this category without a project "
        "debits (E4); null when none is set."
    )
    async def default_account(self, info: Info) -> Account | None:
        return await related(info, master_models.Account, self.default_account_pk, Account.from_row)

    @strawberry.field(
        description="The legal entity that owns the category; only its expense reports may "
        "use it (M1)."
    )
    async def legal_entity(self, info: Info) -> LegalEntity:
        return await _legal_entity(info, self.legal_entity_pk)

    @strawberry.field(description="The shared category of class Expense it was created from (M2).")
    async def shared_category(self, info: Info) -> SharedCategory:
        row = await resolvers.shared_category(info.context, self.shared_category_pk)
        assert row is not None  # global row behind a foreign key
        return SharedCategory.from_row(row)

    @strawberry.field(
        description="The transaction category behind it (that of its shared category)."
    )
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
    code: str = strawberry.field(description="Code, unique within the legal entity.")
    name: str = strawberry.field(description="Display name.")
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

    @strawberry.field(description="The legal entity that owns the category (M1).")
    async def legal_entity(self, info: Info) -> LegalEntity:
        return await _legal_entity(info, self.legal_entity_pk)

    @strawberry.field(
        description="The transaction category it stands for in this legal entity; journal "
        "lines of actuals of that category get this project category (J3)."
    )
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
