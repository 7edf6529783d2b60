"""Resolvers for ledger periods (M5)."""

from __future__ import annotations

from sqlalchemy import select

from db.models.ledger import LedgerPeriod, PeriodStatus
from domain import ledger
from domain.master_data import entity_by_code
from resolvers.context import Context
from resolvers.mutations import Outcome, run_mutation
from resolvers.pagination import Page, Window, keyset_page


async def ledger_periods(
    context: Context,
    *,
    legal_entity: str,
    status: PeriodStatus | None,
    window: Window,
) -> Page[LedgerPeriod]:
    actor = context.actor
    entity = await context.read(
        lambda session: entity_by_code(session, actor, legal_entity, ["legalEntity"])
    )
    statement = select(LedgerPeriod).where(LedgerPeriod.legal_entity_id == entity.id)
    if status is not None:
        statement = statement.where(LedgerPeriod.status == status.value)
    return await keyset_page(context, statement, window)


async def create_ledger_periods(
    context: Context, data: ledger.NewLedgerPeriods
) -> Outcome[list[LedgerPeriod]]:
    return await run_mutation(
        context, lambda session, actor: ledger.create_ledger_periods(session, actor, data)
    )


async def set_ledger_period_status(
    context: Context, period_id: int, status: PeriodStatus
) -> Outcome[LedgerPeriod]:
    return await run_mutation(
        context,
        lambda session, actor: ledger.set_ledger_period_status(session, actor, period_id, status),
    )


async def close_ledger_period_permanently(
    context: Context, period_id: int, reason: str | None
) -> Outcome[LedgerPeriod]:
    return await run_mutation(
        context,
        lambda session, actor: ledger.close_ledger_period_permanently(
            session, actor, period_id, reason
        ),
    )
