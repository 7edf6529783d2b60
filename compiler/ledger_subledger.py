"""SQL of the project subledger (J5): `ProjectTransaction` and `projectTransactions`, with the
status of `domain/subledger.py` that the reference path reads too."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from graphql import FieldNode

from compiler.catalog import Builder, Custom, Scalar, TableType, ToOne, register
from compiler.connections import Page, connection, plain, upper
from compiler.roots import register_root
from compiler.selection import Selection
from compiler.sql import Statement, decimal, enum_name, in_accounting_currency, in_currency
from db.models.actuals import ActualType
from db.models.ledger import SubledgerTransaction
from domain import subledger
from domain.actors import Actor
from domain.scope import in_callers_entities
from schema.relay import decode_id


def _status(statement: Statement, alias: str) -> str:
    """SQL: the stored status value of the transaction `alias`, from its actual."""
    actual = statement.alias()
    return (
        f"(SELECT {subledger.status(actual)} FROM actual {actual}"
        f" WHERE {actual}.id = {alias}.actual_id)"
    )


def _status_name(builder: Builder, alias: str, nodes: list[FieldNode]) -> str:
    return enum_name(_status(builder.statement, alias), subledger.TransactionStatus)


register(
    TableType(
        "ProjectTransaction",
        SubledgerTransaction,
        {
            "transactionType": Scalar(enum_name("{t}.transaction_type", ActualType)),
            "accountingDate": Scalar("{t}.accounting_date"),
            "quantity": Scalar(decimal("{t}.quantity")),
            "amount": Scalar(in_currency("{t}.amount")),
            "currencyCode": Scalar("{t}.currency_code"),
            "amountAccounting": Scalar(in_accounting_currency("{t}.amount_accounting")),
            "status": Custom(_status_name),
            "actual": ToOne("Actual", "actual_id"),
            "voucher": ToOne("Voucher", "voucher_id"),
            "journalLine": ToOne("JournalLine", "journal_line_id"),
            "project": ToOne("Project", "project_id"),
        },
    ),
)


@dataclass(frozen=True)
class TransactionsPage(Page):
    legal_entity: str | None = None
    project_id: int | None = None
    transaction_type: str | None = None
    status: str | None = None
    from_date: dt.date | None = None
    to_date: dt.date | None = None


def _callers(actor: Actor) -> Any:
    return in_callers_entities(SubledgerTransaction.legal_entity_id, actor)


class ProjectTransactions:
    """`projectTransactions`: the filters of `resolvers.ledger_subledger.transaction_filters`
    over bind parameters."""

    def prepare(self, arguments: dict[str, Any], actor: Actor) -> TransactionsPage:
        given = arguments.get("filter") or {}
        project = given.get("projectId")
        return TransactionsPage(
            **Page.paging(arguments, "ProjectTransaction"),
            legal_entity=upper(given.get("legalEntity")),
            project_id=decode_id(project, "Project", "projectId") if project else None,
            transaction_type=plain(given.get("transactionType")),
            status=plain(given.get("status")),
            from_date=given.get("fromDate"),
            to_date=given.get("toDate"),
        )

    def sql(self, selection: Selection, key: str, nodes: list[FieldNode], page: Any) -> str:
        statement = selection.statement
        t = statement.alias()
        conditions = statement.rule(_callers, SubledgerTransaction.__table__, t)
        if page.legal_entity is not None:
            conditions.append(f"{t}.legal_entity_id = {statement.entity_id(key)}")
        compared = {
            "project_id": ("project_id", "=", "bigint"),
            "transaction_type": ("transaction_type", "=", "text"),
            "from_date": ("accounting_date", ">=", "date"),
            "to_date": ("accounting_date", "<=", "date"),
        }
        for name, (column, operator, pg_type) in compared.items():
            if getattr(page, name) is not None:
                value = statement.argument(key, name, pg_type)
                conditions.append(f"{t}.{column} {operator} {value}")
        if page.status is not None:
            status = statement.argument(key, "status", "text")
            conditions.append(f"{_status(statement, t)} = {status}")
        return connection(selection, key, nodes, page, "ProjectTransaction", conditions, t)


register_root("projectTransactions", ProjectTransactions())
