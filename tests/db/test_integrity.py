"""Migration 0005: the keys that make a race on price lines or task references harmless."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.actuals import Actual
from db.models.master_data import Project, Task
from db.models.prices import PriceList, PriceListLine
from tests.support.journals import add_actuals, staging
from tests.support.world import World


async def test_m4_one_price_line_per_category_without_a_unit(
    session: AsyncSession, world: World
) -> None:
    base = await staging(session, world)
    price_list = PriceList(
        legal_entity_id=base.legal_entity_id,
        name="Sales",
        context="sales",
        currency_code="USD",
        valid_from=dt.date(2026, 1, 1),
    )
    session.add(price_list)
    await session.flush()
    for price in (Decimal(10), Decimal(12)):
        session.add(
            PriceListLine(
                legal_entity_id=base.legal_entity_id,
                price_list_id=price_list.id,
                transaction_category_id=base.category_id,
                unit_id=None,
                pricing_method="per_unit",
                price=price,
            )
        )
    with pytest.raises(IntegrityError, match="uq_price_list_line"):
        await session.flush()


async def test_m1_an_actual_names_only_a_task_of_its_project(
    session: AsyncSession, world: World
) -> None:
    base = await staging(session, world)
    other = Project(
        legal_entity_id=base.legal_entity_id,
        code="P2",
        name="Other",
        manager_user_id=world.users["manager"].id,
        billing_type="fixed_price",
        currency_code="USD",
    )
    session.add(other)
    await session.flush()
    foreign_task = Task(
        legal_entity_id=base.legal_entity_id, project_id=other.id, code="T", name="T"
    )
    session.add(foreign_task)
    await session.flush()
    (actual_id,) = await add_actuals(session, base, [Decimal(1)])
    cost = await session.get(Actual, actual_id)
    assert cost is not None
    session.add(
        Actual(
            legal_entity_id=cost.legal_entity_id,
            actual_type="unbilled_sales",
            transaction_class="expense",
            source_type="expense",
            project_expense_id=cost.project_expense_id,
            project_id=cost.project_id,
            task_id=foreign_task.id,
            transaction_category_id=cost.transaction_category_id,
            transaction_date=cost.transaction_date,
            quantity=Decimal(1),
            currency_code="USD",
            unit_amount=Decimal(1),
            amount=Decimal(1),
        )
    )
    with pytest.raises(IntegrityError, match="fk_actual_project_id_task_id_task"):
        await session.flush()
