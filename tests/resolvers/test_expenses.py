"""Expense report capture through the API (E1 Draft edits, E3 line checks, M1 scoping)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.expenses import ExpenseLine, ExpenseReport
from tests.support.client import GraphQLClient, error_codes
from tests.support.expenses import (
    SUBMIT,
    Setup,
    add_line,
    create_report,
    expense_setup,
    line_input,
    transition,
)
from tests.support.world import World

UPDATE_LINE = """
mutation($input: UpdateExpenseLineInput!) {
  updateExpenseLine(input: $input) {
    expenseLine { lineNumber amount merchant }
    errors { code field message }
  }
}"""
DELETE_LINE = """
mutation($id: ID!) {
  deleteExpenseLine(input: {id: $id}) {
    expenseReport { lines { lineNumber } } errors { code field }
  }
}"""


@pytest.fixture
async def setup(session: AsyncSession, world: World) -> Setup:
    return await expense_setup(session, world)


async def _count(session: AsyncSession, model: Any) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_e1_create_report_is_draft_with_number(client: GraphQLClient, setup: Setup) -> None:
    payload = await client.mutate(
        """mutation { createExpenseReport(input: {legalEntity: "uspm", currencyCode: "eur"}) {
             expenseReport { number status currencyCode employee { name } }
             errors { code } } }""",
        token=setup.world.tokens["employee"],
    )
    report = payload["expenseReport"]
    assert report["status"] == "DRAFT"
    assert report["currencyCode"] == "EUR"
    assert report["number"].startswith("EXP-")
    assert report["employee"] == {"name": "Employee"}


async def test_m1_report_in_another_legal_entity_is_not_found(
    client: GraphQLClient, setup: Setup
) -> None:
    payload = await client.mutate(
        """mutation { createExpenseReport(input: {legalEntity: "DEPM", currencyCode: "EUR"}) {
             expenseReport { id } errors { code field } } }""",
        token=setup.world.tokens["employee"],
    )
    assert payload == {
        "expenseReport": None,
        "errors": [{"code": "NOT_FOUND", "field": ["legalEntity"]}],
    }


async def test_e3_amount_from_unit_price_rounds_half_up(
    client: GraphQLClient, setup: Setup
) -> None:
    report_id = await create_report(client, setup, currency="EUR")
    payload = await add_line(
        client,
        setup,
        report_id,
        quantity="3",
        amount=None,
        unitPrice="33.335",
        salesTax="19.00",
        nonRecoverableTax="4.00",
    )
    assert payload["errors"] == []
    assert payload["expenseLine"] == {
        "id": payload["expenseLine"]["id"],
        "lineNumber": 1,
        "amount": "100.01",  # 3 x 33.335 = 100.005 -> 100.01
        "unitPrice": "33.335",  # more places than the euro: kept
        "salesTax": "19.00",
        "nonRecoverableTax": "4.00",
        "total": "119.01",
        "currencyCode": "EUR",
    }


async def test_e3_bad_lines_are_refused_and_nothing_is_written(
    client: GraphQLClient, setup: Setup, session: AsyncSession
) -> None:
    report_id = await create_report(client, setup)
    other_category = setup.gid("ExpenseCategory", setup.other_category.id)
    fp_task = setup.gid("Task", setup.fp_task.id)
    cases: list[tuple[dict[str, Any], str, list[str]]] = [
        ({"expenseCategoryId": other_category}, "NOT_FOUND", ["expenseCategoryId"]),
        ({"taskId": fp_task}, "INVALID", ["taskId"]),
        ({"projectId": None, "taskId": fp_task}, "REQUIRED", ["projectId"]),
        ({"salesTax": "-1.00"}, "OUT_OF_RANGE", ["salesTax"]),
        ({"salesTax": "100.01"}, "OUT_OF_RANGE", ["salesTax"]),
        ({"salesTax": "10", "nonRecoverableTax": "10.01"}, "OUT_OF_RANGE", ["nonRecoverableTax"]),
        ({"quantity": "0"}, "OUT_OF_RANGE", ["quantity"]),
        ({"amount": "-5"}, "OUT_OF_RANGE", ["amount"]),
        ({"amount": "1.001"}, "TOO_PRECISE", ["amount"]),
        ({"amount": "10", "unitPrice": "10"}, "INVALID", ["amount"]),
        ({"amount": None}, "REQUIRED", ["amount"]),
        ({"currencyCode": "ZZZ"}, "NOT_FOUND", ["currencyCode"]),
        ({"projectId": "bm9wZQ=="}, "INVALID", ["projectId"]),
    ]
    for values, code, field in cases:
        payload = await add_line(client, setup, report_id, **values)
        assert payload["expenseLine"] is None, values
        assert [(e["code"], e["field"]) for e in payload["errors"]] == [(code, field)], values
    assert await _count(session, ExpenseLine) == 0


async def test_e3_amounts_beyond_the_columns_are_typed_errors_not_internal_ones(
    client: GraphQLClient, setup: Setup, session: AsyncSession
) -> None:
    """quantity x unit price, and net + tax (what posting credits), must fit NUMERIC(19,4)."""
    report_id = await create_report(client, setup)
    huge = "999999999999999"
    cases: list[tuple[dict[str, Any], list[str]]] = [
        ({"quantity": "10000000", "amount": None, "unitPrice": "999999999"}, ["unitPrice"]),
        ({"amount": huge, "salesTax": huge, "nonRecoverableTax": huge}, ["salesTax"]),
    ]
    for values, field in cases:
        payload = await add_line(client, setup, report_id, **values)
        assert payload["expenseLine"] is None, values
        assert [(e["code"], e["field"]) for e in payload["errors"]] == [("OUT_OF_RANGE", field)]
    assert await _count(session, ExpenseLine) == 0


async def test_l2_a_zero_amount_line_is_refused_where_it_is_entered(
    client: GraphQLClient, setup: Setup, session: AsyncSession
) -> None:
    """A line of 0 could never be posted (L2: no zero voucher lines) and its report would stay
    Approved: add and update refuse it on the field, and write nothing."""
    report_id = await create_report(client, setup, currency="EUR")
    cases: list[tuple[dict[str, Any], list[str]]] = [
        ({"amount": "0"}, ["amount"]),
        ({"amount": "0.00", "salesTax": "0"}, ["amount"]),
        ({"amount": None, "unitPrice": "0"}, ["unitPrice"]),
        ({"quantity": "3", "amount": None, "unitPrice": "0.001"}, ["unitPrice"]),  # 0.003 EUR
    ]
    for values, field in cases:
        payload = await add_line(client, setup, report_id, **values)
        assert payload["expenseLine"] is None, values
        assert [(e["code"], e["field"]) for e in payload["errors"]] == [("OUT_OF_RANGE", field)]
    assert await _count(session, ExpenseLine) == 0
    kept = await add_line(client, setup, report_id, amount="12.50")
    for values, field in cases:
        refused = await client.mutate(
            UPDATE_LINE,
            {"input": {"id": kept["expenseLine"]["id"], **line_input(setup, **values)}},
            token=setup.world.tokens["employee"],
        )
        assert refused["expenseLine"] is None, values
        assert [(e["code"], e["field"]) for e in refused["errors"]] == [("OUT_OF_RANGE", field)]
    line = await session.scalar(select(ExpenseLine).execution_options(populate_existing=True))
    assert line is not None and (str(line.amount), line.unit_price) == ("12.5000", None)
    # the smallest amount of the currency is a line
    smallest = await add_line(client, setup, report_id, amount=None, unitPrice="0.005")
    assert smallest["errors"] == [] and smallest["expenseLine"]["amount"] == "0.01"


async def test_e3_several_failures_are_reported_together(
    client: GraphQLClient, setup: Setup
) -> None:
    report_id = await create_report(client, setup)
    payload = await add_line(
        client,
        setup,
        report_id,
        expenseCategoryId=setup.gid("ExpenseCategory", setup.other_category.id),
        quantity="-1",
    )
    assert sorted(error_codes(payload)) == ["NOT_FOUND", "OUT_OF_RANGE"]


async def test_e1_lines_change_only_while_draft(
    client: GraphQLClient, setup: Setup, session: AsyncSession
) -> None:
    report_id = await create_report(client, setup)
    first = (await add_line(client, setup, report_id))["expenseLine"]["id"]
    second = (await add_line(client, setup, report_id, amount="20"))["expenseLine"]["id"]
    token = setup.world.tokens["employee"]
    updated = await client.mutate(
        UPDATE_LINE,
        {"input": {"id": first, **line_input(setup, amount="80.5", merchant="Taxi")}},
        token=token,
    )
    assert updated == {
        "expenseLine": {"lineNumber": 1, "amount": "80.50", "merchant": "Taxi"},
        "errors": [],
    }
    deleted = await client.mutate(DELETE_LINE, {"id": second}, token=token)
    assert deleted["expenseReport"]["lines"] == [{"lineNumber": 1}]
    assert (await transition(client, setup, SUBMIT, report_id, "employee"))["errors"] == []
    refused = await client.mutate(
        UPDATE_LINE, {"input": {"id": first, **line_input(setup, amount="1")}}, token=token
    )
    assert refused["errors"][0]["code"] == "INVALID_STATE"
    assert "Submitted" in refused["errors"][0]["message"]
    assert error_codes(await add_line(client, setup, report_id)) == ["INVALID_STATE"]
    assert error_codes(await client.mutate(DELETE_LINE, {"id": first}, token=token)) == [
        "INVALID_STATE"
    ]
    line = await session.scalar(select(ExpenseLine))
    assert line is not None and str(line.amount) == "80.5000"


async def test_e1_only_the_employee_edits_their_report(
    client: GraphQLClient, setup: Setup, session: AsyncSession
) -> None:
    report_id = await create_report(client, setup)
    payload = await add_line(client, setup, report_id, user="manager")
    assert error_codes(payload) == ["FORBIDDEN"]
    outsider = await add_line(client, setup, report_id, user="outsider")
    assert error_codes(outsider) == ["NOT_FOUND"]  # another legal entity's report is unseen
    assert await _count(session, ExpenseLine) == 0
    assert await _count(session, ExpenseReport) == 1
