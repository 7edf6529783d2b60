"""Status repairs (J6): Update to draft after an error, reset of lines stuck in Processing.

Error lines are never retried by posting until someone says the cause is fixed; a Processing
line is only reset when no posting can still be running (24 hours, or an admin's word), and
both leave an audit record.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.journals import Journal, JournalLine, JournalStatus, LineStatus
from domain.actors import Actor
from domain.errors import DomainError, ErrorCode
from domain.journals import PROCESSING_TIMEOUT, audit, callers_journal, callers_line
from domain.validation import require_text

RETRYABLE = (LineStatus.ERROR, LineStatus.INVALID_ACTUALS)


async def update_line_to_draft(session: AsyncSession, actor: Actor, line_id: int) -> JournalLine:
    line = await callers_line(session, actor, line_id)
    if line.status not in RETRYABLE:
        raise DomainError(
            ErrorCode.INVALID_STATE,
            f"Journal line {line.voucher_number} is {line.status}; "
            "only error lines go back to draft.",
        )
    line.status, line.error_text = LineStatus.DRAFT, None
    session.add(
        audit(
            actor,
            "journal_line.update_to_draft",
            "journal_line",
            line.id,
            line.legal_entity_id,
            None,
        )
    )
    await session.flush()
    return line


async def update_journal_to_draft(session: AsyncSession, actor: Actor, journal_id: int) -> Journal:
    """The header and its error lines go back to Draft so the journal can be posted again."""
    journal = await callers_journal(session, actor, journal_id)
    if journal.status != JournalStatus.ERROR:
        raise DomainError(
            ErrorCode.INVALID_STATE,
            f"Journal {journal.number} is {journal.status}; "
            "only an error journal goes back to draft.",
        )
    await session.execute(
        update(JournalLine)
        .where(JournalLine.journal_id == journal.id, JournalLine.status.in_(RETRYABLE))
        .values(status=LineStatus.DRAFT, error_text=None)
    )
    journal.status = JournalStatus.DRAFT
    session.add(
        audit(
            actor, "journal.update_to_draft", "journal", journal.id, journal.legal_entity_id, None
        )
    )
    await session.flush()
    return journal


async def reset_processing_line(
    session: AsyncSession,
    actor: Actor,
    line_id: int,
    *,
    now: dt.datetime,
    no_posting_running: bool,
    reason: str | None,
) -> JournalLine:
    """Processing -> Draft after 24 hours, or earlier by an admin who states no posting runs."""
    line = await callers_line(session, actor, line_id)
    if line.status != LineStatus.PROCESSING:
        raise DomainError(
            ErrorCode.INVALID_STATE,
            f"Journal line {line.voucher_number} is {line.status}, not processing.",
        )
    since = line.processing_since or now
    early = now - since < PROCESSING_TIMEOUT
    if early and not (actor.is_admin and no_posting_running):
        raise DomainError(
            ErrorCode.INVALID_STATE,
            f"Journal line {line.voucher_number} has been processing since {since.isoformat()}; "
            "it can be reset 24 hours after that, or now by an admin who confirms that no "
            "posting is running.",
        )
    if early:
        reason = require_text(reason or "", ["reason"])
    line.status, line.processing_since = LineStatus.DRAFT, None
    session.add(
        audit(
            actor,
            "journal_line.reset_processing",
            "journal_line",
            line.id,
            line.legal_entity_id,
            reason,
            processing_since=since,
            early=early,
        )
    )
    await session.flush()
    return line
