"""SQL of project actuals (A1, A2, E5, V7): the type, its source documents, and `actuals`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from graphql import FieldNode

from compiler.catalog import (
    Builder,
    Children,
    Custom,
    Scalar,
    TableType,
    ToOne,
    limited,
    object_by_id,
    register,
)
from compiler.connections import Page, connection, plain
from compiler.roots import register_root
from compiler.selection import Selection
from compiler.sql import datetime, decimal, enum_name, in_currency, where
from db.models import actuals as models
from db.models.categories import TransactionClass
from db.models.expenses import ExpenseLine, ProjectExpense
from domain.actors import Actor
from domain.scope import in_callers_entities
from schema.relay import decode_id


def _visible_row(builder: Builder, model: Any, column: str, pk: str) -> str:
    """`column` of the visible `model` row whose id is `pk`."""
    alias = builder.statement.alias()
    conditions = [f"{alias}.id = {pk}", *builder.statement.visible(model, alias)]
    return (
        f"(SELECT {alias}.{column} FROM {model.__table__.name} {alias} WHERE {where(conditions)})"
    )


def _source_line_id(builder: Builder, alias: str) -> str:
    return _visible_row(builder, ProjectExpense, "expense_line_id", f"{alias}.project_expense_id")


def _expense_line(builder: Builder, alias: str, nodes: list[FieldNode]) -> str:
    """The expense line the actual came from, through its project expense (E5)."""
    line_id = _source_line_id(builder, alias)
    return object_by_id(builder, "ExpenseLine", line_id, nodes)


def _expense_report(builder: Builder, alias: str, nodes: list[FieldNode]) -> str:
    report_id = _visible_row(builder, ExpenseLine, "report_id", _source_line_id(builder, alias))
    return object_by_id(builder, "ExpenseReport", report_id, nodes)


def actuals_of_line(builder: Builder, alias: str, nodes: list[FieldNode]) -> str:
    """The actuals made from an expense line: cost, unbilled sales, reversals (id order)."""
    statement = builder.statement
    expense = statement.alias()
    of_line = [f"{expense}.expense_line_id = {alias}.id"]
    of_line += statement.visible(ProjectExpense, expense)
    first_expense = (
        f"(SELECT {expense}.id FROM project_expense {expense} WHERE {where(of_line)}"
        f" ORDER BY {expense}.id LIMIT 1)"
    )
    actual = statement.alias()
    conditions = [f"{actual}.project_expense_id = {first_expense}"]
    conditions += statement.visible(models.Actual, actual)
    first = builder.first("ExpenseLine", nodes)
    body = builder.object("Actual", actual, nodes)
    source = limited(
        f"FROM actual {actual} WHERE {where(conditions)}", actual, f"{actual}.id", first
    )
    return f"(SELECT coalesce(json_agg({body} ORDER BY {actual}.id), '[]'::json) {source})"


register(
    TableType(
        "Actual",
        models.Actual,
        {
            "actualType": Scalar(enum_name("{t}.actual_type", models.ActualType)),
            "transactionClass": Scalar(enum_name("{t}.transaction_class", TransactionClass)),
            "sourceType": Scalar(enum_name("{t}.source_type", models.ActualSource)),
            "transactionDate": Scalar("{t}.transaction_date"),
            "quantity": Scalar(decimal("{t}.quantity")),
            "currencyCode": Scalar("{t}.currency_code"),
            "unitAmount": Scalar(in_currency("{t}.unit_amount")),
            "amount": Scalar(in_currency("{t}.amount")),
            "adjustmentStatus": Scalar(enum_name("{t}.adjustment_status", models.AdjustmentStatus)),
            "pricingWarning": Scalar("{t}.pricing_warning"),
            "description": Scalar("{t}.description"),
            "createdAt": Scalar(datetime("{t}.created_at")),
            "project": ToOne("Project", "project_id"),
            "task": ToOne("Task", "task_id"),
            "reverses": ToOne("Actual", "reverses_actual_id"),
            "expenseLine": Custom(_expense_line),
            "expenseReport": Custom(_expense_report),
            "vendorInvoiceLine": ToOne("VendorInvoiceLine", "vendor_invoice_line_id"),
            "journalLine": Children("JournalLine", "actual_id", single=True),
        },
    ),
)


@dataclass(frozen=True)
class ActualsPage(Page):
    project_id: int | None = None
    transaction_class: str | None = None
    actual_type: str | None = None
    adjustment_status: str | None = None
    from_date: dt.date | None = None
    to_date: dt.date | None = None
    pending_import: bool | None = None


def _callers(actor: Actor) -> Any:
    return in_callers_entities(models.Actual.legal_entity_id, actor)


class Actuals:
    """`actuals`: the filters of `domain.actuals.actual_filters` over bind parameters."""

    def prepare(self, arguments: dict[str, Any], actor: Actor) -> ActualsPage:
        given = arguments.get("filter") or {}
        project = given.get("projectId")
        return ActualsPage(
            **Page.paging(arguments, "Actual"),
            project_id=decode_id(project, "Project", "projectId") if project else None,
            transaction_class=plain(given.get("transactionClass")),
            actual_type=plain(given.get("actualType")),
            adjustment_status=plain(given.get("adjustmentStatus")),
            from_date=given.get("fromDate"),
            to_date=given.get("toDate"),
            pending_import=given.get("pendingImport"),
        )

    def sql(self, selection: Selection, key: str, nodes: list[FieldNode], page: Any) -> str:
        statement = selection.statement
        t = statement.alias()
        conditions = statement.rule(_callers, models.Actual.__table__, t)
        compared = {
            "project_id": ("project_id", "=", "bigint"),
            "transaction_class": ("transaction_class", "=", "text"),
            "actual_type": ("actual_type", "=", "text"),
            "adjustment_status": ("adjustment_status", "=", "text"),
            "from_date": ("transaction_date", ">=", "date"),
            "to_date": ("transaction_date", "<=", "date"),
        }
        for name, (column, operator, pg_type) in compared.items():
            if getattr(page, name) is not None:
                value = statement.argument(key, name, pg_type)
                conditions.append(f"{t}.{column} {operator} {value}")
        if page.pending_import is not None:
            line = statement.alias()
            live = f"EXISTS (SELECT 1 FROM journal_line {line} WHERE {line}.actual_id = {t}.id)"
            conditions.append(f"NOT {live}" if page.pending_import else live)
        return connection(selection, key, nodes, page, "Actual", conditions, t)


register_root("actuals", Actuals())
