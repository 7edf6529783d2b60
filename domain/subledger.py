"""The project subledger (J5) as read: a transaction's status and a project's totals per
period, defined once as SQL for both read paths (`resolvers/ledger_subledger.py` binds them
to its statements, `compiler/ledger_subledger.py` nests them in the compiled one)."""

from __future__ import annotations

import enum


class TransactionStatus(enum.StrEnum):
    POSTED = "posted"
    REVERSED = "reversed"
    REVERSAL = "reversal"


class TotalsPeriod(enum.StrEnum):
    """The `date_trunc` field of a period; ALL is the whole range in one row."""

    MONTH = "month"
    YEAR = "year"
    ALL = "all"


def status(actual: str) -> str:
    """SQL: the status of a transaction posted for the actual row `actual`. Its actual is
    immutable but for its adjustment status (A1), so a later reversal shows here."""
    return (
        f"(CASE WHEN {actual}.reverses_actual_id IS NOT NULL THEN 'reversal'"
        f" WHEN {actual}.adjustment_status = 'adjusted' THEN 'reversed' ELSE 'posted' END)"
    )


def totals(s: str, conditions: list[str], from_date: str, to_date: str, period: str) -> str:
    """SQL: per project and period (`period` a SQL text of a TotalsPeriod value) the sums of
    the cost and the unbilled sales in accounting currency of the subledger transactions `s`
    meeting `conditions`, with an accounting date between `from_date` and `to_date` (SQL
    dates; null is open). Columns: project_id, period_start (null for ALL), cost,
    unbilled_sales; a sum without a transaction is 0."""
    start = (
        f"CASE WHEN {period} = 'all' THEN NULL"
        f" ELSE date_trunc({period}, {s}.accounting_date::timestamp)::date END"
    )
    limits = [
        f"{from_date} IS NULL OR {s}.accounting_date >= {from_date}",
        f"{to_date} IS NULL OR {s}.accounting_date <= {to_date}",
    ]
    where = " AND ".join(f"({condition})" for condition in [*conditions, *limits])
    return (
        f"SELECT {s}.project_id, {start} AS period_start,"
        f" {_sum(s, 'cost')} AS cost, {_sum(s, 'unbilled_sales')} AS unbilled_sales"
        f" FROM subledger_transaction {s} WHERE {where} GROUP BY {s}.project_id, 2"
    )


def _sum(s: str, transaction_type: str) -> str:
    # 0.0000: the scale of the summed NUMERIC(19,4) column, whether or not a row is summed.
    total = f"sum({s}.amount_accounting) FILTER (WHERE {s}.transaction_type = '{transaction_type}')"
    return f"coalesce({total}, 0.0000)"
