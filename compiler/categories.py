"""SQL of the category types (M2): transaction, shared, expense and project categories, and
the `transactionCategories`, `expenseCategories` and `projectCategories` root fields."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import FieldNode

from compiler.catalog import Children, Scalar, TableType, ToOne, register
from compiler.connections import GlobalRows, Page, connection, upper
from compiler.roots import register_root
from compiler.selection import Selection
from compiler.sql import enum_name
from db.models import categories as models
from domain.actors import Actor
from domain.scope import in_callers_entities

register(
    TableType(
        "TransactionCategory",
        models.TransactionCategory,
        {
            "code": Scalar("{t}.code"),
            "name": Scalar("{t}.name"),
            "unitGroup": ToOne("UnitGroup", "unit_group_id"),
            "sharedCategories": Children("SharedCategory", "transaction_category_id"),
        },
    ),
    TableType(
        "SharedCategory",
        models.SharedCategory,
        {
            "transactionClass": Scalar(enum_name("{t}.transaction_class", models.TransactionClass)),
            "canBeUsedInExpense": Scalar("{t}.can_be_used_in_expense"),
            "expenseType": Scalar("{t}.expense_type"),
            "transactionCategory": ToOne("TransactionCategory", "transaction_category_id"),
        },
    ),
    TableType(
        "ExpenseCategory",
        models.ExpenseCategory,
        {
            "code": Scalar("{t}.code"),
            "name": Scalar("{t}.name"),
            "defaultAccount": ToOne("Account", "default_account_id"),
            "legalEntity": ToOne("LegalEntity", "legal_entity_id"),
            "sharedCategory": ToOne("SharedCategory", "shared_category_id"),
            "transactionCategory": ToOne("TransactionCategory", "transaction_category_id"),
            "unitGroup": ToOne("UnitGroup", "unit_group_id"),
            "defaultUnit": ToOne("Unit", "default_unit_id"),
        },
    ),
    TableType(
        "ProjectCategory",
        models.ProjectCategory,
        {
            "code": Scalar("{t}.code"),
            "name": Scalar("{t}.name"),
            "legalEntity": ToOne("LegalEntity", "legal_entity_id"),
            "transactionCategory": ToOne("TransactionCategory", "transaction_category_id"),
        },
    ),
)


@dataclass(frozen=True)
class ExpenseCategoriesPage(Page):
    legal_entity: str | None = None
    usable_in_expense: bool | None = None


def _callers(actor: Actor) -> Any:
    return in_callers_entities(models.ExpenseCategory.legal_entity_id, actor)


class ExpenseCategories:
    """`expenseCategories`, as `resolvers.categories.expense_categories` reads them."""

    def prepare(self, arguments: dict[str, Any], actor: Actor) -> ExpenseCategoriesPage:
        entity = arguments.get("legalEntity")
        return ExpenseCategoriesPage(
            **Page.paging(arguments, "ExpenseCategory"),
            legal_entity=upper(entity),
            usable_in_expense=arguments.get("usableInExpense"),
        )

    def sql(self, selection: Selection, key: str, nodes: list[FieldNode], page: Any) -> str:
        statement = selection.statement
        t = statement.alias()
        conditions = statement.rule(_callers, models.ExpenseCategory.__table__, t)
        if page.legal_entity is not None:
            conditions.append(f"{t}.legal_entity_id IN {statement.entity_id(key)}")
        if page.usable_in_expense is not None:
            shared = statement.alias()
            usable = "true" if page.usable_in_expense else "false"
            conditions.append(
                f"{t}.shared_category_id IN (SELECT {shared}.id FROM shared_category {shared}"
                f" WHERE {shared}.can_be_used_in_expense IS {usable})"
            )
        return connection(selection, key, nodes, page, "ExpenseCategory", conditions, t)


@dataclass(frozen=True)
class ProjectCategoriesPage(Page):
    legal_entity: str | None = None


def _project_callers(actor: Actor) -> Any:
    return in_callers_entities(models.ProjectCategory.legal_entity_id, actor)


class ProjectCategories:
    """`projectCategories`, as `resolvers.categories.project_categories` reads them."""

    def prepare(self, arguments: dict[str, Any], actor: Actor) -> ProjectCategoriesPage:
        entity = arguments.get("legalEntity")
        paging = Page.paging(arguments, "ProjectCategory")
        return ProjectCategoriesPage(**paging, legal_entity=upper(entity))

    def sql(self, selection: Selection, key: str, nodes: list[FieldNode], page: Any) -> str:
        statement = selection.statement
        t = statement.alias()
        conditions = statement.rule(_project_callers, models.ProjectCategory.__table__, t)
        if page.legal_entity is not None:
            conditions.append(f"{t}.legal_entity_id IN {statement.entity_id(key)}")
        return connection(selection, key, nodes, page, "ProjectCategory", conditions, t)


register_root("transactionCategories", GlobalRows("TransactionCategory"))
register_root("expenseCategories", ExpenseCategories())
register_root("projectCategories", ProjectCategories())
