"""M4: which price list applies (project's over default, by context and dates) and what each
pricing method yields, to the cent; no price gives 0 with a visible warning."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.prices import PriceContext, PricingMethod
from domain.errors import DomainError, ErrorCode
from domain.prices import applicable_price_list, price_for
from tests.support import projects as make
from tests.support.world import World

SALES = PriceContext.SALES
MARCH = dt.date(2024, 3, 1)


def cents(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


async def test_m4_project_list_wins_over_default_inside_its_dates(
    session: AsyncSession, world: World
) -> None:
    travel = await make.category(session, "TRAVEL")
    default = await make.price_list(session, world, "Default sales", is_default=True)
    special = await make.price_list(
        session, world, "Special", valid_from=dt.date(2024, 1, 1), valid_to=dt.date(2024, 6, 30)
    )
    await make.line(session, world, default, travel, price="100")
    await make.line(session, world, special, travel, price="120")
    assigned = await make.project(session, world, "P1")
    plain = await make.project(session, world, "P2")
    await make.assign(session, world, assigned, special)

    async def price(project_id: int, date: dt.date) -> Decimal:
        result = await price_for(
            session,
            project_id=project_id,
            context=SALES,
            transaction_category_id=travel.id,
            unit_id=None,
            date=date,
            cost_unit_amount=None,
        )
        assert result.warning is None
        return result.unit_price

    assert await price(assigned.id, MARCH) == Decimal("120")
    assert await price(assigned.id, dt.date(2024, 7, 1)) == Decimal("100")  # past its end
    assert await price(plain.id, MARCH) == Decimal("100")
    chosen = await applicable_price_list(session, project_id=assigned.id, context=SALES, date=MARCH)
    assert chosen is not None and chosen.id == special.id


async def test_m4_context_and_dates_select_the_list(session: AsyncSession, world: World) -> None:
    travel = await make.category(session, "TRAVEL")
    cost = await make.price_list(session, world, "Cost", context=PriceContext.COST, is_default=True)
    sales = await make.price_list(
        session, world, "Sales 2024", is_default=True, valid_to=dt.date(2024, 12, 31)
    )
    await make.line(session, world, cost, travel, price="50")
    await make.line(session, world, sales, travel, price="80")
    project = await make.project(session, world, "P1")
    for context, date, expected in (
        (PriceContext.COST, MARCH, cost.id),
        (SALES, MARCH, sales.id),
        (SALES, dt.date(2025, 1, 1), None),  # after the sales list's end
        (SALES, dt.date(2023, 12, 31), None),  # before its start
        (PriceContext.PURCHASE, MARCH, None),  # no list of that context at all
    ):
        chosen = await applicable_price_list(
            session, project_id=project.id, context=context, date=date
        )
        assert (chosen.id if chosen else None) == expected, (context, date)


async def test_m4_pricing_methods_to_the_cent(session: AsyncSession, world: World) -> None:
    travel, hotel, meals, tiny = [
        await make.category(session, code) for code in ("TRAVEL", "HOTEL", "MEALS", "TINY")
    ]
    sales = await make.price_list(session, world, "Sales", is_default=True)
    await make.line(session, world, sales, travel, price="85.5")
    await make.line(session, world, sales, hotel, method=PricingMethod.AT_COST)
    await make.line(session, world, sales, meals, method=PricingMethod.MARKUP, markup="12.5")
    await make.line(session, world, sales, tiny, method=PricingMethod.MARKUP, markup="50")
    project = await make.project(session, world, "P1")

    async def unit_price(category_id: int, cost: str) -> Decimal:
        result = await price_for(
            session,
            project_id=project.id,
            context=SALES,
            transaction_category_id=category_id,
            unit_id=None,
            date=MARCH,
            cost_unit_amount=Decimal(cost),
        )
        assert result.warning is None and result.currency_code == "USD"
        return result.unit_price

    assert cents(Decimal(3) * await unit_price(travel.id, "40")) == Decimal("256.50")
    assert await unit_price(hotel.id, "149.99") == Decimal("149.990000")
    # 19.99 * 1.125 = 22.48875: kept to 6 places, 22.49 in cents.
    meal = await unit_price(meals.id, "19.99")
    assert meal == Decimal("22.488750")
    assert cents(Decimal(2) * meal) == Decimal("44.98")
    # 0.000003 * 1.5 = 0.0000045: half-up gives 0.000005 (banker's rounding would give 4).
    assert await unit_price(tiny.id, "0.000003") == Decimal("0.000005")


async def test_m4_price_per_week_applies_to_days_not_to_other_groups(
    session: AsyncSession, world: World
) -> None:
    found = await make.time_units(session, world)
    consulting = await make.category(session, "CONSULT")
    sales = await make.price_list(session, world, "Sales", is_default=True)
    await make.line(session, world, sales, consulting, unit=found.week, price="700")
    project = await make.project(session, world, "P1")
    results = [
        await price_for(
            session,
            project_id=project.id,
            context=SALES,
            transaction_category_id=consulting.id,
            unit_id=unit.id,
            date=MARCH,
            cost_unit_amount=None,
        )
        for unit in (found.day, found.each)
    ]
    assert results[0].unit_price == Decimal("100") and results[0].warning is None
    assert results[1].unit_price == Decimal(0) and results[1].warning is not None


async def test_m4_no_price_is_zero_with_a_warning_naming_project_category_date(
    session: AsyncSession, world: World
) -> None:
    travel = await make.category(session, "TRAVEL")
    hotel = await make.category(session, "HOTEL")
    project = await make.project(session, world, "PRJ-9")

    async def result(category_id: int) -> tuple[Decimal, str]:
        found = await price_for(
            session,
            project_id=project.id,
            context=SALES,
            transaction_category_id=category_id,
            unit_id=None,
            date=MARCH,
            cost_unit_amount=Decimal("10"),
        )
        assert found.warning is not None
        return found.unit_price, found.warning

    price, warning = await result(travel.id)  # no list at all
    assert price == Decimal(0)
    assert all(part in warning for part in ("PRJ-9", "TRAVEL", "2024-03-01", "sales"))
    sales = await make.price_list(session, world, "Sales", is_default=True)
    await make.line(session, world, sales, travel, price="10")
    price, warning = await result(hotel.id)  # a list without a line for the category
    assert price == Decimal(0)
    assert all(part in warning for part in ("PRJ-9", "HOTEL", "2024-03-01", "Sales"))


async def test_m4_overlapping_defaults_and_assignments_are_refused(
    session: AsyncSession, world: World
) -> None:
    await make.price_list(session, world, "Default 2024", is_default=True)
    with pytest.raises(DomainError) as refused:
        await make.price_list(
            session, world, "Another default", is_default=True, valid_from=dt.date(2025, 1, 1)
        )
    assert refused.value.code == ErrorCode.OVERLAPPING_PRICE_LIST
    # A default of another context, or of another company, does not clash.
    await make.price_list(session, world, "Cost", is_default=True, context=PriceContext.COST)
    await make.price_list(session, world, "DE", is_default=True, entity="DEPM", currency="EUR")
    project = await make.project(session, world, "P1")
    first = await make.price_list(session, world, "A", valid_to=dt.date(2024, 6, 30))
    second = await make.price_list(session, world, "B", valid_from=dt.date(2024, 6, 1))
    await make.assign(session, world, project, first)
    with pytest.raises(DomainError) as refused:
        await make.assign(session, world, project, second)
    assert refused.value.code == ErrorCode.OVERLAPPING_PRICE_LIST


async def test_m4_at_cost_and_markup_only_on_sales_lists(
    session: AsyncSession, world: World
) -> None:
    travel = await make.category(session, "TRAVEL")
    cost = await make.price_list(session, world, "Cost", context=PriceContext.COST)
    for method in (PricingMethod.AT_COST, PricingMethod.MARKUP):
        with pytest.raises(DomainError) as refused:
            await make.line(session, world, cost, travel, method=method, markup="10")
        assert (refused.value.code, refused.value.field) == (ErrorCode.INVALID, ["pricingMethod"])
