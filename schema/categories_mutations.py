"""Categories (M2): the mutations and their payloads. Inputs are in categories_inputs.py."""

from __future__ import annotations

from typing import Annotated

import strawberry

from db.models import categories as models
from resolvers import categories as resolvers
from resolvers.context import Info
from resolvers.mutations import Outcome
from schema.categories_inputs import (
    CreateExpenseCategoryInput,
    CreateProjectCategoryInput,
    CreateTransactionCategoryInput,
    DeleteCategoryInput,
    UpdateExpenseCategoryInput,
    UpdateProjectCategoryInput,
    UpdateSharedCategoryInput,
)
from schema.categories_types import (
    ExpenseCategory,
    ProjectCategory,
    SharedCategory,
    TransactionCategory,
)
from schema.errors import UserError
from schema.mutations import decoded, errors_of
from schema.relay import decode_id, encode_id


@strawberry.type(description="The result of creating a transaction category.")
class TransactionCategoryPayload:
    transaction_category: TransactionCategory | None = strawberry.field(
        description="The category as saved; null when `errors` says why not."
    )
    errors: list[UserError] = strawberry.field(
        description="Why nothing was saved; empty on success."
    )


@strawberry.type(description="The result of updating a shared category.")
class SharedCategoryPayload:
    shared_category: SharedCategory | None = strawberry.field(
        description="The shared category as saved; null when `errors` says why not."
    )
    errors: list[UserError] = strawberry.field(
        description="Why nothing was saved; empty on success."
    )


@strawberry.type(description="The result of creating or updating an expense category.")
class ExpenseCategoryPayload:
    expense_category: ExpenseCategory | None = strawberry.field(
        description="The category as saved; null when `errors` says why not."
    )
    errors: list[UserError] = strawberry.field(
        description="Why nothing was saved; empty on success."
    )


@strawberry.type(description="The result of creating or updating a project category.")
class ProjectCategoryPayload:
    project_category: ProjectCategory | None = strawberry.field(
        description="The category as saved; null when `errors` says why not."
    )
    errors: list[UserError] = strawberry.field(
        description="Why nothing was saved; empty on success."
    )


@strawberry.type(description="The result of deleting a category.")
class DeleteCategoryPayload:
    deleted_id: strawberry.ID | None = strawberry.field(
        description="Global id of the deleted category; null when `errors` says why it was kept."
    )
    errors: list[UserError] = strawberry.field(
        description="Why nothing was deleted (IN_USE while rows use it); empty on success."
    )

    @classmethod
    def from_outcome(cls, type_name: str, outcome: Outcome[int]) -> DeleteCategoryPayload:
        deleted = encode_id(type_name, outcome.value) if outcome.value else None
        return cls(deleted_id=deleted, errors=errors_of(outcome))


@strawberry.type
class CategoriesMutation:
    @strawberry.mutation(description="Admin: a global category with its five shared ones.")
    async def create_transaction_category(
        self,
        info: Info,
        input: Annotated[
            CreateTransactionCategoryInput,
            strawberry.argument(description="Code, name and unit group of the new category."),
        ],
    ) -> TransactionCategoryPayload:
        outcome = await decoded(
            input.to_domain, lambda data: resolvers.create_transaction_category(info.context, data)
        )
        row = outcome.value
        return TransactionCategoryPayload(
            transaction_category=TransactionCategory.from_row(row) if row else None,
            errors=errors_of(outcome),
        )

    @strawberry.mutation(description="Admin: refused while anything uses it.")
    async def delete_transaction_category(
        self,
        info: Info,
        input: Annotated[
            DeleteCategoryInput,
            strawberry.argument(description="The transaction category to delete."),
        ],
    ) -> DeleteCategoryPayload:
        outcome = await decoded(
            lambda: decode_id(input.id, "TransactionCategory"),
            lambda pk: resolvers.delete_transaction_category(info.context, pk),
        )
        return DeleteCategoryPayload.from_outcome("TransactionCategory", outcome)

    @strawberry.mutation(description="Admin: the expense settings of an expense-class one.")
    async def update_shared_category(
        self,
        info: Info,
        input: Annotated[
            UpdateSharedCategoryInput,
            strawberry.argument(description="The shared category and its new expense settings."),
        ],
    ) -> SharedCategoryPayload:
        outcome = await decoded(
            input.to_domain, lambda data: resolvers.update_shared_category(info.context, data)
        )
        row = outcome.value
        return SharedCategoryPayload(
            shared_category=SharedCategory.from_row(row) if row else None,
            errors=errors_of(outcome),
        )

    @strawberry.mutation(
        description="Accountant: a legal entity's expense category, from a shared category "
        "of class Expense usable in expenses (M2); NOT_EXPENSE_CLASS or "
        "NOT_USABLE_IN_EXPENSE otherwise."
    )
    async def create_expense_category(
        self,
        info: Info,
        input: Annotated[
            CreateExpenseCategoryInput,
            strawberry.argument(
                description="The legal entity, shared category and fields of the new category."
            ),
        ],
    ) -> ExpenseCategoryPayload:
        outcome = await decoded(
            input.to_domain, lambda data: resolvers.create_expense_category(info.context, data)
        )
        return _expense_payload(outcome)

    @strawberry.mutation(
        description="Accountant: change an expense category's name, default account or "
        "units; omitted fields stay."
    )
    async def update_expense_category(
        self,
        info: Info,
        input: Annotated[
            UpdateExpenseCategoryInput,
            strawberry.argument(description="The expense category and the fields to change."),
        ],
    ) -> ExpenseCategoryPayload:
        outcome = await decoded(
            input.to_domain, lambda data: resolvers.update_expense_category(info.context, data)
        )
        return _expense_payload(outcome)

    @strawberry.mutation(description="Accountant: refused while expense lines use it.")
    async def delete_expense_category(
        self,
        info: Info,
        input: Annotated[
            DeleteCategoryInput, strawberry.argument(description="The expense category to delete.")
        ],
    ) -> DeleteCategoryPayload:
        outcome = await decoded(
            lambda: decode_id(input.id, "ExpenseCategory"),
            lambda pk: resolvers.delete_expense_category(info.context, pk),
        )
        return DeleteCategoryPayload.from_outcome("ExpenseCategory", outcome)

    @strawberry.mutation(description="Accountant: one per legal entity and transaction category.")
    async def create_project_category(
        self,
        info: Info,
        input: Annotated[
            CreateProjectCategoryInput,
            strawberry.argument(
                description="The legal entity, transaction category and fields of the new category."
            ),
        ],
    ) -> ProjectCategoryPayload:
        outcome = await decoded(
            input.to_domain, lambda data: resolvers.create_project_category(info.context, data)
        )
        return _project_payload(outcome)

    @strawberry.mutation(
        description="Accountant: change a project category's code or name; omitted fields stay."
    )
    async def update_project_category(
        self,
        info: Info,
        input: Annotated[
            UpdateProjectCategoryInput,
            strawberry.argument(description="The project category and the fields to change."),
        ],
    ) -> ProjectCategoryPayload:
        outcome = await decoded(
            input.to_domain, lambda data: resolvers.update_project_category(info.context, data)
        )
        return _project_payload(outcome)

    @strawberry.mutation(
        description="Accountant: refused while journal lines or parameters use it."
    )
    async def delete_project_category(
        self,
        info: Info,
        input: Annotated[
            DeleteCategoryInput, strawberry.argument(description="The project category to delete.")
        ],
    ) -> DeleteCategoryPayload:
        outcome = await decoded(
            lambda: decode_id(input.id, "ProjectCategory"),
            lambda pk: resolvers.delete_project_category(info.context, pk),
        )
        return DeleteCategoryPayload.from_outcome("ProjectCategory", outcome)


def _expense_payload(outcome: Outcome[models.ExpenseCategory]) -> ExpenseCategoryPayload:
    row = outcome.value
    category = ExpenseCategory.from_row(row) if row else None
    return ExpenseCategoryPayload(expense_category=category, errors=errors_of(outcome))


def _project_payload(outcome: Outcome[models.ProjectCategory]) -> ProjectCategoryPayload:
    row = outcome.value
    category = ProjectCategory.from_row(row) if row else None
    return ProjectCategoryPayload(project_category=category, errors=errors_of(outcome))
