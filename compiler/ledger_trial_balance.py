"""`trialBalance` as the one aggregate `resolvers.ledger_sums.trial_balance_rows` runs: a row
per account with an opening balance or a movement and ROLLUP's totals row, made into the JSON
object in the same statement. A legal entity not the caller's, or a range that ends before it
starts, is refused by the reference path's own checks (and so answered there)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from graphql import FieldNode, GraphQLObjectType

from compiler.catalog import Scalar, TableType, ToOne, register
from compiler.master_data import callers_code
from compiler.roots import register_root
from compiler.selection import Selection
from compiler.sql import Unsupported, entity_decimals, money, present_or_fail
from db.models import ledger as models
from domain.actors import Actor
from resolvers.ledger_books import check_range
from resolvers.ledger_sums import ZERO_SQL

# At the decimals of the legal entity's accounting currency, a column of the aggregate's rows.
FIGURES = {
    "openingBalance": Scalar(money("{t}.opening", "{t}.decimals")),
    "debits": Scalar(money("{t}.debits", "{t}.decimals")),
    "credits": Scalar(money("{t}.credits", "{t}.decimals")),
    "closingBalance": Scalar(money("{t}.closing", "{t}.decimals")),
}
# Read from the aggregate's rows (sums of voucher lines), never from a table of their own.
register(
    TableType(
        "TrialBalanceLine",
        models.VoucherLine,
        {**FIGURES, "account": ToOne("Account", "account_id")},
        node=False,
    ),
    TableType("TrialBalanceTotals", models.VoucherLine, FIGURES, node=False),
)


@dataclass(frozen=True)
class Range:
    legal_entity: str
    from_date: dt.date
    to_date: dt.date

    @property
    def shape(self) -> Hashable:
        return None  # every argument is required: one statement for all values


def _aggregate(selection: Selection, key: str, entity: str) -> str:
    """Per account, then ROLLUP's totals row (account_id null), with the account's number."""
    statement = selection.statement
    start = statement.argument(key, "from_date", "date")
    end = statement.argument(key, "to_date", "date")
    line, voucher = statement.alias(), statement.alias()
    grouped, account = statement.alias(), statement.alias()
    amount, dated = f"{line}.debit - {line}.credit", f"{voucher}.accounting_date"

    def total(value: str, only: str | None = None) -> str:
        filtered = f" FILTER (WHERE {only})" if only else ""
        return f"coalesce(sum({value}){filtered}, {ZERO_SQL})"

    sums = (
        f"SELECT {line}.account_id, {total(amount, f'{dated} < {start}')} AS opening,"
        f" {total(f'{line}.debit', f'{dated} >= {start}')} AS debits,"
        f" {total(f'{line}.credit', f'{dated} >= {start}')} AS credits,"
        f" {total(amount)} AS closing"
        f" FROM voucher_line {line} JOIN voucher {voucher} ON {voucher}.id = {line}.voucher_id"
        f" WHERE {voucher}.legal_entity_id = {entity} AND {dated} <= {end}"
        f" GROUP BY ROLLUP ({line}.account_id)"
        f" HAVING grouping({line}.account_id) = 1"
        f" OR {total(amount, f'{dated} < {start}')} <> 0"
        f" OR count(*) FILTER (WHERE {dated} >= {start}) > 0"
    )
    return (
        f"SELECT {grouped}.*, {account}.number AS account_number,"
        f" {entity_decimals(entity)} AS decimals FROM ({sums}) {grouped}"
        f" LEFT JOIN account {account} ON {account}.id = {grouped}.account_id"
    )


class TrialBalance:
    def prepare(self, arguments: dict[str, Any], actor: Actor) -> Range:
        check_range(arguments["fromDate"], arguments["toDate"])
        code = callers_code(arguments["legalEntity"], actor)
        return Range(code, arguments["fromDate"], arguments["toDate"])

    def sql(self, selection: Selection, key: str, nodes: list[FieldNode], args: Any) -> str:
        statement = selection.statement
        entity = statement.entity_id(key)
        rows = statement.alias()
        of_account, totals = f"{rows}.account_id IS NOT NULL", f"{rows}.account_id IS NULL"
        order = f"{rows}.account_number, {rows}.account_id"
        currency = statement.alias()
        values: dict[str, Callable[[list[FieldNode]], str]] = {
            "currencyCode": lambda parts: (
                f"(SELECT {currency}.currency_code FROM legal_entity {currency}"
                f" WHERE {currency}.id = {entity})"
            ),
            "lines": lambda parts: (
                f"coalesce(json_agg({selection.object('TrialBalanceLine', rows, parts)}"
                f" ORDER BY {order}) FILTER (WHERE {of_account}), '[]'::json)"
            ),
            "totals": lambda parts: (
                f"(json_agg({selection.object('TrialBalanceTotals', rows, parts)})"
                f" FILTER (WHERE {totals})) -> 0"
            ),
            "__typename": lambda parts: "'TrialBalance'::text",
        }
        runtime = selection.schema.get_type("TrialBalance")
        assert isinstance(runtime, GraphQLObjectType)
        pairs = []
        for field_key, parts in selection.collect(runtime, nodes).items():
            value = values.get(parts[0].name.value)
            if value is None:
                raise Unsupported(f"TrialBalance.{parts[0].name.value}")
            pairs.append(f"'{field_key}', {value(parts)}")
        aggregate = _aggregate(selection, key, entity)
        balance = f"(SELECT json_build_object({', '.join(pairs)}) FROM ({aggregate}) {rows})"
        return present_or_fail(entity, balance)


register_root("trialBalance", TrialBalance())
