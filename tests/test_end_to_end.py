"""The whole life cycle on the demo data, as a front end and the job runner do it:
an employee's report, the manager's approval, the accountant's posting (E1-E4), the automatic
approval job (E5), staging filling up (A2), import (J1), posting (J5) — and afterwards the
expense integration account is clear (L5) and every voucher balances (L1), in the database
and in the trial balance read through the API."""

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

CATALOG = """{
  expenseCategories(legalEntity: "USPM", usableInExpense: true) { nodes { id code } }
  projects(legalEntity: "USPM") { nodes { id code } }
}"""
CREATE = """mutation($input: CreateExpenseReportInput!) {
  createExpenseReport(input: $input) { expenseReport { id } errors { code message } } }"""
ADD = """mutation($input: AddExpenseLineInput!) {
  addExpenseLine(input: $input) { errors { code field message } } }"""
STEP = """mutation($id: ID!) {
  %s(input: {id: $id}) { expenseReport { status } errors { code message } } }"""
POST = """mutation($id: ID!) {
  postExpenseReport(input: {id: $id}) { expenseReport { status } automaticApprovalRun { id }
  errors { code message } } }"""
STAGING = (
    """{ actuals(filter: {pendingImport: true}) { nodes { actualType amount currencyCode } } }"""
)


async def test_l5_expense_to_ledger_round_trip_clears_the_integration_account(
    committed: Sessions,
    jobs_app: procrastinate.App,
    demo: dict[str, str],
    api: GraphQLClient,
) -> None:
    catalog = await api.data(CATALOG, token=demo["employee"])
    category = next(c["id"] for c in catalog["expenseCategories"]["nodes"] if c["code"] == "TRAVEL")
    project = next(p["id"] for p in catalog["projects"]["nodes"] if p["code"] == "US-TM-001")
    report = (
        await ok(
            api, CREATE, {"input": {"legalEntity": "USPM", "currencyCode": "USD"}}, demo["employee"]
        )
    )["expenseReport"]["id"]
    line = {
        "date": TODAY.isoformat(),
        "expenseCategoryId": category,
        "projectId": project,
        "amount": "200.00",
        "currencyCode": "EUR",
        "salesTax": "38.00",
        "nonRecoverableTax": "8.00",
        "merchant": "Lufthansa",
    }
    await ok(api, ADD, {"input": {"reportId": report, **line}}, demo["employee"])
    await ok(api, STEP % "submitExpenseReport", {"id": report}, demo["employee"])
    approved = await ok(api, STEP % "approveExpenseReport", {"id": report}, demo["manager"])
    assert approved["expenseReport"]["status"] == "APPROVED"
    posted = await ok(api, POST, {"id": report}, demo["accountant"])
    assert posted["expenseReport"]["status"] == "POSTED" and posted["automaticApprovalRun"]

    await drain(jobs_app)  # the automatic approval job makes the actuals (E5)
    staging = await api.data(STAGING, token=demo["accountant"])
    kinds = sorted(actual["actualType"] for actual in staging["actuals"]["nodes"])
    assert kinds == ["COST", "UNBILLED_SALES"]
    cost = next(a for a in staging["actuals"]["nodes"] if a["actualType"] == "COST")
    assert (cost["amount"], cost["currencyCode"]) == ("208.00", "EUR")  # net + non-recoverable

    await ok(api, IMPORT, {}, demo["accountant"])
    await drain(jobs_app)
    (journal,) = (await api.data(JOURNALS, token=demo["accountant"]))["journals"]["nodes"]
    assert journal["lineCount"] == 2
    result = await ok(api, POST_JOURNAL, {"id": journal["id"]}, demo["accountant"])
    assert (result["postedLines"], result["failedLines"]) == (2, 0)
    assert (await api.data(STAGING, token=demo["accountant"]))["actuals"]["nodes"] == []

    async with committed() as session:
        integration = await session.scalar(
            select(LegalEntityParameters.expense_integration_account_id).limit(1)
        )
        balance = await session.scalar(
            select(func.sum(VoucherLine.debit - VoucherLine.credit)).where(
                VoucherLine.account_id == integration
            )
        )
        overall = await session.scalar(select(func.sum(VoucherLine.debit - VoucherLine.credit)))
    assert (balance, overall) == (Decimal(0), Decimal(0))  # L5, L1
    # The books through the API say the same: they balance, and the integration account that
    # the report debited and the journal credited is clear (L1, L5).
    closing = await balanced_books(api, demo["accountant"], committed, TODAY)
    assert closing["290100"] == Decimal(0)
    assert closing["210100"] < 0  # the employee is owed the report's total
