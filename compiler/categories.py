"""SQL of the category types (M2): transaction, shared and expense categories."""

from __future__ import annotations

from compiler.catalog import Children, Scalar, TableType, ToOne, register
from compiler.sql import enum_name, global_id
from db.models import categories as models


def optional_id(type_name: str, column: str) -> Scalar:
    """The global id of a bare reference column, null when the column is."""
    return Scalar(f"CASE WHEN {column} IS NULL THEN NULL ELSE {global_id(type_name, column)} END")


register(
    TableType(
        "TransactionCategory",
        models.TransactionCategory,
        {
            "code": Scalar("{t}.code"),
            "name": Scalar("{t}.name"),
            "unitGroupId": optional_id("UnitGroup", "{t}.unit_group_id"),
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
            "defaultAccountId": optional_id("Account", "{t}.default_account_id"),
            "legalEntity": ToOne("LegalEntity", "legal_entity_id"),
            "sharedCategory": ToOne("SharedCategory", "shared_category_id"),
            "transactionCategory": ToOne("TransactionCategory", "transaction_category_id"),
        },
    ),
)
