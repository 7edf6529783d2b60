"""Recording a vendor invoice and its lines through the API (V1-V6, V9, M1, M3, M4), to the
cent; every refusal a typed error with nothing written."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.vendor_invoices import VendorInvoice, VendorInvoiceLine
from domain.vendor_invoices_warnings import UNLINKED
from tests.support.client import GraphQLClient, error_codes
from tests.support.vendor_invoices import (
    ADD_LINE,
    CREATE,
    LAST_MONTH_DAY,
    THIS_MONTH,
    InvoiceSetup,
    invoice_input,
    invoice_setup,
    line_input,
)
from tests.support.world import World


@pytest.fixture
async def setup(session: AsyncSession, world: World) -> InvoiceSetup:
    return await invoice_setup(session, world)


async def create_invoice(client: GraphQLClient, setup: InvoiceSetup, **values: Any) -> str:
    payload = await client.mutate(
        CREATE, {"input": invoice_input(setup, **values)}, token=setup.token()
    )
    assert payload["errors"] == [], payload
    invoice_id: str = payload["vendorInvoice"]["id"]
    return invoice_id


async def add_line(
    client: GraphQLClient, setup: InvoiceSetup, invoice_id: str, **values: Any
) -> dict[str, Any]:
    payload = await client.mutate(
        ADD_LINE, {"input": {"invoiceId": invoice_id, **line_input(setup, **values)}}, setup.token()
    )
    return payload


async def counts(session: AsyncSession) -> tuple[int, int]:
    invoices = await session.scalar(select(func.count()).select_from(VendorInvoice))
    lines = await session.scalar(select(func.count()).select_from(VendorInvoiceLine))
    return int(invoices or 0), int(lines or 0)


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
        "100.000000",
        "300.0000",
        "300.0000",
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
        "735.000000",
        "1470.0000",
        "1617.0000",
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
        "700.000000",
        "1050.0000",
        "1060.5500",
    )
    # V5: the header's totals are the sums of its lines.
    assert line["invoice"] == {
        "subtotal": "2820.0000",
        "salesTax": "157.5500",
        "total": "2977.5500",
    }
