"""What an accountant asks of the journal from the API: import now, post one journal (in the
request, or by the job runner above the batch threshold, J5), post all in batch (J8)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from db.models.jobs import JobRun
from db.models.journals import Journal, JournalStatus
from db.models.master_data import Role
from db.models.parameters import LegalEntityParameters
from domain.actors import Actor
from domain.errors import DomainError, ErrorCode
from domain.jobs import Deferrer, queue_run
from domain.journals import callers_journal
from domain.journals_posting import PostingResult, post_journal
from domain.master_data import entity_by_code

IMPORT_TASK = "journals.import_from_staging"
POST_TASK = "journals.post_journal"
BATCH_TASK = "journals.post_batch"


@dataclass(frozen=True)
class PostRequest:
    """Either the posting's result (posted in the request) or the run that will post it."""

    journal: Journal
    result: PostingResult | None = None
    run: JobRun | None = None


@dataclass(frozen=True)
class BatchRequest:
    legal_entity: str
    period_start: dt.date | None = None
    journal_number: str | None = None
    original_journal_number: str | None = None


async def _queued(
    session: AsyncSession,
    actor: Actor,
    defer: Deferrer,
    task_name: str,
    legal_entity_id: int | None,
    arguments: dict[str, Any],
) -> JobRun:
    run = await queue_run(
        session,
        task_name=task_name,
        arguments=arguments,
        legal_entity_id=legal_entity_id,
        requested_by_user_id=actor.user_id,
    )
    run.procrastinate_job_id = await defer(run)
    await session.flush()
    return run


async def request_import(
    session: AsyncSession, actor: Actor, legal_entity: str, defer: Deferrer
) -> JobRun:
    """J1 on demand: the periodic import's task, for one of the caller's legal entities (the
    periodic run covers them all; a request never reaches beyond the caller's, M1)."""
    actor.require_role(Role.ACCOUNTANT)
    entity = await entity_by_code(session, actor, legal_entity, ["legalEntity"])
    return await _queued(session, actor, defer, IMPORT_TASK, entity.id, {})


async def request_posting(
    session: AsyncSession, actor: Actor, journal_id: int, *, now: dt.datetime, defer: Deferrer
) -> PostRequest:
    """J5: a journal above the batch threshold is never posted inside the request."""
    journal = await callers_journal(session, actor, journal_id)
    if journal.status != JournalStatus.DRAFT:
        raise DomainError(
            ErrorCode.INVALID_STATE,
            f"Journal {journal.number} is {journal.status}; only a draft journal can be posted.",
        )
    parameters = await session.get(LegalEntityParameters, journal.legal_entity_id)
    threshold = parameters.batch_threshold if parameters is not None else 100
    if journal.line_count > threshold:
        arguments = {"journal_id": journal.id}
        run = await _queued(session, actor, defer, POST_TASK, journal.legal_entity_id, arguments)
        return PostRequest(journal=journal, run=run)
    result = await post_journal(session, journal.id, now=now)
    await session.refresh(journal)
    return PostRequest(journal=journal, result=result)


async def request_batch_posting(
    session: AsyncSession, actor: Actor, request: BatchRequest, defer: Deferrer
) -> JobRun:
    """J8 on demand for one of the caller's legal entities, with the periodic process's
    optional filters."""
    actor.require_role(Role.ACCOUNTANT)
    entity = await entity_by_code(session, actor, request.legal_entity, ["legalEntity"])
    arguments = {
        "period_start": request.period_start.isoformat() if request.period_start else None,
        "journal_number": request.journal_number,
        "original_journal_number": request.original_journal_number,
    }
    filters = {key: value for key, value in arguments.items() if value is not None}
    return await _queued(session, actor, defer, BATCH_TASK, entity.id, filters)
