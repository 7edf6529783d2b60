"""The vendor invoice flow on the demo data, step by step as the README shows it: the Draft
invoice gets a line, is submitted (V1), verified by the project manager (V6), confirmed into
a balanced voucher and cost actuals (V7), imported and posted by the journal (J1, J5) — and
afterwards the procurement integration account is clear (L5) and every voucher balances (L1).
"""

from __future__ import annotations

from decimal import Decimal

import procrastinate
from sqlalchemy import func, select

from db.models.ledger import VoucherLine
from db.models.parameters import LegalEntityParameters
from tests.support.client import GraphQLClient
from tests.support.end_to_end import (
    IMPORT,
    JOURNALS,
    POST_JOURNAL,
    api,
    balanced_books,
    demo,
    ok,
)
from tests.support.jobs import Sessions, committed, drain, jobs_app
from tests.support.world import TODAY

__all__ = ["api", "committed", "demo", "jobs_app"]

DRAFTS = """query { vendorInvoices(filter: {legalEntity: "USPM", status: DRAFT}) { nodes {
  id number total lines { id lineNumber name unitPrice subtotal priceConverted warnings } } } }"""
ORDERED = """query { subcontracts(filter: {legalEntity: "USPM"}) { nodes { number
  lines { id lineNumber description } } } }"""
ADD_LINE = """mutation($i: ID!, $s: ID!, $d: Date!) { addVendorInvoiceLine(input: {invoiceId: $i,
  subcontractLineId: $s, date: $d, quantity: "3", salesTax: "34.50", name: "Office, 3 more days"})
  { vendorInvoiceLine { unitPrice subtotal total invoice { total } } errors { code message } } }"""
SUBMIT = """mutation($i: ID!) { submitVendorInvoice(input: {id: $i}) {
  vendorInvoice { status } errors { code message } } }"""
VERIFY = """mutation($l: ID!) { setVendorInvoiceLineVerification(input: {id: $l, status: COMPLETE})
  { vendorInvoiceLine { verificationStatus } errors { code message } } }"""
CONFIRM = """mutation($i: ID!) { confirmVendorInvoice(input: {id: $i}) {
  vendorInvoice { status vouchers { number lines { debit credit } }
    lines { actuals { actualType amount } } } errors { code message } } }"""
BARE_LINE = """mutation($i: ID!, $d: Date!) { addVendorInvoiceLine(input: {invoiceId: $i, date: $d})
  { vendorInvoiceLine { id } errors { code field message } } }"""


async def _balances(committed: Sessions) -> tuple[Decimal | None, Decimal | None]:
    async with committed() as session:
        procurement = await session.scalar(
            select(LegalEntityParameters.procurement_integration_account_id).limit(1)
        )
        balance = await session.scalar(
            select(func.sum(VoucherLine.debit - VoucherLine.credit)).where(
                VoucherLine.account_id == procurement
            )
        )
        overall = await session.scalar(select(func.sum(VoucherLine.debit - VoucherLine.credit)))
    return balance, overall


async def test_l5_vendor_invoice_to_ledger_clears_the_procurement_integration_account(
    committed: Sessions, jobs_app: procrastinate.App, demo: dict[str, str], api: GraphQLClient
) -> None:
    accountant, manager = demo["accountant"], demo["manager"]
    (invoice,) = (await api.data(DRAFTS, token=accountant))["vendorInvoices"]["nodes"]
    assert invoice["total"] == "2981.00"
    (subcontract,) = (await api.data(ORDERED, token=accountant))["subcontracts"]["nodes"]
    office = subcontract["lines"][1]["id"]  # the site office: no task, per calendar day
    variables = {"i": invoice["id"], "s": office, "d": TODAY.isoformat()}
    bare = await api.mutate(BARE_LINE, {"i": invoice["id"], "d": TODAY.isoformat()}, accountant)
    assert [(e["code"], e["field"]) for e in bare["errors"]] == [
        ("REQUIRED", ["projectId"]),
        ("REQUIRED", ["transactionCategoryId"]),
    ]
    added = (await ok(api, ADD_LINE, variables, accountant))["vendorInvoiceLine"]
    # V4: this month's list prices 770 per week, so 110 per day (M3).
    assert (added["unitPrice"], added["subtotal"], added["total"]) == (
        "110.00",
        "330.00",
        "364.50",
    )
    assert added["invoice"]["total"] == "3345.50"

    assert (await ok(api, SUBMIT, {"i": invoice["id"]}, accountant))["vendorInvoice"] == {
        "status": "IN_REVIEW"
    }
    lines = (await api.data(DRAFTS.replace("DRAFT", "IN_REVIEW"), token=accountant))[
        "vendorInvoices"
    ]["nodes"][0]["lines"]
    for line in lines:  # the manager of US-TM-001 verifies each line (V6)
        await ok(api, VERIFY, {"l": line["id"]}, manager)
    confirmed = (await ok(api, CONFIRM, {"i": invoice["id"]}, accountant))["vendorInvoice"]
    assert confirmed["status"] == "CONFIRMED"
    (voucher,) = confirmed["vouchers"]
    debits = sum(Decimal(line["debit"]) for line in voucher["lines"])
    assert debits == sum(Decimal(line["credit"]) for line in voucher["lines"]) == Decimal("3345.50")
    costs = [a for line in confirmed["lines"] for a in line["actuals"] if a["actualType"] == "COST"]
    assert sorted(Decimal(a["amount"]) for a in costs) == [
        Decimal("330"),
        Decimal("1100"),
        Decimal("1610"),
    ]
    # V7: each line has a task or a subcontract line, on a time-and-material project: billed
    # at the key account list's 15 % markup over cost.
    sales = [a for line in confirmed["lines"] for a in line["actuals"] if a not in costs]
    assert sorted(Decimal(a["amount"]) for a in sales) == [
        Decimal("379.5"),
        Decimal("1265"),
        Decimal("1851.5"),
    ]

    await ok(api, IMPORT, {}, accountant)
    await drain(jobs_app)
    for journal in (await api.data(JOURNALS, token=accountant))["journals"]["nodes"]:
        result = await ok(api, POST_JOURNAL, {"id": journal["id"]}, accountant)
        assert result["failedLines"] == 0
    assert await _balances(committed) == (Decimal(0), Decimal(0))  # L5, L1
    closing = await balanced_books(api, accountant, committed, TODAY)  # L1, via the API
    assert closing["290200"] == Decimal(0)  # L5: the procurement integration account
    assert closing["200100"] == Decimal("-3345.50")  # the vendor is owed the invoice's total
