"""Period helpers for posting (L4, M5) and for the journal's accounting date (J3)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.ledger import LedgerPeriod, PeriodStatus
from domain.errors import DomainError, ErrorCode
from domain.ledger import first_open_period_on_or_after, months, require_open_period
from tests.support.world import TODAY, World

MONTH = TODAY.replace(day=1)
PREVIOUS = (MONTH - dt.timedelta(days=1)).replace(day=1)


def add_months(start: dt.date, count: int) -> dt.date:
    return months(start, start.replace(year=start.year + 1))[count]


async def add_period(
    session: AsyncSession, world: World, start: dt.date, status: PeriodStatus
) -> None:
    end = add_months(start, 1) - dt.timedelta(days=1)
    session.add(
        LedgerPeriod(
            legal_entity_id=world.entity_id("USPM"), start_date=start, end_date=end, status=status
        )
    )
    await session.flush()


def test_m5_months_cover_every_month_of_a_range() -> None:
    assert months(dt.date(2030, 11, 30), dt.date(2031, 2, 1)) == [
        dt.date(2030, 11, 1),
        dt.date(2030, 12, 1),
        dt.date(2031, 1, 1),
        dt.date(2031, 2, 1),
    ]


async def test_l4_require_open_period_returns_the_open_period(
    session: AsyncSession, world: World
) -> None:
    period = await require_open_period(session, world.entity_id("USPM"), TODAY)
    assert (period.start_date, period.status) == (MONTH, "open")


async def test_l4_period_on_hold_is_not_open(session: AsyncSession, world: World) -> None:
    day = PREVIOUS + dt.timedelta(days=3)
    with pytest.raises(DomainError) as raised:
        await require_open_period(session, world.entity_id("USPM"), day)
    assert raised.value.code == ErrorCode.PERIOD_NOT_OPEN
    assert str(day) in raised.value.message
    assert "on hold" in raised.value.message


async def test_l4_missing_or_closed_period_is_not_open(session: AsyncSession, world: World) -> None:
    later = add_months(MONTH, 1)
    with pytest.raises(DomainError) as missing:
        await require_open_period(session, world.entity_id("USPM"), later, lock=False)
    assert missing.value.code == ErrorCode.PERIOD_NOT_OPEN
    assert str(later) in missing.value.message
    await add_period(session, world, later, PeriodStatus.PERMANENTLY_CLOSED)
    with pytest.raises(DomainError) as closed:
        await require_open_period(session, world.entity_id("USPM"), later)
    assert "permanently closed" in closed.value.message
    # Another legal entity's open period does not count.
    other = await require_open_period(session, world.entity_id("DEPM"), TODAY)
    assert other.legal_entity_id == world.entity_id("DEPM")


async def test_j3_first_open_period_on_or_after(session: AsyncSession, world: World) -> None:
    entity = world.entity_id("USPM")
    on_hold_day = PREVIOUS + dt.timedelta(days=5)
    moved = await first_open_period_on_or_after(session, entity, on_hold_day)
    assert moved is not None and moved.start_date == MONTH
    same = await first_open_period_on_or_after(session, entity, TODAY)
    assert same is not None and same.start_date == MONTH
    assert await first_open_period_on_or_after(session, entity, add_months(MONTH, 1)) is None
    # A closed month is skipped for the next open one.
    await add_period(session, world, add_months(MONTH, 1), PeriodStatus.PERMANENTLY_CLOSED)
    await add_period(session, world, add_months(MONTH, 2), PeriodStatus.OPEN)
    skipped = await first_open_period_on_or_after(session, entity, add_months(MONTH, 1))
    assert skipped is not None and skipped.start_date == add_months(MONTH, 2)
