"""`vouchers` and `generalLedgerEntries`: the reference path's filters and order
(`resolvers.ledger_books`) as SQL over bind parameters; `Account.balance` as one sum. Ids in
filters are decoded by the same `decode_id`: a bad one is refused here, and the reference path
answers its error. The trial balance is in `compiler/ledger_trial_balance.py`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from graphql import FieldNode

import compiler.ledger  # noqa: F401  (registers the types these roots list)
from compiler.catalog import Builder
from compiler.connections import Page, connection, plain, upper
from compiler.roots import register_root
from compiler.selection import Selection
from compiler.sql import in_accounting_currency, where
from db.models import ledger as models
from domain.actors import Actor
from resolvers.ledger_sums import ZERO_SQL
from schema.relay import decode_optional_id


@dataclass(frozen=True)
class BooksPage(Page):
    legal_entity: str | None = None
    from_date: dt.date | None = None
    to_date: dt.date | None = None
    number: str | None = None
    source_type: str | None = None
    account_id: int | None = None
    project_id: int | None = None

    @classmethod
    def of(cls, arguments: dict[str, Any], type_name: str) -> BooksPage:
        given = arguments.get("filter") or {}
        return cls(
            **Page.paging(arguments, type_name),
            legal_entity=upper(given.get("legalEntity")),
            from_date=given.get("fromDate"),
            to_date=given.get("toDate"),
            number=given.get("number"),
            source_type=plain(given.get("sourceType")),
            account_id=decode_optional_id(given.get("accountId"), "Account", "accountId"),
            project_id=decode_optional_id(given.get("projectId"), "Project", "projectId"),
        )


# Filter -> (condition over the voucher `{v}`, PostgreSQL type of its parameter `{p}`).
VOUCHER_FILTERS = {
    "from_date": ("{v}.accounting_date >= {p}", "date"),
    "to_date": ("{v}.accounting_date <= {p}", "date"),
    "number": ("{v}.number = {p}", "text"),
    "source_type": ("{v}.source_type = {p}", "text"),
}


def voucher_conditions(selection: Selection, key: str, page: BooksPage, v: str) -> list[str]:
    """The filters of a voucher's own columns, over the voucher alias `v`."""
    statement = selection.statement
    conditions = []
    if page.legal_entity is not None:
        conditions.append(f"{v}.legal_entity_id = {statement.entity_id(key)}")
    for name, (template, pg_type) in VOUCHER_FILTERS.items():
        if getattr(page, name) is not None:
            value = statement.argument(key, name, pg_type)
            conditions.append(template.format(v=v, p=value))
    return conditions


def _line_conditions(selection: Selection, key: str, page: BooksPage, line: str) -> list[str]:
    """`line.account_id = accountId`, `line.project_id = projectId`, when given."""
    conditions = []
    for name in ("account_id", "project_id"):
        if getattr(page, name) is not None:
            value = selection.statement.argument(key, name, "bigint")
            conditions.append(f"{line}.{name} = {value}")
    return conditions


class Vouchers:
    def prepare(self, arguments: dict[str, Any], actor: Actor) -> BooksPage:
        return BooksPage.of(arguments, "Voucher")

    def sql(self, selection: Selection, key: str, nodes: list[FieldNode], page: Any) -> str:
        statement = selection.statement
        t = statement.alias()
        conditions = statement.visible(models.Voucher, t)
        conditions += voucher_conditions(selection, key, page, t)
        # Each of account and project on a line of the voucher, not necessarily the same one.
        line = statement.alias()
        for condition in _line_conditions(selection, key, page, line):
            inner = f"{line}.voucher_id = {t}.id AND {condition}"
            conditions.append(f"EXISTS (SELECT 1 FROM voucher_line {line} WHERE {inner})")
        return connection(selection, key, nodes, page, "Voucher", conditions, t)


class GeneralLedgerEntries:
    """Lines, by default by accounting date, voucher, line (schema/orders.py)."""

    def prepare(self, arguments: dict[str, Any], actor: Actor) -> BooksPage:
        return BooksPage.of(arguments, "VoucherLine")

    def sql(self, selection: Selection, key: str, nodes: list[FieldNode], page: Any) -> str:
        statement = selection.statement
        t, v = statement.alias(), statement.alias()
        conditions = statement.visible(models.VoucherLine, t)
        conditions += _line_conditions(selection, key, page, t)
        of_voucher = voucher_conditions(selection, key, page, v)
        if of_voucher:
            found = where([f"{v}.id = {t}.voucher_id", *of_voucher])
            conditions.append(f"EXISTS (SELECT 1 FROM voucher {v} WHERE {found})")
        return connection(selection, key, nodes, page, "VoucherLine", conditions, t)


def account_balance(builder: Builder, alias: str, nodes: list[FieldNode]) -> str:
    """`Account.balance(asOf:)`: debit - credit of the account's lines dated up to asOf."""
    as_of = builder.argument("Account", nodes, "asOf", "date")
    line, voucher = builder.statement.alias(), builder.statement.alias()
    total = f"coalesce(sum({line}.debit - {line}.credit), {ZERO_SQL})"
    dated = f"{voucher}.id = {line}.voucher_id AND {voucher}.accounting_date <= {as_of}"
    source = f"voucher_line {line} JOIN voucher {voucher} ON {dated}"
    balance = f"(SELECT {total} FROM {source} WHERE {line}.account_id = {alias}.id)"
    return in_accounting_currency(balance, f"{alias}.legal_entity_id")


register_root("vouchers", Vouchers())
register_root("generalLedgerEntries", GeneralLedgerEntries())
