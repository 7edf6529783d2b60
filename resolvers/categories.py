"""Resolvers for transaction, shared, expense and project categories (M2)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from db.models.categories import (
    ExpenseCategory,
    ProjectCategory,
    SharedCategory,
    TransactionCategory,
)
from db.models.master_data import LegalEntity
from domain import categories, categories_entity
from domain.actors import Actor
from domain.scope import in_callers_entities
from resolvers.context import Context
from resolvers.mutations import Outcome, run_mutation
from resolvers.pagination import Page, Window, keyset_page

Data = TypeVar("Data")
Result = TypeVar("Result")


async def transaction_categories(
    context: Context, *, window: Window, code: str | None
) -> Page[TransactionCategory]:
    context.actor  # noqa: B018  (global rows, but only for signed-in callers)
    statement = select(TransactionCategory)
    if code is not None:
        statement = statement.where(TransactionCategory.code == code)
    return await keyset_page(context, statement, window)


async def expense_categories(
    context: Context,
    *,
    window: Window,
    legal_entity: str | None,
    usable_in_expense: bool | None,
) -> Page[ExpenseCategory]:
    statement = select(ExpenseCategory).where(
        in_callers_entities(ExpenseCategory.legal_entity_id, context.actor)
    )
    if legal_entity is not None:
        statement = statement.where(_of_entity(ExpenseCategory.legal_entity_id, legal_entity))
    if usable_in_expense is not None:
        usable = select(SharedCategory.id).where(
            SharedCategory.can_be_used_in_expense.is_(usable_in_expense)
        )
        statement = statement.where(ExpenseCategory.shared_category_id.in_(usable))
    return await keyset_page(context, statement, window)


async def project_categories(
    context: Context, *, window: Window, legal_entity: str | None
) -> Page[ProjectCategory]:
    statement = select(ProjectCategory).where(
        in_callers_entities(ProjectCategory.legal_entity_id, context.actor)
    )
    if legal_entity is not None:
        statement = statement.where(_of_entity(ProjectCategory.legal_entity_id, legal_entity))
    return await keyset_page(context, statement, window)


def _of_entity(column: InstrumentedAttribute[int], code: str) -> ColumnElement[bool]:
    return column.in_(select(LegalEntity.id).where(LegalEntity.code == code.upper()))


# Nested objects: one batched statement per level, never one per row.


async def shared_categories_of(context: Context, pk: int) -> list[SharedCategory]:
    return await context.loaders.children(SharedCategory, "transaction_category_id").load(pk)


async def shared_category(context: Context, pk: int) -> SharedCategory | None:
    return await context.loaders.by_id(SharedCategory).load(pk)


async def transaction_category(context: Context, pk: int) -> TransactionCategory | None:
    return await context.loaders.by_id(TransactionCategory).load(pk)


async def legal_entity(context: Context, pk: int) -> LegalEntity | None:
    return await context.loaders.by_id(LegalEntity).load(pk)


async def _mutate(
    context: Context,
    operation: Callable[[AsyncSession, Actor, Data], Awaitable[Result]],
    data: Data,
) -> Outcome[Result]:
    return await run_mutation(context, lambda session, actor: operation(session, actor, data))


async def create_transaction_category(
    context: Context, data: categories.NewTransactionCategory
) -> Outcome[TransactionCategory]:
    return await _mutate(context, categories.create_transaction_category, data)


async def delete_transaction_category(context: Context, category_id: int) -> Outcome[int]:
    return await _mutate(context, categories.delete_transaction_category, category_id)


async def update_shared_category(
    context: Context, data: categories.SharedCategoryChanges
) -> Outcome[SharedCategory]:
    return await _mutate(context, categories.update_shared_category, data)


async def create_expense_category(
    context: Context, data: categories_entity.NewExpenseCategory
) -> Outcome[ExpenseCategory]:
    return await _mutate(context, categories_entity.create_expense_category, data)


async def update_expense_category(
    context: Context, data: categories_entity.ExpenseCategoryChanges
) -> Outcome[ExpenseCategory]:
    return await _mutate(context, categories_entity.update_expense_category, data)


async def delete_expense_category(context: Context, category_id: int) -> Outcome[int]:
    return await _mutate(context, categories_entity.delete_expense_category, category_id)


async def create_project_category(
    context: Context, data: categories_entity.NewProjectCategory
) -> Outcome[ProjectCategory]:
    return await _mutate(context, categories_entity.create_project_category, data)


async def update_project_category(
    context: Context, data: categories_entity.ProjectCategoryChanges
) -> Outcome[ProjectCategory]:
    return await _mutate(context, categories_entity.update_project_category, data)


async def delete_project_category(context: Context, category_id: int) -> Outcome[int]:
    return await _mutate(context, categories_entity.delete_project_category, category_id)
