"""Project actuals (A1, A2): the filters of the actuals list and the reversal.

Actuals are never updated but for description and adjustment status, never deleted (a trigger
of migration 0004 refuses it). A correction is a reversal: a copy with negated quantity and
amounts, the original marked Adjusted, the reversal Unadjustable, at most one per original
(the unique key on reverses_actual_id makes a race harmless).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.actuals import Actual, ActualType, AdjustmentStatus
from db.models.audit import AuditRecord
from db.models.categories import TransactionClass
from db.models.journals import JournalLine
from db.models.master_data import Role
from domain.actors import Actor
from domain.errors import DomainError, ErrorCode
from domain.scope import in_callers_entities

# Every column of an actual that a reversal copies unchanged.
COPIED = (
    "legal_entity_id",
    "actual_type",
    "transaction_class",
    "source_type",
    "project_expense_id",
    "vendor_invoice_line_id",
    "project_id",
    "task_id",
    "transaction_category_id",
    "transaction_date",
    "unit_id",
    "currency_code",
    "unit_amount",
)


@dataclass(frozen=True)
class ActualFilter:
    project_id: int | None = None
    transaction_class: TransactionClass | None = None
    actual_type: ActualType | None = None
    adjustment_status: AdjustmentStatus | None = None
    from_date: dt.date | None = None
    to_date: dt.date | None = None
    pending_import: bool | None = None


def pending_import() -> ColumnElement[bool]:
    """A2: no live journal line (a deleted unposted line makes the actual pending again)."""
    return ~exists().where(JournalLine.actual_id == Actual.id)


def actual_filters(actor: Actor, data: ActualFilter) -> list[ColumnElement[bool]]:
    """WHERE clauses of the actuals list: the caller's legal entities first (M1)."""
    clauses: list[ColumnElement[bool]] = [in_callers_entities(Actual.legal_entity_id, actor)]
    equal: list[tuple[Any, Any]] = [
        (Actual.project_id, data.project_id),
        (Actual.transaction_class, data.transaction_class),
        (Actual.actual_type, data.actual_type),
        (Actual.adjustment_status, data.adjustment_status),
    ]
    clauses.extend(column == value for column, value in equal if value is not None)
    if data.from_date is not None:
        clauses.append(Actual.transaction_date >= data.from_date)
    if data.to_date is not None:
        clauses.append(Actual.transaction_date <= data.to_date)
    if data.pending_import is not None:
        clauses.append(pending_import() if data.pending_import else ~pending_import())
    return clauses


async def _locked_actual(session: AsyncSession, actor: Actor, actual_id: int) -> Actual:
    actual = await session.scalar(
        select(Actual)
        .where(Actual.id == actual_id, in_callers_entities(Actual.legal_entity_id, actor))
        .with_for_update()
    )
    if actual is None:
        raise DomainError(ErrorCode.NOT_FOUND, "The actual does not exist.", ["id"])
    return actual


def require_reversible(actual: Actual, field: list[str] | None = None) -> None:
    """A1: only an adjustable original is reversed; a reversal never is."""
    where = field or ["id"]
    if actual.reverses_actual_id is not None:
        raise DomainError(
            ErrorCode.INVALID_STATE, "A reversal is unadjustable; it is not reversed.", where
        )
    if actual.adjustment_status == AdjustmentStatus.ADJUSTED:
        raise DomainError(
            ErrorCode.ALREADY_REVERSED, f"Actual {actual.id} is reversed already.", where
        )
    if actual.adjustment_status != AdjustmentStatus.ADJUSTABLE:
        raise DomainError(
            ErrorCode.INVALID_STATE,
            f"Actual {actual.id} is {actual.adjustment_status}, not adjustable.",
            where,
        )


async def reverse(session: AsyncSession, actor: Actor, original: Actual) -> Actual:
    """The one way an actual is reversed (A1), for whoever may: the reversal (returned) and
    the original Adjusted, audited as the actor's. The caller has locked `original` FOR
    UPDATE, so a concurrent reversal waits and then finds it Adjusted."""
    require_reversible(original)
    reversal = Actual(
        **{column: getattr(original, column) for column in COPIED},
        quantity=-original.quantity,
        amount=-original.amount,
        adjustment_status=AdjustmentStatus.UNADJUSTABLE.value,
        reverses_actual_id=original.id,
        pricing_warning=original.pricing_warning,
        description=f"Reversal of actual {original.id}",
    )
    original.adjustment_status = AdjustmentStatus.ADJUSTED.value
    session.add(reversal)
    session.add(
        AuditRecord(
            legal_entity_id=original.legal_entity_id,
            actor_user_id=actor.user_id,
            action="actual.reverse",
            entity_type="actual",
            entity_id=original.id,
            details={"amount": str(original.amount), "currency": original.currency_code},
        )
    )
    await session.flush()
    return reversal


async def reverse_actual(session: AsyncSession, actor: Actor, actual_id: int) -> Actual:
    """Accountant: the reversal of an adjustable actual (returned), the original Adjusted."""
    actor.require_role(Role.ACCOUNTANT)
    return await reverse(session, actor, await _locked_actual(session, actor, actual_id))
