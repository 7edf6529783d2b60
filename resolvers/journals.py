"""Resolvers for the integration journal: queries, line editing and status repairs."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from db.models.jobs import JobRun
from db.models.journals import Journal, JournalLine, JournalLineDimension
from db.models.ledger import Voucher
from db.models.master_data import LegalEntity
from domain import journals, journals_requests, journals_status
from domain.idempotency import IdempotencyRequest
from domain.journals_posting import PostingResult
from domain.journals_requests import PostRequest
from domain.scope import in_callers_entities
from jobs.deferral import deferrer
from jobs.journals import import_from_staging, post_batch, post_one_journal
from resolvers.context import Context
from resolvers.idempotency import Codec, row_codec, run_idempotent
from resolvers.mutations import Outcome, run_mutation
from resolvers.pagination import Page, Window, keyset_page


@dataclass(frozen=True)
class JournalFilter:
    legal_entity: str | None = None
    status: str | None = None
    period_start: dt.date | None = None
    number: str | None = None
    original_journal_number: str | None = None


async def journals_page(context: Context, *, window: Window, where: JournalFilter) -> Page[Journal]:
    statement = select(Journal).where(in_callers_entities(Journal.legal_entity_id, context.actor))
    if where.legal_entity is not None:
        entity = select(LegalEntity.id).where(LegalEntity.code == where.legal_entity.upper())
        statement = statement.where(Journal.legal_entity_id.in_(entity))
    if where.status is not None:
        statement = statement.where(Journal.status == where.status)
    if where.period_start is not None:
        statement = statement.where(Journal.period_start == where.period_start)
    if where.number is not None:
        statement = statement.where(Journal.number == where.number)
    if where.original_journal_number is not None:
        original = aliased(Journal)
        statement = statement.where(
            Journal.original_journal_id.in_(
                select(original.id).where(original.number == where.original_journal_number)
            )
        )
    return await keyset_page(context, statement, window)


async def edit_line(context: Context, edit: journals.LineEdit) -> Outcome[JournalLine]:
    return await run_mutation(
        context, lambda session, actor: journals.edit_line(session, actor, edit)
    )


async def delete_line(context: Context, line_id: int) -> Outcome[int]:
    return await run_mutation(
        context, lambda session, actor: journals.delete_line(session, actor, line_id)
    )


async def delete_journal(context: Context, journal_id: int) -> Outcome[int]:
    return await run_mutation(
        context, lambda session, actor: journals.delete_journal(session, actor, journal_id)
    )


async def update_line_to_draft(context: Context, line_id: int) -> Outcome[JournalLine]:
    return await run_mutation(
        context,
        lambda session, actor: journals_status.update_line_to_draft(session, actor, line_id),
    )


async def update_journal_to_draft(context: Context, journal_id: int) -> Outcome[Journal]:
    return await run_mutation(
        context,
        lambda session, actor: journals_status.update_journal_to_draft(session, actor, journal_id),
    )


async def reset_processing_line(
    context: Context, line_id: int, *, no_posting_running: bool, reason: str | None
) -> Outcome[JournalLine]:
    now = dt.datetime.now(dt.UTC)
    return await run_mutation(
        context,
        lambda session, actor: journals_status.reset_processing_line(
            session, actor, line_id, now=now, no_posting_running=no_posting_running, reason=reason
        ),
    )


async def lines_of(
    context: Context, journal_id: int, first: int | None = None
) -> list[JournalLine]:
    return await context.loaders.children(JournalLine, "journal_id", first=first).load(journal_id)


async def dimensions_of(
    context: Context, line_id: int, first: int | None = None
) -> list[JournalLineDimension]:
    loader = context.loaders.children(JournalLineDimension, "journal_line_id", first=first)
    return await loader.load(line_id)


async def voucher_of_line(context: Context, line_id: int) -> Voucher | None:
    vouchers = await context.loaders.children(Voucher, "journal_line_id").load(line_id)
    return vouchers[0] if vouchers else None


async def journal_by_id(context: Context, journal_id: int) -> Journal | None:
    return await context.loaders.by_id(Journal).load(journal_id)


async def request_import(context: Context, legal_entity: str) -> Outcome[JobRun]:
    defer = deferrer(import_from_staging)
    return await run_mutation(
        context,
        lambda session, actor: journals_requests.request_import(
            session, actor, legal_entity, defer
        ),
    )


async def _post_request(session: AsyncSession, data: dict[str, Any]) -> PostRequest:
    result = data["result"]
    return PostRequest(
        journal=await session.get_one(Journal, data["journal"]),
        result=PostingResult(**result) if result is not None else None,
        run=await session.get_one(JobRun, data["run"]) if data["run"] is not None else None,
    )


POST_REQUEST = Codec[PostRequest](
    dump=lambda request: {
        "journal": request.journal.id,
        "result": asdict(request.result) if request.result is not None else None,
        "run": request.run.id if request.run is not None else None,
    },
    load=_post_request,
)


async def request_posting(
    context: Context, journal_id: int, idempotency: IdempotencyRequest | None = None
) -> Outcome[PostRequest]:
    now, defer = dt.datetime.now(dt.UTC), deferrer(post_one_journal)
    return await run_idempotent(
        context,
        idempotency,
        lambda session, actor: journals_requests.request_posting(
            session, actor, journal_id, now=now, defer=defer
        ),
        POST_REQUEST,
    )


async def request_batch_posting(
    context: Context,
    request: journals_requests.BatchRequest,
    idempotency: IdempotencyRequest | None = None,
) -> Outcome[JobRun]:
    defer = deferrer(post_batch)
    return await run_idempotent(
        context,
        idempotency,
        lambda session, actor: journals_requests.request_batch_posting(
            session, actor, request, defer
        ),
        row_codec(JobRun),
    )
