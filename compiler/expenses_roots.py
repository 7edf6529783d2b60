"""`expenseReports`: the reference path's filters (`resolvers.expenses.report_filters`) and
visibility (employees see their own reports), as SQL over bind parameters."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from graphql import FieldNode

from compiler.connections import Page, connection, plain, upper
from compiler.roots import register_root
from compiler.selection import Selection
from db.models.expenses import ExpenseReport
from domain.actors import Actor
from resolvers.expenses import awaiting
from schema.relay import decode_optional_id


@dataclass(frozen=True)
class ReportsPage(Page):
    status: str | None = None
    employee_id: int | None = None
    project_id: int | None = None
    legal_entity: str | None = None
    from_date: dt.date | None = None
    to_date: dt.date | None = None
    awaiting_my_approval: bool = False


class ExpenseReports:
    def prepare(self, arguments: dict[str, Any], actor: Actor) -> ReportsPage:
        given = arguments.get("filter") or {}
        entity = given.get("legalEntity")
        return ReportsPage(
            **Page.paging(
                arguments, "ExpenseReport", ("ID", plain(arguments["sort"]) == "newest_first")
            ),
            status=plain(given.get("status")),
            employee_id=decode_optional_id(given.get("employeeId"), "User", "employeeId"),
            project_id=decode_optional_id(given.get("projectId"), "Project", "projectId"),
            legal_entity=upper(entity),
            from_date=given.get("fromDate"),
            to_date=given.get("toDate"),
            awaiting_my_approval=bool(given.get("awaitingMyApproval")),
        )

    def sql(self, selection: Selection, key: str, nodes: list[FieldNode], page: Any) -> str:
        statement = selection.statement
        t = statement.alias()

        conditions = statement.visible(ExpenseReport, t)
        if page.status is not None:
            conditions.append(f"{t}.status = {statement.argument(key, 'status', 'text')}")
        if page.employee_id is not None:
            conditions.append(
                f"{t}.employee_user_id = {statement.argument(key, 'employee_id', 'bigint')}"
            )
        if page.legal_entity is not None:
            entity = statement.entity_id(key)
            conditions.append(f"{t}.legal_entity_id = {entity}")
        line = statement.alias()
        has_line = f"EXISTS (SELECT 1 FROM expense_line {line} WHERE {line}.report_id = {t}.id"
        if page.project_id is not None:
            project = statement.argument(key, "project_id", "bigint")
            conditions.append(f"{has_line} AND {line}.project_id = {project})")
        dated = []
        if page.from_date is not None:
            dated.append(f"{line}.date >= {statement.argument(key, 'from_date', 'date')}")
        if page.to_date is not None:
            dated.append(f"{line}.date <= {statement.argument(key, 'to_date', 'date')}")
        if dated:
            conditions.append(f"{has_line} AND {' AND '.join(dated)})")
        if page.awaiting_my_approval:
            conditions += statement.rule(awaiting, ExpenseReport.__table__, t)
        return connection(selection, key, nodes, page, "ExpenseReport", conditions, t)


register_root("expenseReports", ExpenseReports())
