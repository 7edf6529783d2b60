"""J5 before posting: a journal line shows the accounts it will debit and credit (from the
legal entity's parameters, by the kind of its actual), its amount in accounting currency, its
project category and line property (J3); posting then writes exactly that to the ledger."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from db.models.ledger import SubledgerTransaction, Voucher, VoucherLine
from db.models.master_data import BillingType
from db.models.parameters import LineProperty
from db.models.vendor_invoices import InvoiceStatus
from domain.parameters import LinePropertyChange, set_line_property
from schema.relay import encode_id
from tests.support import vendor_invoices_data as vi
from tests.support.categories import project_category
from tests.support.client import GraphQLClient
from tests.support.end_to_end import POST_JOURNAL
from tests.support.expenses import deferrals
from tests.support.journals import set_parameters
from tests.support.subledger import LAST_MONTH_DAY, Flow, flow
from tests.support.world import TODAY, World

__all__ = ["deferrals"]

pytestmark = pytest.mark.usefixtures("deferrals")

PREVIEW = """{ journals(legalEntity: "USPM") { nodes { lines { id lineProperty
  projectCategory { code } amountAccounting debitAccount { id name } creditAccount { id name }
  actual { actualType sourceType amount currencyCode } } } } }"""


@pytest.fixture
async def staged(
    client: GraphQLClient, session: AsyncSession, connection: AsyncConnection, world: World
) -> Flow:
    """Imported, not posted: TM1's 100.55 EUR cost (last month) and its unbilled sales, FP1's
    15.00 USD, and a vendor invoice's 33.33 EUR cost on FP1; TM1's billing type chargeable,
    the travel category a USPM project category."""
    made = await flow(client, session, connection, world)
    setup = made.setup
    travel = setup.category.transaction_category_id
    await project_category(session, world, "USPM", "PC-TRAVEL", travel)
    change = LinePropertyChange("USPM", BillingType.TIME_AND_MATERIAL, LineProperty.CHARGEABLE)
    await set_line_property(session, world.actor("accountant"), change)
    await made.report([
        {"date": LAST_MONTH_DAY.isoformat(), "amount": "100.55", "currencyCode": "EUR"},
        {"date": TODAY.isoformat(), "amount": "15.00",
         "projectId": setup.gid("Project", setup.fp_project.id)},
    ])  # fmt: skip
    acme = await vi.vendor(session, world, "ACME", currency="EUR")
    invoice = await vi.invoice(session, acme, "I-1", status=InvoiceStatus.CONFIRMED)
    line = await vi.line(session, invoice, project_id=setup.fp_project.id, subtotal="33.33",
                         transaction_category_id=travel)  # fmt: skip
    await vi.cost_actual(session, line)
    await made.import_pending()
    return made


async def _previews(made: Flow) -> list[dict[str, Any]]:
    data = await made.client.data(PREVIEW, token=made.token)
    return [line for journal in data["journals"]["nodes"] for line in journal["lines"]]


def _account(made: Flow, role: str) -> dict[str, str]:
    account = made.setup.world.companies["USPM"].accounts[role]
    return {"id": encode_id("Account", account.id), "name": role}


async def _written(session: AsyncSession) -> dict[str, dict[str, tuple[str, Decimal]]]:
    """Per journal line (global id): the account and amount of its voucher's debit and credit."""
    rows = await session.execute(
        select(Voucher.journal_line_id, VoucherLine.account_id, VoucherLine.debit,
               VoucherLine.credit).join(VoucherLine, VoucherLine.voucher_id == Voucher.id)
    )  # fmt: skip
    written: dict[str, dict[str, tuple[str, Decimal]]] = {}
    for line_id, account_id, debit, credit in rows:
        side = "debit" if debit else "credit"
        entry = (encode_id("Account", account_id), debit or credit)
        written.setdefault(encode_id("JournalLine", line_id or 0), {})[side] = entry
    return written


async def test_j5_preview_is_what_posting_writes(staged: Flow, session: AsyncSession) -> None:
    previews = await _previews(staged)
    summary = [
        (p["actual"]["actualType"], p["actual"]["sourceType"], p["actual"]["currencyCode"],
         p["amountAccounting"], p["debitAccount"]["name"], p["creditAccount"]["name"],
         p["lineProperty"], p["projectCategory"])
        for p in previews
    ]  # fmt: skip
    category = {"code": "PC-TRAVEL"}
    assert sorted(summary, key=str) == sorted([
        # 100.55 x 1.0837 = 108.966035; 33.33 x 1.0837 = 36.119721 (M6, rounded half-up once)
        ("COST", "EXPENSE", "EUR", "108.97", "project_cost", "expense_integration",
         "CHARGEABLE", category),
        ("UNBILLED_SALES", "EXPENSE", "USD", "136.21", "wip_sales_value", "accrued_revenue",
         "CHARGEABLE", category),
        ("COST", "EXPENSE", "USD", "15.00", "project_cost", "expense_integration", None,
         category),
        ("COST", "VENDOR_INVOICE", "EUR", "36.12", "project_cost", "procurement_integration",
         None, category),
    ], key=str), summary  # fmt: skip
    assert previews[0]["debitAccount"] == _account(staged, "project_cost")

    await staged.post(await staged.import_pending())
    written = await _written(session)
    for preview in previews:
        amount = Decimal(preview["amountAccounting"])
        assert written[preview["id"]] == {
            "debit": (preview["debitAccount"]["id"], amount),
            "credit": (preview["creditAccount"]["id"], amount),
        }, preview
    posted = await session.scalars(select(SubledgerTransaction.amount_accounting))
    assert sorted(posted) == sorted(Decimal(p["amountAccounting"]) for p in previews)


async def test_j5_a_missing_account_previews_null_and_fails_posting_alike(
    staged: Flow, session: AsyncSession
) -> None:
    entity = staged.setup.world.entity_id("USPM")
    await set_parameters(session, entity, procurement_integration_account_id=None)
    await session.commit()
    previews = await _previews(staged)
    missing = [p for p in previews if p["creditAccount"] is None]
    assert [p["actual"]["sourceType"] for p in missing] == ["VENDOR_INVOICE"], previews
    assert missing[0]["debitAccount"] == _account(staged, "project_cost")
    errors = []
    for journal in await staged.import_pending():
        variables = {"id": encode_id("Journal", journal)}
        payload = await staged.client.mutate(POST_JOURNAL, variables, token=staged.token)
        errors.append(payload["failedLines"])
    assert sum(errors) == 1
    query = '{ journals(legalEntity: "USPM", status: ERROR) { nodes { lines { id errorText } } } }'
    data = await staged.client.data(query, token=staged.token)
    (failed,) = [line for j in data["journals"]["nodes"] for line in j["lines"]]
    assert failed == {
        "id": missing[0]["id"],
        "errorText": "Missing account in the parameters: procurement integration.",
    }
