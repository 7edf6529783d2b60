"""Inputs of the category mutations; `to_domain` decodes their global ids (M2).

`to_domain` runs inside the mutation's transaction (see resolvers/categories.py), so a
malformed id, or the id of another type, is a typed payload error and nothing is written."""

from __future__ import annotations

import strawberry

from domain import categories as domain
from domain import categories_entity as entity_domain
from schema.relay import decode_id, decode_optional_id


def _maybe(
    given: strawberry.Maybe[strawberry.ID | None], type_name: str, field: str
) -> int | domain.Keep | None:
    """An absent field keeps the value (KEEP), a null one clears it."""
    return decode_optional_id(given.value, type_name, field) if given else domain.KEEP


@strawberry.input(
    description="A new global transaction category; its five shared categories are "
    "created with it (M2)."
)
class CreateTransactionCategoryInput:
    code: str = strawberry.field(description="Unique code, e.g. TRAVEL (DUPLICATE when taken).")
    name: str = strawberry.field(description="Display name.")
    unit_group_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Global id of the UnitGroup its quantities are measured in (M3); "
        "omitted or null, none.",
    )

    def to_domain(self) -> domain.NewTransactionCategory:
        unit_group = decode_optional_id(self.unit_group_id, "UnitGroup", "unitGroupId")
        return domain.NewTransactionCategory(self.code, self.name, unit_group)


@strawberry.input(description="Only a shared category of class expense has these settings.")
class UpdateSharedCategoryInput:
    id: strawberry.ID = strawberry.field(description="Global id of the SharedCategory to change.")
    can_be_used_in_expense: bool | None = strawberry.field(
        default=None,
        description="Whether expense categories may be created from it; omitted or null keeps it.",
    )
    expense_type: strawberry.Maybe[str | None] = strawberry.field(
        default=None, description="Absent keeps it, null clears it."
    )

    def to_domain(self) -> domain.SharedCategoryChanges:
        return domain.SharedCategoryChanges(
            shared_category_id=decode_id(self.id, "SharedCategory"),
            can_be_used_in_expense=self.can_be_used_in_expense,
            expense_type=self.expense_type.value if self.expense_type else domain.KEEP,
        )


@strawberry.input(description="From a shared category of class expense usable in expense.")
class CreateExpenseCategoryInput:
    legal_entity: str = strawberry.field(
        description="Code of the legal entity that will own the category (e.g. USMF)."
    )
    code: str = strawberry.field(description="Code, unique within the legal entity.")
    name: str = strawberry.field(description="Display name shown on expense lines.")
    shared_category_id: strawberry.ID = strawberry.field(
        description="Global id of a SharedCategory of class Expense that may be used in "
        "expenses (M2)."
    )
    default_account_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Global id of the Account that lines without a project debit (E4); "
        "omitted, none.",
    )
    unit_group_id: strawberry.ID | None = strawberry.field(
        default=None, description="The unit group expense lines are measured in (M3)."
    )
    default_unit_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="A unit of the group, the lines' default; alone, it names the group.",
    )

    def to_domain(self) -> entity_domain.NewExpenseCategory:
        return entity_domain.NewExpenseCategory(
            legal_entity=self.legal_entity,
            code=self.code,
            name=self.name,
            shared_category_id=decode_id(
                self.shared_category_id, "SharedCategory", "sharedCategoryId"
            ),
            default_account_id=decode_optional_id(
                self.default_account_id, "Account", "defaultAccountId"
            ),
            unit_group_id=decode_optional_id(self.unit_group_id, "UnitGroup", "unitGroupId"),
            default_unit_id=decode_optional_id(self.default_unit_id, "Unit", "defaultUnitId"),
        )


@strawberry.input(description="Absent or null code and name keep theirs.")
class UpdateExpenseCategoryInput:
    id: strawberry.ID = strawberry.field(description="Global id of the ExpenseCategory to change.")
    code: str | None = strawberry.field(
        default=None,
        description="New code, unique within the legal entity; omitted or null keeps it.",
    )
    name: str | None = strawberry.field(
        default=None, description="New display name; omitted or null keeps it."
    )
    default_account_id: strawberry.Maybe[strawberry.ID | None] = strawberry.field(
        default=None, description="Absent keeps it, null clears it."
    )
    unit_group_id: strawberry.Maybe[strawberry.ID | None] = strawberry.field(
        default=None,
        description="Absent keeps it, null clears it (and a kept default unit with it).",
    )
    default_unit_id: strawberry.Maybe[strawberry.ID | None] = strawberry.field(
        default=None, description="Absent keeps it, null clears it; a unit of the group."
    )

    def to_domain(self) -> entity_domain.ExpenseCategoryChanges:
        return entity_domain.ExpenseCategoryChanges(
            expense_category_id=decode_id(self.id, "ExpenseCategory"),
            code=self.code,
            name=self.name,
            default_account_id=_maybe(self.default_account_id, "Account", "defaultAccountId"),
            unit_group_id=_maybe(self.unit_group_id, "UnitGroup", "unitGroupId"),
            default_unit_id=_maybe(self.default_unit_id, "Unit", "defaultUnitId"),
        )


@strawberry.input(
    description="A legal entity's project category for one transaction category (one per pair, J3)."
)
class CreateProjectCategoryInput:
    legal_entity: str = strawberry.field(
        description="Code of the legal entity that will own the category (e.g. USMF)."
    )
    code: str = strawberry.field(description="Code, unique within the legal entity.")
    name: str = strawberry.field(description="Display name.")
    transaction_category_id: strawberry.ID = strawberry.field(
        description="Global id of the TransactionCategory it stands for."
    )

    def to_domain(self) -> entity_domain.NewProjectCategory:
        return entity_domain.NewProjectCategory(
            legal_entity=self.legal_entity,
            code=self.code,
            name=self.name,
            transaction_category_id=decode_id(
                self.transaction_category_id, "TransactionCategory", "transactionCategoryId"
            ),
        )


@strawberry.input(description="Absent or null code and name keep theirs.")
class UpdateProjectCategoryInput:
    id: strawberry.ID = strawberry.field(description="Global id of the ProjectCategory to change.")
    code: str | None = strawberry.field(
        default=None,
        description="New code, unique within the legal entity; omitted or null keeps it.",
    )
    name: str | None = strawberry.field(
        default=None, description="New display name; omitted or null keeps it."
    )

    def to_domain(self) -> entity_domain.ProjectCategoryChanges:
        return entity_domain.ProjectCategoryChanges(
            project_category_id=decode_id(self.id, "ProjectCategory"),
            code=self.code,
            name=self.name,
        )


@strawberry.input(description="A category to delete; refused while anything uses it.")
class DeleteCategoryInput:
    id: strawberry.ID = strawberry.field(
        description="Global id of the category to delete (of the type the mutation names)."
    )
