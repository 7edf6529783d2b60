"""V8 and L5 through the API: cancel reverses the invoice's actuals (A1) and mirrors its voucher;
once the journal has posted the actuals, the procurement integration account's balance from
the invoice is exactly 0, after the confirm and again after the cancel."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.actuals import Actual
from db.models.journals import JournalLine
from db.models.ledger import LedgerPeriod, Voucher, VoucherLine
from db.models.parameters import LegalEntityParameters
from db.models.vendor_invoices import VendorInvoice, VendorInvoiceLine
from domain.journals_import import import_pending_actuals
from schema.relay import encode_id
from tests.support.client import GraphQLClient, error_codes
from tests.support.vendor_invoices_workflow import (
    CANCEL,
    CONFIRM,
    Purchasing,
    count,
    invoice_with_lines,
    purchasing,
    refreshed,
    run,
    three_lines,
    view,
)
from tests.support.world import TODAY, World

POST_JOURNAL = """mutation($id: ID!) { postJournal(input: {id: $id}) {
  postedLines failedLines errors { code message } } }"""


@pytest.fixture
async def p(session: AsyncSession, world: World) -> Purchasing:
    return await purchasing(session, world)


async def _confirmed(client: GraphQLClient, p: Purchasing, session: AsyncSession) -> VendorInvoice:
    invoice, _ = await invoice_with_lines(session, p, three_lines(p), status="in_review")
    confirmed = await run(client, p, CONFIRM, id=p.gid("VendorInvoice", invoice.id))
    assert confirmed["errors"] == []
    return invoice


async def test_v8_cancel_reverses_the_actuals_and_mirrors_the_voucher(
    client: GraphQLClient, p: Purchasing, session: AsyncSession
) -> None:
    invoice = await _confirmed(client, p, session)
    gid = p.gid("VendorInvoice", invoice.id)
    canceled = await run(client, p, CANCEL, id=gid)
    assert canceled["errors"] == []
    assert canceled["vendorInvoice"]["status"] == "CANCELED"
    assert canceled["vendorInvoice"]["canceledAt"] is not None
    read = await view(client, p, invoice.id)
    original, reversal = read["vouchers"]
    assert reversal["sourceType"] == "REVERSAL" and reversal["accountingDate"] == str(TODAY)
    assert reversal["number"] != original["number"]
    assert reversal["description"] == f"Reversal of Vendor invoice {invoice.number} of ACME"
    assert [
        (line["account"]["id"], line["debit"], line["credit"], line["amountCurrency"])
        for line in reversal["lines"]
    ] == [
        (
            line["account"]["id"],
            line["credit"],
            line["debit"],
            str(-Decimal(line["amountCurrency"])),
        )
        for line in original["lines"]
    ]
    rows = await session.scalars(select(Voucher).where(Voucher.vendor_invoice_id == invoice.id))
    first, second = sorted(rows, key=lambda voucher: voucher.id)
    assert second.reverses_voucher_id == first.id
    projects = [
        list(
            await session.scalars(
                select(VoucherLine.project_id)
                .where(VoucherLine.voucher_id == voucher.id)
                .order_by(VoucherLine.id)
            )
        )
        for voucher in (first, second)
    ]
    # the five debits keep their project, mirrored; the two payables and round-off have none
    assert projects[0] == projects[1] == [p.setup.tm_project.id] * 5 + [None] * 3
    for line in read["lines"]:
        originals = [row for row in line["actuals"] if row["reverses"] is None]
        reversals = [row for row in line["actuals"] if row["reverses"] is not None]
        assert {row["adjustmentStatus"] for row in originals} == {"ADJUSTED"}
        assert {row["adjustmentStatus"] for row in reversals} == {"UNADJUSTABLE"}
        assert sorted((row["actualType"], row["amount"]) for row in reversals) == sorted(
            (row["actualType"], str(-Decimal(row["amount"]))) for row in originals
        )
    again = await run(client, p, CANCEL, id=gid)
    assert error_codes(again) == ["INVALID_STATE"]
    assert "is Canceled;" in again["errors"][0]["message"]
    assert await count(session, Voucher) == 2


async def test_v8_cancel_outside_an_open_period_writes_nothing(
    client: GraphQLClient, p: Purchasing, session: AsyncSession
) -> None:
    invoice = await _confirmed(client, p, session)
    actuals = await count(session, Actual)
    await session.execute(
        update(LedgerPeriod)
        .where(LedgerPeriod.start_date == TODAY.replace(day=1))
        .values(status="on_hold")
    )
    await session.commit()
    refused = await run(client, p, CANCEL, id=p.gid("VendorInvoice", invoice.id))
    assert error_codes(refused) == ["PERIOD_NOT_OPEN"]
    forbidden = await run(client, p, CANCEL, "manager", id=p.gid("VendorInvoice", invoice.id))
    assert error_codes(forbidden) == ["FORBIDDEN"]
    assert await count(session, Voucher) == 1 and await count(session, Actual) == actuals
    assert await count(session, Actual, Actual.adjustment_status == "adjusted") == 0
    row = await refreshed(session, VendorInvoice, invoice.id)
    assert (row.status, row.canceled_at) == ("confirmed", None)


async def _procurement_balance(session: AsyncSession, p: Purchasing, invoice_id: int) -> Decimal:
    """Debits minus credits on the procurement integration account from the invoice: its own
    vouchers and those of the journal lines of its actuals."""
    account = p.world.companies["USPM"].accounts["procurement_integration"]
    lines = select(VendorInvoiceLine.id).where(VendorInvoiceLine.invoice_id == invoice_id)
    actuals = select(Actual.id).where(Actual.vendor_invoice_line_id.in_(lines))
    journal_lines = select(JournalLine.id).where(JournalLine.actual_id.in_(actuals))
    vouchers = select(Voucher.id).where(
        or_(Voucher.vendor_invoice_id == invoice_id, Voucher.journal_line_id.in_(journal_lines))
    )
    balance = await session.scalar(
        select(func.coalesce(func.sum(VoucherLine.debit - VoucherLine.credit), 0)).where(
            VoucherLine.account_id == account.id, VoucherLine.voucher_id.in_(vouchers)
        )
    )
    return Decimal(balance or 0)


async def _import_and_post(client: GraphQLClient, p: Purchasing, session: AsyncSession) -> int:
    """The journal import (J1) of USPM's pending actuals, then each journal posted (J5)."""
    result = await import_pending_actuals(session, p.world.entity_id("USPM"))
    await session.commit()
    posted = 0
    for journal_id in sorted(result.journal_ids):
        payload = await run(client, p, POST_JOURNAL, id=encode_id("Journal", journal_id))
        assert payload["errors"] == [] and payload["failedLines"] == 0, payload
        posted += payload["postedLines"]
    return posted


async def test_l5_procurement_integration_clears_once_the_journal_posts(
    client: GraphQLClient, p: Purchasing, session: AsyncSession
) -> None:
    await session.execute(update(LegalEntityParameters).values(journal_period_unit="all"))
    invoice = await _confirmed(client, p, session)
    # The voucher debited 112.72 + 49.70 + 54.56; the costs are not posted yet.
    assert await _procurement_balance(session, p, invoice.id) == Decimal("216.98")
    assert await _import_and_post(client, p, session) == 5  # three costs, two sales
    assert await _procurement_balance(session, p, invoice.id) == 0
    canceled = await run(client, p, CANCEL, id=p.gid("VendorInvoice", invoice.id))
    assert canceled["errors"] == []
    assert await _procurement_balance(session, p, invoice.id) == Decimal("-216.98")
    assert await _import_and_post(client, p, session) == 5  # their reversals
    assert await _procurement_balance(session, p, invoice.id) == 0
