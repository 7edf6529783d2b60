"""Ledger periods (M5, L4): monthly, Open <-> On hold, Permanently closed for good."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.audit import AuditRecord
from db.models.ledger import LedgerPeriod, PeriodStatus
from db.models.master_data import Role
from domain.actors import Actor
from domain.errors import DomainError, ErrorCode
from domain.master_data import entity_by_code
from domain.scope import in_callers_entities
from domain.validation import check_date, require_text

MAX_MONTHS = 120  # one call creates at most ten years of periods
# The statuses a period may be created with or moved between; closing has its own mutation.
REVERSIBLE = (PeriodStatus.OPEN, PeriodStatus.ON_HOLD)


@dataclass(frozen=True)
class NewLedgerPeriods:
    """Any day of `from_month` and `to_month` stands for its month."""

    legal_entity: str
    from_month: dt.date
    to_month: dt.date
    status: PeriodStatus = PeriodStatus.OPEN


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(start: dt.date) -> dt.date:
    return (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def months(first: dt.date, last: dt.date) -> list[dt.date]:
    """First days of the months from `first`'s to `last`'s, both included."""
    starts, current = [], month_start(first)
    while current <= last:
        starts.append(current)
        current = next_month(current)
    return starts


def _check_reversible(status: PeriodStatus) -> None:
    if status not in REVERSIBLE:
        raise DomainError(
            ErrorCode.INVALID,
            "A period is open or on hold; close it with closeLedgerPeriodPermanently.",
            ["status"],
        )


async def create_ledger_periods(
    session: AsyncSession, actor: Actor, data: NewLedgerPeriods
) -> list[LedgerPeriod]:
    actor.require_role(Role.ACCOUNTANT)
    entity = await entity_by_code(session, actor, data.legal_entity, ["legalEntity"])
    first = month_start(check_date(data.from_month, ["fromMonth"]))
    last = month_start(check_date(data.to_month, ["toMonth"]))
    if last < first:
        raise DomainError(ErrorCode.INVALID, "toMonth is before fromMonth.", ["toMonth"])
    starts = months(first, last)
    if len(starts) > MAX_MONTHS:
        raise DomainError(
            ErrorCode.OUT_OF_RANGE, f"At most {MAX_MONTHS} months at once.", ["toMonth"]
        )
    _check_reversible(data.status)
    existing = list(
        await session.scalars(
            select(LedgerPeriod.start_date)
            .where(LedgerPeriod.legal_entity_id == entity.id, LedgerPeriod.start_date.in_(starts))
            .order_by(LedgerPeriod.start_date)
        )
    )
    if existing:
        taken = ", ".join(start.strftime("%Y-%m") for start in existing)
        raise DomainError(
            ErrorCode.DUPLICATE, f"{entity.code} has periods for {taken} already.", ["fromMonth"]
        )
    periods = [
        LedgerPeriod(
            legal_entity_id=entity.id,
            start_date=start,
            end_date=next_month(start) - dt.timedelta(days=1),
            status=data.status.value,
        )
        for start in starts
    ]
    session.add_all(periods)
    await session.flush()
    return periods


async def _locked_period(session: AsyncSession, actor: Actor, period_id: int) -> LedgerPeriod:
    """The caller's period, locked so a concurrent change or posting waits for this one."""
    period = await session.scalar(
        select(LedgerPeriod)
        .where(
            LedgerPeriod.id == period_id,
            in_callers_entities(LedgerPeriod.legal_entity_id, actor),
        )
        .with_for_update()
    )
    if period is None:
        raise DomainError(ErrorCode.NOT_FOUND, "The ledger period does not exist.", ["id"])
    if period.status == PeriodStatus.PERMANENTLY_CLOSED:
        raise DomainError(
            ErrorCode.PERIOD_CLOSED_PERMANENTLY,
            f"The period starting {period.start_date} is permanently closed; it never reopens.",
            ["id"],
        )
    return period


async def set_ledger_period_status(
    session: AsyncSession, actor: Actor, period_id: int, status: PeriodStatus
) -> LedgerPeriod:
    actor.require_role(Role.ACCOUNTANT)
    _check_reversible(status)
    period = await _locked_period(session, actor, period_id)
    period.status = status.value
    await session.flush()
    return period


async def close_ledger_period_permanently(
    session: AsyncSession, actor: Actor, period_id: int, reason: str | None = None
) -> LedgerPeriod:
    """Final: no later call can change the period again, and the close is audited."""
    actor.require_role(Role.ACCOUNTANT)
    why = require_text(reason, ["reason"], 1000) if reason is not None else None
    period = await _locked_period(session, actor, period_id)
    previous = period.status
    period.status = PeriodStatus.PERMANENTLY_CLOSED.value
    session.add(
        AuditRecord(
            legal_entity_id=period.legal_entity_id,
            actor_user_id=actor.user_id,
            action="ledger_period.close_permanently",
            entity_type="ledger_period",
            entity_id=period.id,
            details={"start_date": period.start_date.isoformat(), "previous_status": previous},
            reason=why,
        )
    )
    await session.flush()
    return period


async def require_open_period(
    session: AsyncSession, legal_entity_id: int, date: dt.date, *, lock: bool = True
) -> LedgerPeriod:
    """The Open period containing `date` (L4), else PERIOD_NOT_OPEN naming date and status.

    With `lock` the period is held FOR SHARE until the caller's transaction ends, so a
    concurrent hold or close waits for the posting instead of slipping in between.
    """
    statement = select(LedgerPeriod).where(
        LedgerPeriod.legal_entity_id == legal_entity_id,
        LedgerPeriod.start_date <= date,
        LedgerPeriod.end_date >= date,
    )
    if lock:
        statement = statement.with_for_update(read=True)
    period = await session.scalar(statement)
    if period is None:
        raise DomainError(ErrorCode.PERIOD_NOT_OPEN, f"There is no ledger period for {date}.")
    if period.status != PeriodStatus.OPEN:
        status = PeriodStatus(period.status).value.replace("_", " ")
        raise DomainError(
            ErrorCode.PERIOD_NOT_OPEN, f"The ledger period of {date} is {status}, not open."
        )
    return period


async def first_open_period_on_or_after(
    session: AsyncSession, legal_entity_id: int, date: dt.date
) -> LedgerPeriod | None:
    """The Open period containing `date`, else the first Open one after it (J3), else None."""
    statement = (
        select(LedgerPeriod)
        .where(
            LedgerPeriod.legal_entity_id == legal_entity_id,
            LedgerPeriod.status == PeriodStatus.OPEN,
            LedgerPeriod.end_date >= date,
        )
        .order_by(LedgerPeriod.start_date)
        .limit(1)
    )
    period: LedgerPeriod | None = await session.scalar(statement)
    return period
