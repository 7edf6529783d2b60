"""Recording a vendor invoice and its lines through the API (V1-V6, V9, M1, M3, M4), to the
cent; every refusal a typed error with nothing written."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain.vendor_invoices_warnings import UNLINKED
from tests.support.client import GraphQLClient, error_codes
from tests.support.vendor_invoices import (
    LAST_MONTH_DAY,
    THIS_MONTH,
    InvoiceSetup,
    add_line,
    counts,
    create_invoice,
    setup,
)

__all__ = ["setup"]


async def test_v4_v5_three_lines_in_two_units_across_two_price_list_periods(
    client: GraphQLClient, setup: InvoiceSetup
) -> None:
    invoice_id = await create_invoice(client, setup)
    days = await add_line(client, setup, invoice_id)
    assert days["errors"] == []
    line = days["vendorInvoiceLine"]
    # V2: project, task and category from subcontract line 1; V4: Day (the base unit) priced
    # by last month's list, valid on the line's date (not today's list).
    assert line["project"] == {"code": "VI1"} and line["task"] == {"code": "T1"}
    assert line["subcontractLine"] == {"lineNumber": 1}
    assert line["unitGroup"] == {"code": "TIME"} and line["unit"] == {"code": "DAY"}
    assert line["priceList"]["name"] == "Purchase last month"
    assert (line["unitPrice"], line["subtotal"], line["total"]) == (
        "100.00",
        "300.00",
        "300.00",
    )
    assert line["priceConverted"] is False and line["warnings"] == []

    weeks = await add_line(
        client,
        setup,
        invoice_id,
        date=THIS_MONTH.isoformat(),
        quantity="2",
        unitId=setup.gid("Unit", setup.units.week.id),
        salesTax="147.0000",
    )
    line = weeks["vendorInvoiceLine"]
    assert line["priceList"]["name"] == "Purchase" and line["priceUnit"] == {"code": "WEEK"}
    assert (line["unitPrice"], line["subtotal"], line["total"]) == (
        "735.00",
        "1470.00",
        "1617.00",
    )

    # M3: last month's price per Day on a line in Weeks is 7x; a task-less line on subcontract
    # line 2 is still linked to unbilled sales through its subcontract line (V7).
    converted = await add_line(
        client,
        setup,
        invoice_id,
        subcontractLineId=setup.gid("SubcontractLine", setup.ordered[1].id),
        quantity="1.5",
        unitId=setup.gid("Unit", setup.units.week.id),
        salesTax="10.5500",
    )
    line = converted["vendorInvoiceLine"]
    assert line["task"] is None and line["warnings"] == []
    assert line["priceUnit"] == {"code": "DAY"} and line["priceConverted"] is True
    assert (line["unitPrice"], line["subtotal"], line["total"]) == (
        "700.00",
        "1050.00",
        "1060.55",
    )
    # V5: the header's totals are the sums of its lines.
    assert line["invoice"] == {
        "subtotal": "2820.00",
        "salesTax": "157.55",
        "total": "2977.55",
    }


async def refused(
    client: GraphQLClient,
    setup: InvoiceSetup,
    invoice_id: str,
    session: AsyncSession,
    **values: Any,
) -> dict[str, Any]:
    """The line is refused and nothing is written: no line, the totals unchanged."""
    before = await counts(session)
    payload = await add_line(client, setup, invoice_id, **values)
    assert payload["vendorInvoiceLine"] is None and payload["errors"], payload
    assert await counts(session) == before
    return payload


async def test_v2_a_subcontract_line_defaults_and_may_not_be_overridden(
    client: GraphQLClient, setup: InvoiceSetup, session: AsyncSession
) -> None:
    invoice_id = await create_invoice(client, setup)
    other = setup.gid("Project", setup.other_project.id)
    payload = await refused(client, setup, invoice_id, session, projectId=other)
    assert payload["errors"][0]["field"] == ["projectId"]
    assert payload["errors"][0]["code"] == "INVALID"
    # Subcontract line 2 has no task: any task of its project may be chosen.
    chosen = await add_line(
        client,
        setup,
        invoice_id,
        subcontractLineId=setup.gid("SubcontractLine", setup.ordered[1].id),
        taskId=setup.gid("Task", setup.task.id),
    )
    assert chosen["errors"] == [] and chosen["vendorInvoiceLine"]["task"] == {"code": "T1"}


async def test_v2_every_line_references_the_invoices_subcontract_or_none(
    client: GraphQLClient, setup: InvoiceSetup, session: AsyncSession
) -> None:
    invoice_id = await create_invoice(client, setup)
    another = setup.gid("SubcontractLine", setup.other_ordered.id)
    payload = await refused(client, setup, invoice_id, session, subcontractLineId=another)
    assert "SC-1" in payload["errors"][0]["message"]
    without = await create_invoice(client, setup, subcontractId=None)
    payload = await refused(client, setup, without, session)
    assert payload["errors"][0]["field"] == ["subcontractLineId"]
    assert "has no subcontract" in payload["errors"][0]["message"]


async def test_v3_project_task_and_category_are_checked_together(
    client: GraphQLClient, setup: InvoiceSetup, session: AsyncSession
) -> None:
    invoice_id = await create_invoice(client, setup, subcontractId=None)
    payload = await refused(
        client,
        setup,
        invoice_id,
        session,
        subcontractLineId=None,
        transactionCategoryId=setup.gid("TransactionCategory", setup.no_expense_category.id),
    )
    assert {(e["code"], e["field"][0]) for e in payload["errors"]} == {
        ("REQUIRED", "projectId"),
        ("NOT_USABLE_IN_EXPENSE", "transactionCategoryId"),
    }
    payload = await refused(
        client,
        setup,
        invoice_id,
        session,
        subcontractLineId=None,
        projectId=setup.gid("Project", setup.project.id),
        taskId=setup.gid("Task", setup.other_task.id),
        transactionCategoryId=setup.gid("TransactionCategory", setup.category.id),
    )
    assert error_codes(payload) == ["INVALID"] and "not a task of project VI1" in str(payload)


async def test_m1_another_legal_entitys_project_answers_like_a_made_up_one(
    client: GraphQLClient, setup: InvoiceSetup, session: AsyncSession
) -> None:
    invoice_id = await create_invoice(client, setup, subcontractId=None)
    common = {
        "subcontractLineId": None,
        "transactionCategoryId": setup.gid("TransactionCategory", setup.category.id),
    }
    foreign = await refused(
        client,
        setup,
        invoice_id,
        session,
        projectId=setup.gid("Project", setup.foreign_project.id),
        **common,
    )
    made_up = await refused(
        client, setup, invoice_id, session, projectId=setup.gid("Project", 987654321), **common
    )
    assert foreign["errors"] == made_up["errors"]
    assert error_codes(foreign) == ["NOT_FOUND"]


async def test_v4_a_unit_of_another_group_is_refused(
    client: GraphQLClient, setup: InvoiceSetup, session: AsyncSession
) -> None:
    invoice_id = await create_invoice(client, setup)
    each = setup.gid("Unit", setup.units.each.id)
    payload = await refused(client, setup, invoice_id, session, unitId=each)
    assert error_codes(payload) == ["INCOMPATIBLE_UNITS"]


async def test_v5_subtotal_is_read_only_when_computed_and_entered_otherwise(
    client: GraphQLClient, setup: InvoiceSetup, session: AsyncSession
) -> None:
    invoice_id = await create_invoice(client, setup)
    payload = await refused(
        client, setup, invoice_id, session, unitPrice="33.335", subtotal="100.00"
    )
    assert payload["errors"][0]["field"] == ["subtotal"] and "100.01" in str(payload)
    rounded = await add_line(client, setup, invoice_id, unitPrice="33.335")
    assert rounded["vendorInvoiceLine"]["subtotal"] == "100.01"  # half-up, once
    entered = await add_line(
        client, setup, invoice_id, quantity=None, subtotal="80.50", salesTax="8.05"
    )
    line = entered["vendorInvoiceLine"]
    assert (line["quantity"], line["unitPrice"], line["subtotal"], line["total"]) == (
        None,
        "100.00",
        "80.50",
        "88.55",
    )
    missing = await refused(client, setup, invoice_id, session, quantity=None)
    assert error_codes(missing) == ["REQUIRED"]


async def test_m4_no_purchase_price_on_the_date_is_a_warning_not_a_zero(
    client: GraphQLClient, setup: InvoiceSetup, session: AsyncSession
) -> None:
    invoice_id = await create_invoice(client, setup)
    before_lists = LAST_MONTH_DAY.replace(day=1) - dt.timedelta(days=1)
    payload = await refused(client, setup, invoice_id, session, date=before_lists.isoformat())
    assert error_codes(payload) == ["REQUIRED"]
    entered = await add_line(
        client, setup, invoice_id, date=before_lists.isoformat(), subtotal="50.00"
    )
    line = entered["vendorInvoiceLine"]
    assert line["unitPrice"] is None and line["priceList"] is None
    warning = line["priceWarning"]
    assert f"No price for project VI1, category {setup.category.code}" in warning
    assert warning.endswith("no unit price was defaulted.") and line["warnings"] == [warning]


async def test_v7_a_line_without_task_or_subcontract_line_says_it_may_never_be_billed(
    client: GraphQLClient, setup: InvoiceSetup
) -> None:
    invoice_id = await create_invoice(client, setup, subcontractId=None)
    payload = await add_line(
        client,
        setup,
        invoice_id,
        subcontractLineId=None,
        projectId=setup.gid("Project", setup.project.id),
        transactionCategoryId=setup.gid("TransactionCategory", setup.category.id),
    )
    assert payload["vendorInvoiceLine"]["warnings"] == [UNLINKED]
