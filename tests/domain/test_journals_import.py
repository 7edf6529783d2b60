"""Import from staging (J1-J3) against real PostgreSQL: `domain/journals_import.py`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.journals import Journal, JournalLine
from domain.journals_import import import_pending_actuals
from tests.support.journals import (
    LAST_MONTH,
    add_actuals,
    add_rate,
    journal_lines,
    set_parameters,
    staging,
)
from tests.support.world import TODAY, World

NOW = dt.datetime.now(dt.UTC)


async def test_j1_one_line_per_pending_actual_and_idempotent(
    session: AsyncSession, world: World
) -> None:
    base = await staging(session, world)
    actual_ids = await add_actuals(session, base, [Decimal("10.00"), Decimal("20.50")])
    first = await import_pending_actuals(session, base.legal_entity_id)
    second = await import_pending_actuals(session, base.legal_entity_id)
    lines = await journal_lines(session, base.legal_entity_id)
    assert (first.imported, second.imported) == (2, 0)
    assert [line.actual_id for line in lines] == actual_ids
    assert len({line.voucher_number for line in lines}) == 2
    assert all(line.status == "draft" and line.date == TODAY for line in lines)


async def test_j1_deleted_unposted_line_comes_back(session: AsyncSession, world: World) -> None:
    base = await staging(session, world)
    (actual_id,) = await add_actuals(session, base, [Decimal("5.00")])
    await import_pending_actuals(session, base.legal_entity_id)
    (line,) = await journal_lines(session, base.legal_entity_id)
    await session.execute(delete(JournalLine).where(JournalLine.id == line.id))
    again = await import_pending_actuals(session, base.legal_entity_id)
    (new_line,) = await journal_lines(session, base.legal_entity_id)
    assert again.imported == 1
    assert new_line.actual_id == actual_id and new_line.id != line.id
    assert new_line.voucher_number != line.voucher_number  # numbers are never reused


async def test_j2_fills_draft_journal_up_to_lines_per_header(
    session: AsyncSession, world: World
) -> None:
    base = await staging(session, world)
    await set_parameters(session, base.legal_entity_id, lines_per_journal=2)
    await add_actuals(session, base, [Decimal(n) for n in (1, 2, 3)])
    await import_pending_actuals(session, base.legal_entity_id)
    await add_actuals(session, base, [Decimal(n) for n in (4, 5, 6)])
    await import_pending_actuals(session, base.legal_entity_id)
    journals = list(
        await session.scalars(
            select(Journal)
            .where(Journal.legal_entity_id == base.legal_entity_id)
            .order_by(Journal.id)
        )
    )
    counts = await session.execute(
        select(JournalLine.journal_id, func.count()).group_by(JournalLine.journal_id)
    )
    assert [journal.line_count for journal in journals] == [2, 2, 2]
    assert sorted(count for _, count in counts) == [2, 2, 2]
    assert {journal.period_start for journal in journals} == {TODAY.replace(day=1)}


async def test_j2_groups_by_period_unit(session: AsyncSession, world: World) -> None:
    base = await staging(session, world)
    await set_parameters(session, base.legal_entity_id, journal_period_unit="days")
    await add_actuals(session, base, [Decimal(1)], date=TODAY)
    await add_actuals(session, base, [Decimal(2)], date=TODAY - dt.timedelta(days=40))
    await add_rate(session, "EUR", "USD", "1.1", TODAY - dt.timedelta(days=400))
    result = await import_pending_actuals(session, base.legal_entity_id)
    journals = await session.scalars(
        select(Journal.period_start).where(Journal.id.in_(result.journal_ids))
    )
    assert sorted(start for start in journals if start) == [TODAY - dt.timedelta(days=40), TODAY]


def _sequence_number(number: str) -> int:
    return int("".join(char for char in number if char.isdigit()))


async def _journals_by_number(session: AsyncSession, journal_ids: set[int]) -> list[Journal]:
    rows = await session.scalars(select(Journal).where(Journal.id.in_(journal_ids)))
    return sorted(rows, key=lambda journal: _sequence_number(journal.number))


async def test_j2_journal_numbers_follow_the_periods(session: AsyncSession, world: World) -> None:
    """Actuals of three months given newest first: the earliest month's journal is numbered
    first, and so are its lines' voucher numbers (J3)."""
    base = await staging(session, world)
    await set_parameters(session, base.legal_entity_id, journal_period_unit="months")
    two_months_ago = (LAST_MONTH - dt.timedelta(days=1)).replace(day=1)
    months = [TODAY.replace(day=1), LAST_MONTH, two_months_ago]
    for month in months:
        await add_actuals(session, base, [Decimal(1), Decimal(2)], date=month)
    result = await import_pending_actuals(session, base.legal_entity_id)
    journals = await _journals_by_number(session, result.journal_ids)
    assert [journal.period_start for journal in journals] == months[::-1]
    lines = await journal_lines(session, base.legal_entity_id)
    by_voucher = sorted(lines, key=lambda line: _sequence_number(line.voucher_number))
    assert [line.date for line in by_voucher] == [month for month in months[::-1] for _ in "12"]


async def test_j2_journals_of_one_period_are_numbered_by_first_date(
    session: AsyncSession, world: World
) -> None:
    base = await staging(session, world)
    await set_parameters(
        session, base.legal_entity_id, journal_period_unit="all", lines_per_journal=2
    )
    days = [TODAY - dt.timedelta(days=offset) for offset in range(4)]
    for day in days:  # newest first
        await add_actuals(session, base, [Decimal(1)], date=day)
    result = await import_pending_actuals(session, base.legal_entity_id)
    journals = await _journals_by_number(session, result.journal_ids)
    lines = await journal_lines(session, base.legal_entity_id)
    dates = [sorted(line.date for line in lines if line.journal_id == j.id) for j in journals]
    assert dates == [[days[3], days[2]], [days[1], days[0]]]


async def test_j2_never_appends_to_a_journal_that_is_not_draft(
    session: AsyncSession, world: World
) -> None:
    base = await staging(session, world)
    await add_actuals(session, base, [Decimal(1)])
    first = await import_pending_actuals(session, base.legal_entity_id)
    await session.execute(update(Journal).values(status="processing"))
    await add_actuals(session, base, [Decimal(2)])
    second = await import_pending_actuals(session, base.legal_entity_id)
    assert first.journal_ids.isdisjoint(second.journal_ids) and second.imported == 1


async def test_j3_missing_rate_leaves_actual_pending_and_says_why(
    session: AsyncSession, world: World
) -> None:
    base = await staging(session, world)
    (euro_actual,) = await add_actuals(session, base, [Decimal(7)], currency="EUR")
    await add_actuals(session, base, [Decimal(8)])
    result = await import_pending_actuals(session, base.legal_entity_id)
    assert result.imported == 1
    (missing,) = result.missing_rates
    assert missing.actual_id == euro_actual
    assert "EUR->USD" in missing.message and TODAY.isoformat() in missing.message
    await add_rate(session, "USD", "EUR", "0.8", TODAY - dt.timedelta(days=1))
    retried = await import_pending_actuals(session, base.legal_entity_id)
    (line,) = [
        line
        for line in await journal_lines(session, base.legal_entity_id)
        if line.actual_id == euro_actual
    ]
    assert retried.imported == 1 and line.exchange_rate == Decimal("1.250000")  # inverse of 0.8


async def test_j3_accounting_date_moves_to_next_open_period(
    session: AsyncSession, world: World
) -> None:
    base = await staging(session, world)  # last month is on hold, this month open
    await add_actuals(session, base, [Decimal(3)], date=LAST_MONTH)
    await import_pending_actuals(session, base.legal_entity_id)
    (line,) = await journal_lines(session, base.legal_entity_id)
    assert line.date == LAST_MONTH and line.accounting_date == TODAY.replace(day=1)


async def test_j3_category_and_line_property_from_the_setup(
    session: AsyncSession, world: World
) -> None:
    from db.models.categories import ProjectCategory
    from db.models.parameters import LinePropertyMapping

    base = await staging(session, world)
    await add_actuals(session, base, [Decimal(1)])
    fallback = ProjectCategory(
        legal_entity_id=base.legal_entity_id,
        code="DEFAULT",
        name="Default",
        transaction_category_id=(await _other_category(session)),
    )
    session.add(fallback)
    session.add(
        LinePropertyMapping(
            legal_entity_id=base.legal_entity_id,
            billing_type="time_and_material",
            line_property="chargeable",
        )
    )
    await session.flush()
    await set_parameters(session, base.legal_entity_id, default_project_category_id=fallback.id)
    await import_pending_actuals(session, base.legal_entity_id)
    (by_default,) = await journal_lines(session, base.legal_entity_id)
    own = ProjectCategory(
        legal_entity_id=base.legal_entity_id,
        code="TRAVEL",
        name="Travel",
        transaction_category_id=base.category_id,
    )
    session.add(own)
    await session.flush()
    await add_actuals(session, base, [Decimal(2)])
    await import_pending_actuals(session, base.legal_entity_id)
    _, by_category = await journal_lines(session, base.legal_entity_id)
    assert by_default.project_category_id == fallback.id  # no project category: the default
    assert by_category.project_category_id == own.id
    assert by_default.line_property == by_category.line_property == "chargeable"


async def _other_category(session: AsyncSession) -> int:
    from db.models.categories import TransactionCategory

    category = TransactionCategory(code="FALLBACK", name="Fallback")
    session.add(category)
    await session.flush()
    return category.id
