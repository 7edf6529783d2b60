"""Journal import and posting mutations (J1, J5, J8): each returns what to follow."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import strawberry

from domain.journals_requests import BatchRequest, PostRequest
from resolvers import journals as resolvers
from resolvers.context import Info
from resolvers.mutations import Outcome
from schema.errors import UserError
from schema.idempotency import IDEMPOTENCY_KEY, idempotency_of
from schema.jobs import JobRun, JobRunPayload
from schema.journals_types import Journal
from schema.mutations import decoded, errors_of
from schema.relay import decode_id


def _run_payload(outcome: Outcome[Any]) -> JobRunPayload:
    run = JobRun.from_row(outcome.value) if outcome.value is not None else None
    return JobRunPayload(job_run=run, errors=errors_of(outcome))


@strawberry.type(
    description="Small journals are posted at once; above the legal entity's batch threshold "
    "the job runner posts them and `jobRun` says how it goes (J5)."
)
class PostJournalPayload:
    journal: Journal | None = strawberry.field(
        description="The journal that was posted (or handed to the job runner); null when "
        "`errors` says why not."
    )
    error_journal: Journal | None = strawberry.field(
        description="Where the failing lines went, with the reason on each (J5)."
    )
    posted_lines: int = strawberry.field(
        description="How many lines were posted by this request; 0 when the job runner posts them."
    )
    failed_lines: int = strawberry.field(
        description="How many lines failed and moved to `errorJournal`; 0 when the job "
        "runner posts them."
    )
    job_run: JobRun | None = strawberry.field(
        description="The queued job run that posts a journal above the batch threshold "
        "(J5); follow it with `jobRunStatusChanges`; null when posted at once."
    )
    errors: list[UserError] = strawberry.field(
        description="Why nothing was posted (e.g. INVALID_STATE when not Draft); empty on success."
    )


@strawberry.input(description="The legal entity whose pending actuals to import now (J1).")
class ImportFromStagingInput:
    legal_entity: str = strawberry.field(description="Code of one of your legal entities.")


@strawberry.input(description="The Draft journal to post (J5).")
class PostJournalInput:
    id: strawberry.ID = strawberry.field(description="The Journal, Draft.")
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY_KEY)


@strawberry.input(description="The legal entity and the periodic posting's optional filters (J8).")
class PostJournalsInput:
    legal_entity: str = strawberry.field(description="Code of one of your legal entities.")
    period_start: dt.date | None = strawberry.field(
        default=None, description="Only journals of the period starting on this date."
    )
    journal_number: str | None = strawberry.field(
        default=None, description="Only the journal of this number."
    )
    original_journal_number: str | None = strawberry.field(
        default=None, description="Only the error journals split from this journal."
    )
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY_KEY)

    def to_domain(self) -> BatchRequest:
        return BatchRequest(
            legal_entity=self.legal_entity,
            period_start=self.period_start,
            journal_number=self.journal_number,
            original_journal_number=self.original_journal_number,
        )


def _failed(errors: list[UserError]) -> PostJournalPayload:
    return PostJournalPayload(
        journal=None,
        error_journal=None,
        posted_lines=0,
        failed_lines=0,
        job_run=None,
        errors=errors,
    )


async def _posted(info: Info, outcome: Outcome[PostRequest]) -> PostJournalPayload:
    request = outcome.value
    if request is None:
        return _failed(errors_of(outcome))
    result, error_journal = request.result, None
    if result is not None and result.error_journal_id is not None:
        row = await resolvers.journal_by_id(info.context, result.error_journal_id)
        error_journal = Journal.from_row(row) if row is not None else None
    return PostJournalPayload(
        journal=Journal.from_row(request.journal),
        error_journal=error_journal,
        posted_lines=result.posted if result else 0,
        failed_lines=result.failed if result else 0,
        job_run=JobRun.from_row(request.run) if request.run is not None else None,
        errors=[],
    )


@strawberry.type
class JournalPostingMutation:
    @strawberry.mutation(description="Import pending actuals now (J1); returns the job run.")
    async def import_from_staging(
        self,
        info: Info,
        input: Annotated[
            ImportFromStagingInput,
            strawberry.argument(description="The legal entity whose actuals to import."),
        ],
    ) -> JobRunPayload:
        return _run_payload(await resolvers.request_import(info.context, input.legal_entity))

    @strawberry.mutation(description="Post one Draft journal (J5).")
    async def post_journal(
        self,
        info: Info,
        input: Annotated[
            PostJournalInput, strawberry.argument(description="The journal, a key if wanted.")
        ],
    ) -> PostJournalPayload:
        outcome = await decoded(
            lambda: (decode_id(input.id, "Journal"), idempotency_of(info, input)),
            lambda args: resolvers.request_posting(info.context, *args),
        )
        return await _posted(info, outcome)

    @strawberry.mutation(description="Post every matching Draft journal by parallel jobs (J8).")
    async def post_journals(
        self,
        info: Info,
        input: Annotated[
            PostJournalsInput,
            strawberry.argument(description="The legal entity, filters, a key if wanted."),
        ],
    ) -> JobRunPayload:
        outcome = await decoded(
            lambda: (input.to_domain(), idempotency_of(info, input)),
            lambda args: resolvers.request_batch_posting(info.context, *args),
        )
        return _run_payload(outcome)
