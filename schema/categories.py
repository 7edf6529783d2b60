"""Categories (M2): queries, mutations and payloads. Object types are in
categories_types.py, inputs in categories_inputs.py."""

from __future__ import annotations

from typing import Any

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
from schema.pages import after_key, to_connection
from schema.relay import Connection, decode_id, encode_id


def _errors(outcome: Outcome[Any]) -> list[UserError]:
    return [UserError.from_domain(error) for error in outcome.errors]


@strawberry.type
class TransactionCategoryPayload:
    transaction_category: TransactionCategory | None
    errors: list[UserError]


@strawberry.type
class SharedCategoryPayload:
    shared_category: SharedCategory | None
    errors: list[UserError]


@strawberry.type
class ExpenseCategoryPayload:
    expense_category: ExpenseCategory | None
    errors: list[UserError]


@strawberry.type
class ProjectCategoryPayload:
    project_category: ProjectCategory | None
    errors: list[UserError]


@strawberry.type
class DeleteCategoryPayload:
    deleted_id: strawberry.ID | None
    errors: list[UserError]

    @classmethod
    def from_outcome(cls, type_name: str, outcome: Outcome[int]) -> DeleteCategoryPayload:
        deleted = encode_id(type_name, outcome.value) if outcome.value else None
        return cls(deleted_id=deleted, errors=_errors(outcome))


@strawberry.type
class CategoriesQuery:
    @strawberry.field(description="Global transaction categories, optionally by code.")
    async def transaction_categories(
        self, info: Info, code: str | None = None, first: int = 50, after: str | None = None
    ) -> Connection[TransactionCategory]:
        page = await resolvers.transaction_categories(
            info.context, first=first, after=after_key(after), code=code
        )
        return to_connection(page.map(TransactionCategory.from_row))

    @strawberry.field(description="Expense categories of your legal entities.")
    async def expense_categories(
        self,
        info: Info,
        legal_entity: str | None = None,
        usable_in_expense: bool | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[ExpenseCategory]:
        page = await resolvers.expense_categories(
            info.context,
            first=first,
            after=after_key(after),
            legal_entity=legal_entity,
            usable_in_expense=usable_in_expense,
        )
        return to_connection(page.map(ExpenseCategory.from_row))

    @strawberry.field(description="Project categories of your legal entities.")
    async def project_categories(
        self, info: Info, legal_entity: str | None = None, first: int = 50, after: str | None = None
    ) -> Connection[ProjectCategory]:
        page = await resolvers.project_categories(
            info.context, first=first, after=after_key(after), legal_entity=legal_entity
        )
        return to_connection(page.map(ProjectCategory.from_row))


@strawberry.type
class CategoriesMutation:
    @strawberry.mutation(description="Admin: a global category with its five shared ones.")
    async def create_transaction_category(
        self, info: Info, input: CreateTransactionCategoryInput
    ) -> TransactionCategoryPayload:
        outcome = await resolvers.create_transaction_category(info.context, input.to_domain)
        row = outcome.value
        return TransactionCategoryPayload(
            transaction_category=TransactionCategory.from_row(row) if row else None,
            errors=_errors(outcome),
        )

    @strawberry.mutation(description="Admin: refused while anything uses it.")
    async def delete_transaction_category(
        self, info: Info, input: DeleteCategoryInput
    ) -> DeleteCategoryPayload:
        outcome = await resolvers.delete_transaction_category(
            info.context, lambda: decode_id(input.id, "TransactionCategory")
        )
        return DeleteCategoryPayload.from_outcome("TransactionCategory", outcome)

    @strawberry.mutation(description="Admin: the expense settings of an expense-class one.")
    async def update_shared_category(
        self, info: Info, input: UpdateSharedCategoryInput
    ) -> SharedCategoryPayload:
        outcome = await resolvers.update_shared_category(info.context, input.to_domain)
        row = outcome.value
        return SharedCategoryPayload(
            shared_category=SharedCategory.from_row(row) if row else None,
            errors=_errors(outcome),
        )

    @strawberry.mutation(description="Accountant.")
    async def create_expense_category(
        self, info: Info, input: CreateExpenseCategoryInput
    ) -> ExpenseCategoryPayload:
        outcome = await resolvers.create_expense_category(info.context, input.to_domain)
        return _expense_payload(outcome)

    @strawberry.mutation(description="Accountant.")
    async def update_expense_category(
        self, info: Info, input: UpdateExpenseCategoryInput
    ) -> ExpenseCategoryPayload:
        outcome = await resolvers.update_expense_category(info.context, input.to_domain)
        return _expense_payload(outcome)

    @strawberry.mutation(description="Accountant: refused while expense lines use it.")
    async def delete_expense_category(
        self, info: Info, input: DeleteCategoryInput
    ) -> DeleteCategoryPayload:
        outcome = await resolvers.delete_expense_category(
            info.context, lambda: decode_id(input.id, "ExpenseCategory")
        )
        return DeleteCategoryPayload.from_outcome("ExpenseCategory", outcome)

    @strawberry.mutation(description="Accountant: one per legal entity and transaction category.")
    async def create_project_category(
        self, info: Info, input: CreateProjectCategoryInput
    ) -> ProjectCategoryPayload:
        outcome = await resolvers.create_project_category(info.context, input.to_domain)
        return _project_payload(outcome)

    @strawberry.mutation(description="Accountant.")
    async def update_project_category(
        self, info: Info, input: UpdateProjectCategoryInput
    ) -> ProjectCategoryPayload:
        outcome = await resolvers.update_project_category(info.context, input.to_domain)
        return _project_payload(outcome)

    @strawberry.mutation(
        description="Accountant: refused while journal lines or parameters use it."
    )
    async def delete_project_category(
        self, info: Info, input: DeleteCategoryInput
    ) -> DeleteCategoryPayload:
        outcome = await resolvers.delete_project_category(
            info.context, lambda: decode_id(input.id, "ProjectCategory")
        )
        return DeleteCategoryPayload.from_outcome("ProjectCategory", outcome)


def _expense_payload(outcome: Outcome[models.ExpenseCategory]) -> ExpenseCategoryPayload:
    row = outcome.value
    category = ExpenseCategory.from_row(row) if row else None
    return ExpenseCategoryPayload(expense_category=category, errors=_errors(outcome))


def _project_payload(outcome: Outcome[models.ProjectCategory]) -> ProjectCategoryPayload:
    row = outcome.value
    category = ProjectCategory.from_row(row) if row else None
    return ProjectCategoryPayload(project_category=category, errors=_errors(outcome))
