"""Who sees which expense reports: the caller's legal entities (M1); an employee without an
approving role only their own reports and lines."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, select

from db.models.expenses import ExpenseLine, ExpenseReport
from db.models.master_data import Role
from domain.actors import Actor
from domain.scope import in_callers_entities


def sees_colleagues_reports(actor: Actor) -> bool:
    """Whether the actor sees every report of its legal entities, not only its own."""
    return actor.is_admin or actor.has_role(Role.PROJECT_MANAGER, Role.ACCOUNTANT)


def visible_reports(actor: Actor) -> ColumnElement[bool]:
    scope = in_callers_entities(ExpenseReport.legal_entity_id, actor)
    if sees_colleagues_reports(actor):
        return scope
    return and_(scope, ExpenseReport.employee_user_id == actor.user_id)


def visible_lines(actor: Actor) -> ColumnElement[bool]:
    return ExpenseLine.report_id.in_(select(ExpenseReport.id).where(visible_reports(actor)))
