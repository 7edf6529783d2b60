"""The idempotency key of postJournal, postJournals, reverseActual and confirmVendorInvoice:
the same one piece as postExpenseReport's (tests/resolvers/test_idempotency.py). A retry
replays the first payload and writes nothing; the key with another input is CONFLICT."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import procrastinate
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.actuals import Actual
from db.models.jobs import JobRun
from db.models.ledger import Voucher
from db.models.parameters import LegalEntityParameters
from domain.journals_import import import_pending_actuals
from schema.relay import encode_id
from tests.support.client import GraphQLClient, error_codes
from tests.support.jobs import Sessions, committed, jobs_app
from tests.support.journals import add_actuals, staging
from tests.support.vendor_invoices_workflow import invoice_with_lines, purchasing, three_lines
from tests.support.world import TODAY, World

__all__ = ["committed", "jobs_app"]

POST_JOURNAL = """mutation($id: ID!, $key: String) {
  postJournal(input: {id: $id, idempotencyKey: $key}) {
    journal { id status } errorJournal { id } postedLines failedLines jobRun { id }
    errors { code field message } } }"""
POST_JOURNALS = """mutation($input: PostJournalsInput!) { postJournals(input: $input) {
  jobRun { id taskName status } errors { code field message } } }"""
REVERSE = """mutation($id: ID!, $key: String) {
  reverseActual(input: {id: $id, idempotencyKey: $key}) {
    actual { id amount reverses { id adjustmentStatus } } errors { code field message } } }"""
CONFIRM = """mutation($id: ID!, $key: String) {
  confirmVendorInvoice(input: {id: $id, idempotencyKey: $key}) {
    vendorInvoice { id status accountingDate } errors { code field message } } }"""


async def _count(session: AsyncSession, model: Any) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def _journals(session: AsyncSession, world: World, count: int) -> list[str]:
    """`count` Draft journals of one line each (a journal per day of the period unit)."""
    base = await staging(session, world)
    await session.execute(update(LegalEntityParameters).values(journal_period_unit="days"))
    for amount in range(1, count + 1):
        await add_actuals(session, base, [Decimal(amount)], date=TODAY.replace(day=amount))
    journal_ids = (await import_pending_actuals(session, base.legal_entity_id)).journal_ids
    await session.commit()
    return [encode_id("Journal", journal_id) for journal_id in journal_ids]


async def test_post_journal_replays_and_conflicts(
    client: GraphQLClient, world: World, session: AsyncSession
) -> None:
    first, other = await _journals(session, world, 2)
    token = world.tokens["accountant"]
    posted = await client.mutate(POST_JOURNAL, {"id": first, "key": "j"}, token=token)
    assert posted["errors"] == [] and posted["postedLines"] == 1
    assert posted["journal"]["status"] == "POSTED"
    assert await client.mutate(POST_JOURNAL, {"id": first, "key": "j"}, token=token) == posted
    assert await _count(session, Voucher) == 1
    conflict = await client.mutate(POST_JOURNAL, {"id": other, "key": "j"}, token=token)
    assert error_codes(conflict) == ["CONFLICT"] and conflict["journal"] is None
    assert await _count(session, Voucher) == 1
    # The key is the caller's per mutation: reverseActual may use the same one.
    actual_id = encode_id("Actual", int(await session.scalar(select(func.min(Actual.id))) or 0))
    reversed_ = await client.mutate(REVERSE, {"id": actual_id, "key": "j"}, token=token)
    assert reversed_["errors"] == []


async def test_reverse_actual_replays(
    client: GraphQLClient, world: World, session: AsyncSession
) -> None:
    base = await staging(session, world)
    (actual_id,) = await add_actuals(session, base, [Decimal("12.50")])
    await session.commit()
    token, variables = world.tokens["accountant"], {"id": encode_id("Actual", actual_id)}
    first = await client.mutate(REVERSE, {**variables, "key": "r"}, token=token)
    assert first["errors"] == [] and first["actual"]["amount"] == "-12.50"
    assert first["actual"]["reverses"]["adjustmentStatus"] == "ADJUSTED"
    assert await client.mutate(REVERSE, {**variables, "key": "r"}, token=token) == first
    assert await _count(session, Actual) == 2
    again = await client.mutate(REVERSE, variables, token=token)  # no key: a new request
    assert error_codes(again) == ["ALREADY_REVERSED"]


async def test_confirm_vendor_invoice_replays(
    client: GraphQLClient, world: World, session: AsyncSession
) -> None:
    p = await purchasing(session, world)
    invoice, _ = await invoice_with_lines(session, p, three_lines(p), status="in_review")
    token, variables = world.tokens["accountant"], {"id": p.gid("VendorInvoice", invoice.id)}
    first = await client.mutate(CONFIRM, {**variables, "key": "c"}, token=token)
    assert first["errors"] == [] and first["vendorInvoice"]["status"] == "CONFIRMED"
    written = [await _count(session, Voucher), await _count(session, Actual)]
    assert await client.mutate(CONFIRM, {**variables, "key": "c"}, token=token) == first
    assert [await _count(session, Voucher), await _count(session, Actual)] == written


async def test_post_journals_replays_the_same_run(
    committed: Sessions,
    jobs_app: procrastinate.App,
    client: GraphQLClient,
    world: World,
    session: AsyncSession,
) -> None:
    token = world.tokens["accountant"]
    request = {"legalEntity": "USPM", "idempotencyKey": "batch"}
    first = await client.mutate(POST_JOURNALS, {"input": request}, token=token)
    assert first["errors"] == [] and first["jobRun"]["taskName"] == "journals.post_batch"
    again = await client.mutate(POST_JOURNALS, {"input": request}, token=token)
    assert again == first and await _count(session, JobRun) == 1
    filtered = {**request, "periodStart": str(TODAY.replace(day=1))}
    conflict = await client.mutate(POST_JOURNALS, {"input": filtered}, token=token)
    assert error_codes(conflict) == ["CONFLICT"] and await _count(session, JobRun) == 1
