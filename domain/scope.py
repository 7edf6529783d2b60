"""SQL filters that keep every query inside the caller's legal entities (M1)."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from db.base import Base
from db.models.master_data import LegalEntity
from domain.actors import Actor
from domain.errors import DomainError, ErrorCode

R = TypeVar("R", bound=Base)


def in_callers_entities(
    column: InstrumentedAttribute[int] | InstrumentedAttribute[int | None], actor: Actor
) -> ColumnElement[bool]:
    codes: list[Any] = sorted(actor.legal_entities)
    return column.in_(select(LegalEntity.id).where(LegalEntity.code.in_(codes)))


def visible_rows(model: type[Any], actor: Actor) -> ColumnElement[bool] | None:
    """The WHERE clause that keeps `model`'s rows to the caller's, or None for global rows.

    Company-owned rows by their legal entity (M1); a legal entity by its own id; a user when
    they share a legal entity with the caller, and the caller themself (`me`, a user of no
    legal entity yet); job runs by the K1 visibility rule.
    """
    from db.models.expenses import ExpenseLine, ExpenseReport
    from db.models.jobs import JobRun
    from db.models.master_data import AppUser, UserLegalEntity

    if model is JobRun:
        from domain.jobs import visible_runs

        return visible_runs(actor)
    if model in (ExpenseReport, ExpenseLine):
        from domain.expenses_visibility import visible_lines, visible_reports

        return visible_reports(actor) if model is ExpenseReport else visible_lines(actor)
    if model is LegalEntity:
        return in_callers_entities(LegalEntity.id, actor)
    if model is AppUser:
        members = select(UserLegalEntity.user_id).where(
            in_callers_entities(UserLegalEntity.legal_entity_id, actor)
        )
        return or_(AppUser.id == actor.user_id, AppUser.id.in_(members))
    entity_column = getattr(model, "legal_entity_id", None)
    return in_callers_entities(entity_column, actor) if entity_column is not None else None


async def callers_row(
    session: AsyncSession,
    actor: Actor,
    model: type[R],
    pk: int,
    *,
    missing: str,
    field: list[str] | None = None,
    for_update: bool = False,
) -> R:
    """The row `pk` of `model` if the caller may see it (`visible_rows`), else NOT_FOUND with
    the message `missing`: another company's row is indistinguishable from none (M1)."""
    id_column: ColumnElement[int] = model.__table__.c.id
    statement = select(model).where(id_column == pk)
    visible = visible_rows(model, actor)
    if visible is not None:
        statement = statement.where(visible)
    if for_update:
        statement = statement.with_for_update()
    row = await session.scalar(statement)
    if row is None:
        raise DomainError(ErrorCode.NOT_FOUND, missing, field)
    return row
