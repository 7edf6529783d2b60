"""Resolvers of the project subledger (J5) and of a journal line's posting preview: the
`projectTransactions` page, a transaction's status, a project's totals per period and what
posting a line will do. Each is one batched statement over the SQL of `domain/subledger.py`
and `domain/journals_preview.py`, which the compiled path (`compiler/ledger_subledger.py`,
`compiler/journals.py`) nests in its statement: both paths evaluate the same expressions."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, exists, literal_column, select, text

from db.models.actuals import Actual
from db.models.ledger import SubledgerTransaction
from db.models.master_data import LegalEntity
from domain import subledger
from domain.actors import Actor
from domain.journals_preview import PREVIEWS
from domain.scope import in_callers_entities
from domain.subledger import TotalsPeriod, TransactionStatus
from resolvers.context import Context
from resolvers.pagination import Page, Window, keyset_page


@dataclass(frozen=True)
class TransactionFilter:
    legal_entity: str | None = None
    project_id: int | None = None
    transaction_type: str | None = None
    status: TransactionStatus | None = None
    from_date: dt.date | None = None
    to_date: dt.date | None = None


def transaction_filters(actor: Actor, data: TransactionFilter) -> list[ColumnElement[bool]]:
    """WHERE clauses of `projectTransactions`: the caller's legal entities first (M1)."""
    row = SubledgerTransaction
    clauses = [in_callers_entities(row.legal_entity_id, actor)]
    if data.legal_entity is not None:
        entity = select(LegalEntity.id).where(LegalEntity.code == data.legal_entity.upper())
        clauses.append(row.legal_entity_id.in_(entity))
    if data.project_id is not None:
        clauses.append(row.project_id == data.project_id)
    if data.transaction_type is not None:
        clauses.append(row.transaction_type == data.transaction_type)
    if data.status is not None:
        status: ColumnElement[str] = literal_column(subledger.status(Actual.__tablename__))
        clauses.append(exists().where(Actual.id == row.actual_id, status == data.status.value))
    if data.from_date is not None:
        clauses.append(row.accounting_date >= data.from_date)
    if data.to_date is not None:
        clauses.append(row.accounting_date <= data.to_date)
    return clauses


async def transactions_page(
    context: Context, data: TransactionFilter, *, window: Window
) -> Page[SubledgerTransaction]:
    statement = select(SubledgerTransaction).where(*transaction_filters(context.actor, data))
    return await keyset_page(context, statement, window)


async def _rows(context: Context, sql: str, params: dict[str, Any]) -> list[Any]:
    return list((await context.read(lambda session: session.execute(text(sql), params))).all())


_STATUSES = f"SELECT a.id, {subledger.status('a')} AS status FROM actual a WHERE a.id = ANY(:ids)"


async def status_of(context: Context, actual_id: int) -> TransactionStatus:
    """The status of a transaction by its actual (the transaction is the caller's, and its
    actual of the same legal entity)."""

    async def load(ids: list[int]) -> list[TransactionStatus]:
        found = {row.id: row.status for row in await _rows(context, _STATUSES, {"ids": ids})}
        return [TransactionStatus(found[pk]) for pk in ids]

    loader = context.loaders.batch("subledger.status", load)
    status: TransactionStatus = await loader.load(actual_id)
    return status


@dataclass(frozen=True)
class Preview:
    """What posting a journal line will write: its amount in accounting currency and the ids
    of the accounts it debits and credits (None when the parameter is missing)."""

    amount_accounting: Decimal | None
    debit_account_id: int | None
    credit_account_id: int | None


async def preview_of(context: Context, line_id: int) -> Preview | None:
    async def load(ids: list[int]) -> list[Preview | None]:
        codes = sorted(context.actor.legal_entities)
        rows = await _rows(context, PREVIEWS, {"line_ids": ids, "codes": codes})
        found = {
            row.line_id: Preview(row.amount_accounting, row.debit_account_id, row.credit_account_id)
            for row in rows
        }
        return [found.get(pk) for pk in ids]

    loader = context.loaders.batch("journal_line.preview", load)
    preview: Preview | None = await loader.load(line_id)
    return preview


@dataclass(frozen=True)
class PeriodTotals:
    period_start: dt.date | None
    cost: Decimal
    unbilled_sales: Decimal


TotalsKey = tuple[int, dt.date | None, dt.date | None, TotalsPeriod]

_TOTALS = (
    "SELECT * FROM ("
    + subledger.totals(
        "s",
        [
            "s.project_id = ANY(:project_ids)",
            "s.legal_entity_id IN (SELECT id FROM legal_entity WHERE code = ANY(:codes))",
        ],
        "CAST(:from_date AS date)",
        "CAST(:to_date AS date)",
        "CAST(:period AS text)",
    )
    + ") totals ORDER BY totals.project_id, totals.period_start"
)


async def totals_of(
    context: Context,
    project_id: int,
    from_date: dt.date | None,
    to_date: dt.date | None,
    period: TotalsPeriod,
) -> list[PeriodTotals]:
    """A project's totals per period, in period order; one statement per distinct set of
    arguments in a request, whatever the number of projects."""

    async def load(keys: list[TotalsKey]) -> list[list[PeriodTotals]]:
        projects: dict[tuple[Any, ...], list[int]] = defaultdict(list)
        for pk, *arguments in keys:
            projects[tuple(arguments)].append(pk)
        found: dict[TotalsKey, list[PeriodTotals]] = defaultdict(list)
        codes = sorted(context.actor.legal_entities)
        for (start, end, each), ids in projects.items():
            params = {"project_ids": ids, "codes": codes, "from_date": start, "to_date": end,
                      "period": each.value}  # fmt: skip
            for row in await _rows(context, _TOTALS, params):
                totals = PeriodTotals(row.period_start, row.cost, row.unbilled_sales)
                found[(row.project_id, start, end, each)].append(totals)
        return [found.get(key, []) for key in keys]

    loader = context.loaders.batch("project.totals", load)
    totals: list[PeriodTotals] = await loader.load((project_id, from_date, to_date, period))
    return totals
