"""Posting carries a journal line's distribution and tax groups into the ledger (J5, J4):
both voucher lines of its voucher get its project, billing sales tax group, billing item
sales tax group and dimension shares, set-based (the statement count does not grow with the
lines), in the request or by the job runner; a line whose dimension value is no longer valid
goes to the error journal saying which. Asserted from the database: the VoucherLine type is
another module's."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import procrastinate
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.dimensions import FinancialDimensionValue
from db.models.journals import Journal, JournalLine
from db.models.ledger import Voucher, VoucherLine, VoucherLineDimension
from domain.journals_import import import_pending_actuals
from schema.relay import encode_id
from tests.support.client import GraphQLClient
from tests.support.counter import StatementCounter
from tests.support.dimensions import add_dimension
from tests.support.end_to_end import POST_JOURNAL, api
from tests.support.jobs import Sessions, committed, drain, jobs_app
from tests.support.journals import (
    Staging,
    add_actuals,
    committed_world,
    journal_lines,
    set_parameters,
    staging,
)
from tests.support.world import World

__all__ = ["api", "committed", "committed_world", "jobs_app"]

EDIT = """
mutation($input: EditJournalLineInput!) {
  editJournalLine(input: $input) { errors { code field message } }
}"""
DEACTIVATE = """
mutation($input: UpdateFinancialDimensionValueInput!) {
  updateFinancialDimensionValue(input: $input) { errors { code } }
}"""
ERROR_LINES = """
{ journals(status: ERROR) { nodes { lines { status voucherNumber errorText } } } }"""
SALES_OPS = [("Department", "Sales", "60"), ("Department", "Ops", "40")]
Posted = list[tuple[Any, ...]]  # per voucher line: side, project, tax groups, dimensions


async def _staged(session: AsyncSession, world: World, count: int) -> Staging:
    """`count` cost actuals of 10.00, 11.00, ... imported into one journal, Department's
    Sales and Ops values ready (committed: the app and the job runner see them)."""
    base = await staging(session, world)
    await set_parameters(session, base.legal_entity_id, journal_period_unit="all")
    await add_actuals(session, base, [Decimal(10 + n) for n in range(count)])
    await import_pending_actuals(session, base.legal_entity_id)
    await add_dimension(session, world, "USPM", "Department", "Sales", "Ops")
    await add_dimension(session, world, "USPM", "Region", "North")
    await session.commit()
    return base


async def _distribute(
    client: GraphQLClient, token: str, line_id: int, shares: list[tuple[str, str, str]]
) -> None:
    """The accountant sets tax groups EU and EU-ITEM and the shares on a Draft line (J4)."""
    edit = {
        "id": encode_id("JournalLine", line_id),
        "billingSalesTaxGroup": "EU",
        "billingItemSalesTaxGroup": "EU-ITEM",
        "dimensions": [
            {"dimension": d, "value": v, "sharePercent": share} for d, v, share in shares
        ],
    }
    payload = await client.mutate(EDIT, {"input": edit}, token=token)
    assert payload["errors"] == [], payload


async def _post(client: GraphQLClient, token: str, journal_id: int) -> dict[str, Any]:
    payload = await client.mutate(POST_JOURNAL, {"id": encode_id("Journal", journal_id)}, token)
    assert payload["errors"] == [], payload
    return payload


async def _voucher_lines(session: AsyncSession, line_id: int) -> Posted:
    """The voucher lines posted for a journal line: debit or credit, project, tax groups and
    (dimension, value, share) in the order they were distributed."""
    rows = await session.scalars(
        select(VoucherLine)
        .join(Voucher, Voucher.id == VoucherLine.voucher_id)
        .where(Voucher.journal_line_id == line_id)
        .order_by(VoucherLine.id)
    )
    posted: Posted = []
    for row in rows:
        shares = await session.execute(
            select(
                VoucherLineDimension.dimension,
                VoucherLineDimension.value,
                VoucherLineDimension.share_percent,
            )
            .where(VoucherLineDimension.voucher_line_id == row.id)
            .order_by(VoucherLineDimension.id)
        )
        side = "debit" if row.debit > 0 else "credit"
        groups = (row.billing_sales_tax_group, row.billing_item_sales_tax_group)
        dimensions = [(d, v, str(share)) for d, v, share in shares]
        posted.append((side, row.project_id, *groups, dimensions))
    return posted


def _expected(base: Staging, shares: list[tuple[str, str, str]] | None) -> Posted:
    """Both voucher lines alike: the actual's project, the line's tax groups and shares."""
    groups = ("EU", "EU-ITEM") if shares is not None else (None, None)
    dimensions = [(d, v, f"{share}.0000") for d, v, share in shares or []]
    return [(side, base.project_id, *groups, dimensions) for side in ("debit", "credit")]


async def test_j5_dimensions_and_tax_groups_arrive_on_both_voucher_lines(
    client: GraphQLClient, world: World, session: AsyncSession
) -> None:
    base = await _staged(session, world, 2)
    distributed, plain = await journal_lines(session, base.legal_entity_id)
    token = world.tokens["accountant"]
    shares = [*SALES_OPS, ("Region", "North", "100")]
    await _distribute(client, token, distributed.id, shares)
    posted = await _post(client, token, distributed.journal_id)
    assert (posted["postedLines"], posted["failedLines"]) == (2, 0)
    assert await _voucher_lines(session, distributed.id) == _expected(base, shares)
    assert await _voucher_lines(session, plain.id) == _expected(base, None)


async def test_j5_a_value_no_longer_valid_sends_the_line_to_the_error_journal(
    client: GraphQLClient, world: World, session: AsyncSession
) -> None:
    base = await _staged(session, world, 3)
    valid, deactivated, removed = await journal_lines(session, base.legal_entity_id)
    token = world.tokens["accountant"]
    sales = [("Department", "Sales", "100")]
    await _distribute(client, token, valid.id, sales)
    await _distribute(client, token, deactivated.id, SALES_OPS)
    await _distribute(client, token, removed.id, [("Region", "North", "100")])
    ops = await session.scalar(
        select(FinancialDimensionValue.id).where(FinancialDimensionValue.value == "Ops")
    )
    value = {"id": encode_id("FinancialDimensionValue", ops or 0), "active": False}
    assert (await client.mutate(DEACTIVATE, {"input": value}, token))["errors"] == []
    # No mutation removes a value; the database may (its distributions stay on the line).
    await session.execute(
        delete(FinancialDimensionValue).where(FinancialDimensionValue.value == "North")
    )
    await session.commit()

    posted = await _post(client, token, valid.journal_id)
    assert (posted["postedLines"], posted["failedLines"]) == (1, 2)
    assert await _voucher_lines(session, valid.id) == _expected(base, sales)
    data = await client.data(ERROR_LINES, token=token)
    (error_journal,) = data["journals"]["nodes"]
    reasons = {line["voucherNumber"]: line["errorText"] for line in error_journal["lines"]}
    assert {line["status"] for line in error_journal["lines"]} == {"ERROR"}
    assert reasons == {
        deactivated.voucher_number: "Financial dimension Department value Ops"
        " (the value is inactive) is no longer valid (J4).",
        removed.voucher_number: "Financial dimension Region value North (no such value)"
        " is no longer valid (J4).",
    }
    for line in (deactivated, removed):
        assert await _voucher_lines(session, line.id) == []


async def test_j5_posting_statements_do_not_grow_with_distributed_lines(
    client: GraphQLClient, world: World, session: AsyncSession, statements: StatementCounter
) -> None:
    base = await _staged(session, world, 1)
    token = world.tokens["accountant"]
    counts = []
    for count in (1, 6):
        if count > 1:  # a second journal: the first is posted
            await add_actuals(session, base, [Decimal(n) for n in range(1, count + 1)])
            await import_pending_actuals(session, base.legal_entity_id)
            await session.commit()
        drafts = (await session.execute(
            select(JournalLine.id, JournalLine.journal_id).where(JournalLine.status == "draft")
        )).all()  # fmt: skip
        assert len(drafts) == count
        for line in drafts:
            await _distribute(client, token, line.id, SALES_OPS)
        statements.reset()
        posted = await _post(client, token, drafts[0].journal_id)
        counts.append(statements.count)
        assert posted["postedLines"] == count
    assert counts[1] == counts[0], counts
    rows = select(VoucherLineDimension).where(
        VoucherLineDimension.legal_entity_id == base.legal_entity_id
    )
    assert len((await session.scalars(rows)).all()) == 7 * 2 * 2  # lines x sides x shares


async def test_j5_the_job_runner_posts_distributions_and_moves_invalid_lines(
    committed: Sessions,
    committed_world: World,
    jobs_app: procrastinate.App,
    api: GraphQLClient,
) -> None:
    """Above the batch threshold the job runner posts (J5): the same voucher lines, the same
    error journal, as in the request."""
    world, token = committed_world, committed_world.tokens["accountant"]
    async with committed() as session:
        base = await _staged(session, world, 3)
        await set_parameters(session, base.legal_entity_id, batch_threshold=2)
        await session.commit()
        first, second, north = await journal_lines(session, base.legal_entity_id)
    for line in (first, second):
        await _distribute(api, token, line.id, SALES_OPS)
    await _distribute(api, token, north.id, [("Region", "North", "100")])
    async with committed() as session:
        value_id = await session.scalar(
            select(FinancialDimensionValue.id).where(FinancialDimensionValue.value == "North")
        )
    value = {"id": encode_id("FinancialDimensionValue", value_id or 0), "active": False}
    assert (await api.mutate(DEACTIVATE, {"input": value}, token))["errors"] == []

    queued = await _post(api, token, first.journal_id)
    assert (queued["postedLines"], queued["journal"]["status"]) == (0, "DRAFT")
    await drain(jobs_app)
    async with committed() as session:
        for line in (first, second):
            assert await _voucher_lines(session, line.id) == _expected(base, SALES_OPS)
        moved = await session.get_one(JournalLine, north.id)
        error_journal = await session.get_one(Journal, moved.journal_id)
    assert (moved.status, error_journal.status) == ("error", "error")
    assert error_journal.original_journal_id == first.journal_id
    assert moved.error_text == (
        "Financial dimension Region value North (the value is inactive) is no longer valid (J4)."
    )
