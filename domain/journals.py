"""Working on the integration journal (J4, J6): edit Draft lines, delete unposted ones,
Update to draft after an error, reset lines stuck in Processing."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.audit import AuditRecord
from db.models.journals import Journal, JournalLine, JournalLineDimension, JournalStatus, LineStatus
from db.models.master_data import Role
from domain.actors import Actor
from domain.dimensions_check import check_active_pairs
from domain.errors import DomainError, DomainErrors, ErrorCode
from domain.scope import callers_row, in_callers_entities
from domain.validation import check_decimal

PROCESSING_TIMEOUT = dt.timedelta(hours=24)
UNPOSTED = (
    LineStatus.DRAFT,
    LineStatus.ERROR,
    LineStatus.INVALID_ACTUALS,
    LineStatus.UNRECOVERABLE,
)


@dataclass(frozen=True)
class DimensionShare:
    dimension: str
    value: str
    share_percent: Decimal


@dataclass(frozen=True)
class LineEdit:
    line_id: int
    billing_sales_tax_group: str | None = None
    billing_item_sales_tax_group: str | None = None
    dimensions: list[DimensionShare] | None = None


async def callers_line(session: AsyncSession, actor: Actor, line_id: int) -> JournalLine:
    actor.require_role(Role.ACCOUNTANT)
    line = await session.scalar(
        select(JournalLine)
        .where(JournalLine.id == line_id, in_callers_entities(JournalLine.legal_entity_id, actor))
        .with_for_update()
    )
    if line is None:
        # The same words for another legal entity's line as for none at all (M1).
        raise DomainError(ErrorCode.NOT_FOUND, "The journal line does not exist.", ["id"])
    return line


async def callers_journal(session: AsyncSession, actor: Actor, journal_id: int) -> Journal:
    actor.require_role(Role.ACCOUNTANT)
    return await callers_row(
        session,
        actor,
        Journal,
        journal_id,
        missing="The journal does not exist.",
        field=["id"],
        for_update=True,
    )


def _require_line_status(line: JournalLine, *allowed: LineStatus, doing: str) -> None:
    if line.status not in allowed:
        names = " or ".join(status.value for status in allowed)
        raise DomainError(
            ErrorCode.INVALID_STATE,
            f"Journal line {line.voucher_number} is {line.status}; "
            f"only {names} lines can be {doing}.",
        )


def check_shares(shares: list[DimensionShare]) -> None:
    """Each dimension's shares sum to exactly 100 % of the line (J4)."""
    errors: list[DomainError] = []
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for index, share in enumerate(shares):
        field = ["dimensions", str(index), "sharePercent"]
        try:
            check_decimal(
                share.share_percent, field, places=4, exclusive_minimum=True, maximum=Decimal(100)
            )
        except DomainError as error:
            errors.append(error)
        if not share.dimension.strip() or not share.value.strip():
            errors.append(
                DomainError(
                    ErrorCode.REQUIRED,
                    "Dimension and value are required.",
                    ["dimensions", str(index)],
                )
            )
        totals[share.dimension.strip()] += share.share_percent
    for dimension, total in totals.items():
        if total != Decimal(100):
            errors.append(
                DomainError(
                    ErrorCode.INVALID,
                    f"The shares of dimension '{dimension}' sum to {total} %, not 100 %.",
                    ["dimensions"],
                )
            )
    if errors:
        raise DomainErrors(errors)


async def edit_line(session: AsyncSession, actor: Actor, edit: LineEdit) -> JournalLine:
    """Only tax groups and dimension distribution change, only on a Draft line (J4)."""
    line = await callers_line(session, actor, edit.line_id)
    _require_line_status(line, LineStatus.DRAFT, doing="edited")
    if edit.billing_sales_tax_group is not None:
        line.billing_sales_tax_group = edit.billing_sales_tax_group.strip() or None
    if edit.billing_item_sales_tax_group is not None:
        line.billing_item_sales_tax_group = edit.billing_item_sales_tax_group.strip() or None
    if edit.dimensions is not None:
        check_shares(edit.dimensions)
        pairs = [(share.dimension.strip(), share.value.strip()) for share in edit.dimensions]
        await check_active_pairs(session, line.legal_entity_id, pairs)
        await session.execute(
            delete(JournalLineDimension).where(JournalLineDimension.journal_line_id == line.id)
        )
        session.add_all(
            JournalLineDimension(
                legal_entity_id=line.legal_entity_id,
                journal_line_id=line.id,
                dimension=share.dimension.strip(),
                value=share.value.strip(),
                share_percent=share.share_percent,
            )
            for share in edit.dimensions
        )
    await session.flush()
    return line


async def _count_out(session: AsyncSession, journal_id: int) -> None:
    # Relative, not a recount: a recount's snapshot predates an import that holds the journal
    # while appending, and would drop the import's lines from the count (J2, J8 go by it).
    await session.execute(
        update(Journal).where(Journal.id == journal_id).values(line_count=Journal.line_count - 1)
    )


async def delete_line(session: AsyncSession, actor: Actor, line_id: int) -> int:
    """An unposted line may go; the next import brings its actual back (J1, J4)."""
    line = await callers_line(session, actor, line_id)
    _require_line_status(line, *UNPOSTED, doing="deleted")
    await session.delete(line)
    await session.flush()
    await _count_out(session, line.journal_id)
    return line_id


async def delete_journal(session: AsyncSession, actor: Actor, journal_id: int) -> int:
    journal = await callers_journal(session, actor, journal_id)
    posted = await session.scalar(
        select(func.count()).where(
            JournalLine.journal_id == journal_id, JournalLine.status.notin_(UNPOSTED)
        )
    )
    if journal.status not in (JournalStatus.DRAFT, JournalStatus.ERROR) or posted:
        raise DomainError(
            ErrorCode.INVALID_STATE,
            f"Journal {journal.number} is {journal.status}; only a draft or error journal "
            "without posted or processing lines can be deleted.",
        )
    await session.delete(journal)
    await session.flush()
    return journal_id


def audit(
    actor: Actor,
    action: str,
    entity_type: str,
    entity_id: int,
    legal_entity_id: int,
    reason: str | None,
    **details: object,
) -> AuditRecord:
    return AuditRecord(
        legal_entity_id=legal_entity_id,
        actor_user_id=actor.user_id,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        reason=reason,
        details={key: str(value) for key, value in details.items()},
    )
