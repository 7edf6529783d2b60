"""Units on expense categories and lines through the API (M3, M4, E5): a category's unit group
and default unit, a line's unit defaulted or checked against the group, and the unbilled
sales of a line priced per unit, converted inside the group as vendor invoices are."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from db.models.actuals import Actual
from db.models.categories import ExpenseCategory, TransactionCategory
from db.models.expenses import ExpenseLine
from jobs.approval import approve_expenses
from tests.support import projects
from tests.support.client import GraphQLClient, error_codes
from tests.support.expenses import (
    POST,
    Setup,
    add_line,
    approved_report,
    create_report,
    deferrals,
    expense_setup,
    transition,
)
from tests.support.projects import TimeUnits
from tests.support.read_paths import both, reference
from tests.support.world import World

__all__ = ["deferrals", "reference"]

pytestmark = pytest.mark.usefixtures("deferrals")

UPDATE_CATEGORY = """
mutation($input: UpdateExpenseCategoryInput!) {
  updateExpenseCategory(input: $input) {
    expenseCategory { code unitGroup { code } defaultUnit { code } }
    errors { code field message }
  }
}"""
CREATE_CATEGORY = """
mutation($input: CreateExpenseCategoryInput!) {
  createExpenseCategory(input: $input) {
    expenseCategory { code unitGroup { code } defaultUnit { code } }
    errors { code field message }
  }
}"""
LINES = """
query($id: ID!) {
  expenseReport(id: $id) {
    lines { lineNumber quantity unit { code factor unitGroup { code } }
      category { code unitGroup { code baseUnit { code } } defaultUnit { code } } }
  }
}"""


@pytest.fixture
async def setup(session: AsyncSession, world: World) -> Setup:
    return await expense_setup(session, world)


@pytest.fixture
async def units(session: AsyncSession, world: World) -> TimeUnits:
    made = await projects.time_units(session, world)
    await session.commit()
    return made


async def _set_units(client: GraphQLClient, setup: Setup, **values: str | None) -> dict[str, Any]:
    """The accountant changes the USPM category's unit group and default unit."""
    variables = {"input": {"id": setup.category_id, **values}}
    return await client.mutate(UPDATE_CATEGORY, variables, token=setup.world.tokens["accountant"])


def _gid(setup: Setup, row: Any) -> str:
    return setup.gid(type(row).__name__, row.id)


async def test_m3_category_takes_a_unit_group_and_a_default_unit_of_it(
    client: GraphQLClient, setup: Setup, units: TimeUnits, session: AsyncSession
) -> None:
    time = setup.gid("UnitGroup", units.day.unit_group_id)
    week = _gid(setup, units.week)
    both_set = await _set_units(client, setup, unitGroupId=time, defaultUnitId=week)
    assert both_set["errors"] == []
    assert both_set["expenseCategory"]["unitGroup"] == {"code": "TIME"}
    assert both_set["expenseCategory"]["defaultUnit"] == {"code": "WEEK"}
    refused = await _set_units(client, setup, defaultUnitId=_gid(setup, units.each))
    assert error_codes(refused) == ["INCOMPATIBLE_UNITS"]
    assert refused["errors"][0]["field"] == ["defaultUnitId"]
    assert "EA" in refused["errors"][0]["message"]
    count_group = setup.gid("UnitGroup", units.each.unit_group_id)
    other_group = await _set_units(client, setup, unitGroupId=count_group)
    assert error_codes(other_group) == ["INCOMPATIBLE_UNITS"]  # the kept default is a Week
    category = await session.get(ExpenseCategory, setup.category.id)
    assert category is not None
    await session.refresh(category)
    assert (category.unit_group_id, category.default_unit_id) == (
        units.day.unit_group_id,
        units.week.id,
    )
    cleared = await _set_units(client, setup, unitGroupId=None)
    assert cleared["expenseCategory"] == {"code": "TRAVEL", "unitGroup": None, "defaultUnit": None}
    named = await _set_units(client, setup, defaultUnitId=_gid(setup, units.day))
    assert named["expenseCategory"]["unitGroup"] == {"code": "TIME"}  # the unit names its group


async def test_m3_new_category_with_units_and_bad_ids_are_typed_errors(
    client: GraphQLClient, setup: Setup, units: TimeUnits, session: AsyncSession
) -> None:
    shared = setup.gid("SharedCategory", setup.category.shared_category_id)
    base = {"legalEntity": "USPM", "name": "Rental", "sharedCategoryId": shared}
    token = setup.world.tokens["accountant"]
    cases = [
        ({"unitGroupId": setup.gid("UnitGroup", units.day.unit_group_id),
          "defaultUnitId": _gid(setup, units.each)}, "INCOMPATIBLE_UNITS", "defaultUnitId"),
        ({"unitGroupId": setup.gid("UnitGroup", 10**9)}, "NOT_FOUND", "unitGroupId"),
        ({"defaultUnitId": setup.gid("Unit", 10**9)}, "NOT_FOUND", "defaultUnitId"),
        ({"defaultUnitId": _gid(setup, setup.tm_project)}, "INVALID", "defaultUnitId"),
    ]  # fmt: skip
    for values, code, field in cases:
        variables = {"input": {**base, "code": "RENT", **values}}
        payload = await client.mutate(CREATE_CATEGORY, variables, token=token)
        assert error_codes(payload) == [code], payload
        assert payload["errors"][0]["field"] == [field]
    count = select(func.count()).select_from(ExpenseCategory)
    assert await session.scalar(count) == 2  # the setup's two: nothing written
    made = await client.mutate(
        CREATE_CATEGORY,
        {"input": {**base, "code": "RENT", "defaultUnitId": _gid(setup, units.week)}},
        token=token,
    )
    assert made["expenseCategory"] == {
        "code": "RENT",
        "unitGroup": {"code": "TIME"},
        "defaultUnit": {"code": "WEEK"},
    }


async def test_m4_line_unit_defaults_to_the_category_default_then_the_base_unit(
    client: GraphQLClient, reference: GraphQLClient, setup: Setup, units: TimeUnits
) -> None:
    time = setup.gid("UnitGroup", units.day.unit_group_id)
    await _set_units(client, setup, unitGroupId=time, defaultUnitId=_gid(setup, units.week))
    report = await create_report(client, setup)
    assert (await add_line(client, setup, report))["errors"] == []
    await _set_units(client, setup, defaultUnitId=None)
    assert (await add_line(client, setup, report))["errors"] == []
    chosen = await add_line(client, setup, report, unitId=_gid(setup, units.week), quantity="2")
    assert chosen["errors"] == []
    token = setup.world.tokens["employee"]
    body, path = await both(client, reference, LINES, {"id": report}, token)
    assert path == "compiled"
    lines = body["data"]["expenseReport"]["lines"]
    assert [(line["unit"]["code"], line["quantity"]) for line in lines] == [
        ("WEEK", "1.0000"),  # the category's default unit
        ("DAY", "1.0000"),  # no default: the group's base unit
        ("WEEK", "2.0000"),  # as given
    ]
    assert lines[0]["unit"]["unitGroup"] == {"code": "TIME"}
    assert lines[2]["category"] == {
        "code": "TRAVEL",
        "unitGroup": {"code": "TIME", "baseUnit": {"code": "DAY"}},
        "defaultUnit": None,
    }


async def test_m3_a_unit_of_another_group_is_refused_and_nothing_written(
    client: GraphQLClient, setup: Setup, units: TimeUnits, session: AsyncSession
) -> None:
    await _set_units(client, setup, unitGroupId=setup.gid("UnitGroup", units.day.unit_group_id))
    report = await create_report(client, setup)
    payload = await add_line(client, setup, report, unitId=_gid(setup, units.each))
    assert error_codes(payload) == ["INCOMPATIBLE_UNITS"] and payload["expenseLine"] is None
    assert payload["errors"][0]["field"] == ["unitId"]
    assert "EA" in payload["errors"][0]["message"] and "TRAVEL" in payload["errors"][0]["message"]
    missing = await add_line(client, setup, report, unitId=setup.gid("Unit", 10**9))
    assert error_codes(missing) == ["NOT_FOUND"]
    assert await session.scalar(select(func.count()).select_from(ExpenseLine)) == 0


async def test_e5_m3_a_price_per_day_prices_a_line_in_weeks_seven_times(
    client: GraphQLClient,
    setup: Setup,
    units: TimeUnits,
    session: AsyncSession,
    connection: AsyncConnection,
    world: World,
) -> None:
    """Sales priced 80.50 per Day; 2 Weeks cost 100.00: unbilled sales 2 x 563.50 = 1127.00."""
    project = await projects.project(session, world, "UNITS")
    category = await session.get_one(TransactionCategory, setup.category.transaction_category_id)
    per_day = await projects.price_list(session, world, "Per day")
    await projects.line(session, world, per_day, category, unit=units.day, price="80.50")
    await projects.assign(session, world, project, per_day)
    await session.commit()
    await _set_units(client, setup, unitGroupId=setup.gid("UnitGroup", units.day.unit_group_id))
    line = {"projectId": setup.gid("Project", project.id), "unitId": _gid(setup, units.week),
            "quantity": "2", "amount": "100.00"}  # fmt: skip
    report = await approved_report(client, setup, [line])
    assert (await transition(client, setup, POST, report, "accountant"))["errors"] == []
    sessions = async_sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    await approve_expenses(sessions, now=dt.datetime.now(dt.UTC))
    actuals = await session.scalars(
        select(Actual).where(Actual.project_id == project.id).order_by(Actual.id)
    )
    assert [
        (a.actual_type, a.unit_id, str(a.quantity), str(a.unit_amount), str(a.amount))
        for a in actuals
    ] == [
        ("cost", units.week.id, "2.0000", "50.000000", "100.0000"),
        ("unbilled_sales", units.week.id, "2.0000", "563.500000", "1127.0000"),
    ]
