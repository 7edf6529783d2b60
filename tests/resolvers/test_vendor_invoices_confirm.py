"""V7 through the API, to the cent: one balanced voucher at each line date's rate (M6) with the
round-off line (L1), a cost actual per line, unbilled sales only for linked lines of a
time-and-material project, the matched costs reversed (A1); every refusal typed, nothing
written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.actuals import Actual
from db.models.ledger import Voucher, VoucherLine
from db.models.parameters import LegalEntityParameters
from db.models.vendor_invoices import VendorInvoice, VendorInvoiceLine
from tests.support.client import GraphQLClient, error_codes
from tests.support.expenses import RATES_FROM
from tests.support.vendor_invoices_workflow import (
    CONFIRM,
    MATCH,
    VERIFY,
    Purchasing,
    count,
    invoice_with_lines,
    purchasing,
    recorded_cost,
    refreshed,
    run,
    three_lines,
    view,
)
from tests.support.world import TODAY, World

REVERSE = "mutation($id: ID!) { reverseActual(input: {id: $id}) { errors { code } } }"


@pytest.fixture
async def p(session: AsyncSession, world: World) -> Purchasing:
    return await purchasing(session, world)


def _actual(row: dict[str, Any]) -> tuple[Any, ...]:
    task = row["task"]["code"] if row["task"] else None
    return (
        row["actualType"],
        row["transactionDate"],
        row["quantity"],
        row["currencyCode"],
        row["unitAmount"],
        row["amount"],
        row["adjustmentStatus"],
        row["pricingWarning"],
        task,
    )


async def _match_and_complete(
    client: GraphQLClient, p: Purchasing, line: VendorInvoiceLine, actual: Actual
) -> None:
    """The manager matches the line to the recorded cost, then verifies it Complete (V6)."""
    line_id = p.gid("VendorInvoiceLine", line.id)
    actual_ids = [p.gid("Actual", actual.id)]
    matched = await run(client, p, MATCH, "manager", lineId=line_id, actualIds=actual_ids)
    assert matched["errors"] == []
    verified = await run(client, p, VERIFY, "manager", id=line_id, status="COMPLETE")
    assert verified["errors"] == []


async def test_v7_confirm_posts_one_balanced_voucher(
    client: GraphQLClient, p: Purchasing, session: AsyncSession
) -> None:
    spec = three_lines(p)
    spec[0]["verification"] = "in_progress"  # matched first, then verified Complete
    invoice, lines = await invoice_with_lines(session, p, spec, status="in_review")
    matched = await recorded_cost(session, p, "30.00", task=p.setup.tm_task)
    await _match_and_complete(client, p, lines[0], matched)

    confirmed = await run(client, p, CONFIRM, id=p.gid("VendorInvoice", invoice.id))
    assert confirmed["errors"] == [], confirmed
    assert confirmed["vendorInvoice"]["status"] == "CONFIRMED"
    assert confirmed["vendorInvoice"]["accountingDate"] == TODAY.isoformat()
    assert confirmed["vendorInvoice"]["confirmedAt"] is not None
    read = await view(client, p, invoice.id)
    (voucher,) = read["vouchers"]
    assert (voucher["sourceType"], voucher["accountingDate"]) == ("VENDOR_INVOICE", str(TODAY))
    assert voucher["description"] == f"Vendor invoice {invoice.number} of ACME"
    # L1: what the ledger keeps, read from the database.
    rows = await session.scalars(select(VoucherLine).order_by(VoucherLine.id))
    roles = {account.id: role for role, account in p.world.companies["USPM"].accounts.items()}
    tm1 = p.setup.tm_project.id
    assert [
        (
            roles[row.account_id],
            str(row.debit),
            str(row.credit),
            str(row.amount_currency),
            row.currency_code,
            str(row.exchange_rate),
            row.project_id,
        )
        for row in rows
    ] == [
        # line 1, last month at 1.0837: 104.01 -> 112.72, 15.00 -> 16.26
        ("procurement_integration", "112.7200", "0.0000", "104.0100", "EUR", "1.083700", tm1),
        ("input_tax", "16.2600", "0.0000", "15.0000", "EUR", "1.083700", tm1),
        # line 2, today at 1.0912: 45.55 -> 49.70, 8.65 -> 9.44
        ("procurement_integration", "49.7000", "0.0000", "45.5500", "EUR", "1.091200", tm1),
        ("input_tax", "9.4400", "0.0000", "8.6500", "EUR", "1.091200", tm1),
        # line 3, today: 50.00 -> 54.56, no tax: no zero line (L2)
        ("procurement_integration", "54.5600", "0.0000", "50.0000", "EUR", "1.091200", tm1),
        # E4's rule: one payable per rate date, its total converted once: 119.01 -> 128.97,
        # today's 104.20 x 1.0912 = 113.70304 -> 113.70
        ("vendor_payable", "0.0000", "128.9700", "-119.0100", "EUR", "1.083700", None),
        ("vendor_payable", "0.0000", "113.7000", "-104.2000", "EUR", "1.091200", None),
        # L1: last month 128.97 - 112.72 - 16.26 = -0.01, today 113.70 - 113.70 = 0;
        # credited to balance the voucher
        ("round_off", "0.0000", "0.0100", "-0.0100", "USD", "1.000000", None),
    ]
    debit = await session.scalar(select(func.sum(VoucherLine.debit)))
    credit = await session.scalar(select(func.sum(VoucherLine.credit)))
    assert debit == credit == Decimal("242.68")

    actuals = [[_actual(row) for row in line["actuals"]] for line in read["lines"]]
    last_month = RATES_FROM.isoformat()
    assert actuals == [
        [
            (
                "COST",
                last_month,
                "3.0000",
                "EUR",
                "34.67",
                "104.01",
                "ADJUSTABLE",
                None,
                "T1",
            ),
            # 34.67 EUR x 1.0837 = 37.571879 USD, +25 % = 46.964849; x 3 = 140.89
            (
                "UNBILLED_SALES",
                last_month,
                "3.0000",
                "USD",
                "46.964849",
                "140.89",
                "ADJUSTABLE",
                None,
                "T1",
            ),
        ],
        [
            # no quantity: one unit of the subtotal
            ("COST", str(TODAY), "1.0000", "EUR", "45.55", "45.55", "ADJUSTABLE", None, None),
            # the subcontract line links it: 45.55 x 1.0912 = 49.70416, +25 % = 62.1302
            (
                "UNBILLED_SALES",
                str(TODAY),
                "1.0000",
                "USD",
                "62.1302",  # more places than the dollar: kept
                "62.13",
                "ADJUSTABLE",
                None,
                None,
            ),
        ],
        # neither task nor subcontract line: no unbilled sales, and the line says so
        [("COST", str(TODAY), "1.0000", "EUR", "50.00", "50.00", "ADJUSTABLE", None, None)],
    ]
    assert {row["sourceType"] for line in read["lines"] for row in line["actuals"]} == {
        "VENDOR_INVOICE"
    }
    assert any("unbilled sales" in warning for warning in read["lines"][2]["warnings"])
    # A1: the matched cost is Adjusted, its reversal negates it.
    assert read["lines"][0]["matchedActuals"] == [
        {"id": p.gid("Actual", matched.id), "adjustmentStatus": "ADJUSTED"}
    ]
    reversal = await session.scalar(select(Actual).where(Actual.reverses_actual_id == matched.id))
    assert reversal is not None
    assert (reversal.amount, reversal.adjustment_status) == (Decimal("-30.00"), "unadjustable")


async def test_v7_fixed_price_line_with_a_task_gets_no_unbilled_sales(
    client: GraphQLClient, p: Purchasing, session: AsyncSession
) -> None:
    line = {"project": p.setup.fp_project, "task": p.setup.fp_task, "verification": "complete"}
    invoice, _ = await invoice_with_lines(session, p, [line], status="in_review")
    confirmed = await run(client, p, CONFIRM, id=p.gid("VendorInvoice", invoice.id))
    assert confirmed["errors"] == []
    (read,) = (await view(client, p, invoice.id))["lines"]
    assert [row["actualType"] for row in read["actuals"]] == ["COST"]


async def _refused(
    client: GraphQLClient,
    p: Purchasing,
    session: AsyncSession,
    invoice: VendorInvoice,
    code: str,
    **variables: Any,
) -> dict[str, Any]:
    """The confirm is refused with `code` and nothing is written."""
    actuals = await count(session, Actual)
    payload = await run(client, p, CONFIRM, id=p.gid("VendorInvoice", invoice.id), **variables)
    assert payload["vendorInvoice"] is None and error_codes(payload) == [code], payload
    assert await count(session, Voucher) == 0 and await count(session, VoucherLine) == 0
    assert await count(session, Actual) == actuals
    row = await refreshed(session, VendorInvoice, invoice.id)
    assert (row.status, row.accounting_date, row.confirmed_at) == ("in_review", None, None)
    return payload


async def test_v6_confirm_needs_every_line_complete(
    client: GraphQLClient, p: Purchasing, session: AsyncSession
) -> None:
    lines = three_lines(p)
    lines[1]["verification"] = "in_progress"
    lines[2]["verification"] = "not_started"
    invoice, _ = await invoice_with_lines(session, p, lines, status="in_review")
    payload = await _refused(client, p, session, invoice, "INVALID_STATE")
    assert payload["errors"][0]["message"].endswith("not verified Complete: 2, 3.")


async def test_v7_confirm_refusals_write_nothing(
    client: GraphQLClient, p: Purchasing, session: AsyncSession
) -> None:
    invoice, _ = await invoice_with_lines(session, p, three_lines(p), status="in_review")
    # L4: the accounting date's period (last month) is on hold.
    await _refused(client, p, session, invoice, "PERIOD_NOT_OPEN", date=RATES_FROM.isoformat())
    payload = await run(client, p, CONFIRM, user="manager", id=p.gid("VendorInvoice", invoice.id))
    assert error_codes(payload) == ["FORBIDDEN"]
    empty, _ = await invoice_with_lines(session, p, [], status="in_review")
    await _refused(client, p, session, empty, "REQUIRED")
    # M6: no EUR->USD rate before last month.
    before = [{"date": RATES_FROM - dt.timedelta(days=1), "verification": "complete"}]
    unrated, _ = await invoice_with_lines(session, p, before, status="in_review")
    await _refused(client, p, session, unrated, "MISSING_EXCHANGE_RATE")
    await session.execute(
        update(LegalEntityParameters).values(procurement_integration_account_id=None)
    )
    await session.commit()
    await _refused(client, p, session, invoice, "MISSING_ACCOUNT")


async def test_a1_a_matched_cost_reversed_meanwhile_refuses_the_confirm(
    client: GraphQLClient, p: Purchasing, session: AsyncSession
) -> None:
    invoice, (line,) = await invoice_with_lines(session, p, [{}], status="in_review")
    matched = await recorded_cost(session, p, "30.00")
    await _match_and_complete(client, p, line, matched)
    reversed_ = await run(client, p, REVERSE, id=p.gid("Actual", matched.id))
    assert reversed_["errors"] == []
    await _refused(client, p, session, invoice, "ALREADY_REVERSED")
