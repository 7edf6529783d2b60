"""SQL filters that keep every query inside the caller's legal entities (M1)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import InstrumentedAttribute

from db.models.master_data import LegalEntity
from domain.actors import Actor


def in_callers_entities(
    column: InstrumentedAttribute[int] | InstrumentedAttribute[int | None], actor: Actor
) -> ColumnElement[bool]:
    codes: list[Any] = sorted(actor.legal_entities)
    return column.in_(select(LegalEntity.id).where(LegalEntity.code.in_(codes)))


def visible_rows(model: type[Any], actor: Actor) -> ColumnElement[bool] | None:
    """The WHERE clause that keeps `model`'s rows to the caller's, or None for global rows.

    Company-owned rows by their legal entity (M1); a legal entity by its own id; a user when
    they share a legal entity with the caller; job runs by the K1 visibility rule.
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
        return AppUser.id.in_(members)
    entity_column = getattr(model, "legal_entity_id", None)
    return in_callers_entities(entity_column, actor) if entity_column is not None else None
