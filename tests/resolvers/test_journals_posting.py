"""Import and posting through the API: post in the request or by the job runner (J5),
the error journal and its repair (J5, J6), on-demand import (J1) and batch posting (J8)."""

from __future__ import annotations

from decimal import Decimal

import procrastinate
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.journals import Journal
from db.models.ledger import LedgerPeriod, Voucher
from db.models.parameters import LegalEntityParameters
from domain.journals_import import import_pending_actuals
from schema.relay import encode_id
from tests.support.client import GraphQLClient, error_codes
from tests.support.jobs import Sessions, committed, jobs_app
from tests.support.journals import LAST_MONTH, Staging, add_actuals, staging
from tests.support.world import TODAY, World

__all__ = ["committed", "jobs_app"]

POST = """
mutation($id: ID!) {
  postJournal(input: {id: $id}) {
    journal { id status lineCount }
    errorJournal { id status originalJournal { id } lines { status errorText } }
    postedLines failedLines
    jobRun { id status taskName }
    errors { code message }
  }
}"""
TO_DRAFT = """mutation($id: ID!) {
  updateJournalToDraft(input: {id: $id}) { journal { status } errors { code } } }"""
IMPORT = """
mutation($le: String!) { importFromStaging(input: {legalEntity: $le}) {
  jobRun { status taskName } errors { code field } } }"""
BATCH = """
mutation($input: PostJournalsInput!) { postJournals(input: $input) {
  jobRun { status taskName } errors { code field } } }"""


async def _journal(session: AsyncSession, base: Staging, **parameters: object) -> int:
    await session.execute(
        update(LegalEntityParameters)
        .where(LegalEntityParameters.legal_entity_id == base.legal_entity_id)
        .values(journal_period_unit="all", **parameters)
    )
    (journal_id,) = (await import_pending_actuals(session, base.legal_entity_id)).journal_ids
    await session.commit()
    return journal_id


async def test_j5_error_journal_is_fixed_and_reposted(
    client: GraphQLClient, world: World, session: AsyncSession
) -> None:
    base = await staging(session, world)
    await add_actuals(session, base, [Decimal("100.00")])
    await add_actuals(session, base, [Decimal("40.00")], date=LAST_MONTH)  # period on hold
    journal_id = await _journal(session, base, move_to_next_open_period=False)
    token = world.tokens["accountant"]

    posted = await client.mutate(POST, {"id": encode_id("Journal", journal_id)}, token=token)
    assert (posted["postedLines"], posted["failedLines"], posted["errors"]) == (1, 1, [])
    assert posted["journal"]["status"] == "POSTED" and posted["jobRun"] is None
    error_journal = posted["errorJournal"]
    assert error_journal["status"] == "ERROR"
    assert error_journal["originalJournal"]["id"] == encode_id("Journal", journal_id)
    (line,) = error_journal["lines"]
    assert line["status"] == "ERROR" and "on_hold" in line["errorText"]

    refused = await client.mutate(POST, {"id": error_journal["id"]}, token=token)
    assert error_codes(refused) == ["INVALID_STATE"]  # J6: never retried while in Error
    await session.execute(
        update(LedgerPeriod)
        .where(LedgerPeriod.legal_entity_id == base.legal_entity_id)
        .values(status="open")
    )
    await session.commit()
    draft = await client.mutate(TO_DRAFT, {"id": error_journal["id"]}, token=token)
    assert draft == {"journal": {"status": "DRAFT"}, "errors": []}
    reposted = await client.mutate(POST, {"id": error_journal["id"]}, token=token)
    assert (reposted["postedLines"], reposted["failedLines"]) == (1, 0)
    assert await session.scalar(select(func.count()).select_from(Voucher)) == 2


async def test_j5_journal_above_batch_threshold_goes_to_the_job_runner(
    committed: Sessions,
    jobs_app: procrastinate.App,
    client: GraphQLClient,
    world: World,
    session: AsyncSession,
) -> None:
    base = await staging(session, world)
    await add_actuals(session, base, [Decimal(1), Decimal(2), Decimal(3)])
    journal_id = await _journal(session, base, batch_threshold=2)
    payload = await client.mutate(
        POST, {"id": encode_id("Journal", journal_id)}, token=world.tokens["accountant"]
    )
    assert payload["jobRun"]["status"] == "QUEUED"
    assert payload["jobRun"]["taskName"] == "journals.post_journal"
    assert payload["journal"]["status"] == "DRAFT" and payload["postedLines"] == 0
    assert await session.scalar(select(func.count()).select_from(Voucher)) == 0


async def test_j1_import_and_j8_batch_posting_on_demand(
    committed: Sessions, jobs_app: procrastinate.App, client: GraphQLClient, world: World
) -> None:
    token = world.tokens["accountant"]
    imported = await client.mutate(IMPORT, {"le": "USPM"}, token=token)
    assert imported == {
        "jobRun": {"status": "QUEUED", "taskName": "journals.import_from_staging"},
        "errors": [],
    }
    batch = await client.mutate(
        BATCH,
        {"input": {"legalEntity": "USPM", "periodStart": str(TODAY.replace(day=1))}},
        token=token,
    )
    assert batch["jobRun"]["taskName"] == "journals.post_batch" and batch["errors"] == []
    for document, variables in (
        (IMPORT, {"le": "USPM"}),
        (BATCH, {"input": {"legalEntity": "USPM"}}),
    ):
        forbidden = await client.mutate(document, variables, token=world.tokens["employee"])
        assert forbidden["jobRun"] is None and error_codes(forbidden) == ["FORBIDDEN"]
    foreign = await client.mutate(IMPORT, {"le": "USPM"}, token=world.tokens["outsider"])
    assert error_codes(foreign) == ["NOT_FOUND"]


async def test_j5_bad_journal_ids_are_typed_errors(
    client: GraphQLClient, world: World, session: AsyncSession
) -> None:
    base = await staging(session, world)
    await add_actuals(session, base, [Decimal(1)])
    journal_id = await _journal(session, base)
    token = world.tokens["accountant"]
    for gid, code in (
        ("nope", "INVALID"),
        (encode_id("JournalLine", journal_id), "INVALID"),
        (encode_id("Journal", journal_id + 1000), "NOT_FOUND"),
    ):
        payload = await client.mutate(POST, {"id": gid}, token=token)
        assert error_codes(payload) == [code]
    outsider = await client.mutate(
        POST, {"id": encode_id("Journal", journal_id)}, token=world.tokens["outsider"]
    )
    assert error_codes(outsider) == ["NOT_FOUND"]
    journal = await session.get(Journal, journal_id)
    assert journal is not None and journal.status == "draft"
