"""SQL of projects and tasks (M1), and the `projects` and `project` root fields."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import FieldNode

from compiler.catalog import (
    Builder,
    Children,
    Custom,
    Scalar,
    TableType,
    ToOne,
    limited,
    register,
)
from compiler.connections import Page, connection, plain, upper
from compiler.roots import Lookup, register_root
from compiler.selection import Selection
from compiler.sql import entity_decimals, enum_name, money
from db.models import master_data as models
from db.models.ledger import SubledgerTransaction
from domain import subledger
from domain.actors import Actor
from domain.scope import in_callers_entities
from schema.relay import decode_id


def _totals(builder: Builder, alias: str, nodes: list[FieldNode]) -> str:
    """The project's subledger sums per period in period order, as
    `resolvers.ledger_subledger.totals_of` reads them (the same SQL aggregate)."""
    statement = builder.statement
    transaction, sums = statement.alias(), statement.alias()
    conditions = [f"{transaction}.project_id = {alias}.id"]
    conditions += statement.visible(SubledgerTransaction, transaction)
    from_date, to_date, period = (
        builder.argument("Project", nodes, name, pg_type)
        for name, pg_type in (("fromDate", "date"), ("toDate", "date"), ("period", "text"))
    )
    grouped = subledger.totals(transaction, conditions, from_date, to_date, period)
    # The sums are in the project's legal entity's accounting currency: its decimals per row.
    decimals = entity_decimals(f"{alias}.legal_entity_id")
    summed = statement.alias()
    grouped = f"SELECT {summed}.*, {decimals} AS decimals FROM ({grouped}) {summed}"
    first = builder.first("Project", nodes)
    body = builder.object("ProjectTotals", sums, nodes)
    source = limited(f"FROM ({grouped}) {sums}", sums, f"{sums}.period_start", first)
    return f"(SELECT coalesce(json_agg({body} ORDER BY {sums}.period_start), '[]'::json) {source})"


register(
    TableType(
        "Project",
        models.Project,
        {
            "code": Scalar("{t}.code"),
            "name": Scalar("{t}.name"),
            "billingType": Scalar(enum_name("{t}.billing_type", models.BillingType)),
            "currencyCode": Scalar("{t}.currency_code"),
            "legalEntity": ToOne("LegalEntity", "legal_entity_id"),
            "manager": ToOne("User", "manager_user_id"),
            "tasks": Children("Task", "project_id", order="code"),
            "totals": Custom(_totals, takes_arguments=True),
        },
    ),
    TableType(
        "ProjectTotals",
        SubledgerTransaction,  # rows of the per-period sums over subledger transactions
        {
            "periodStart": Scalar("{t}.period_start"),
            "cost": Scalar(money("{t}.cost", "{t}.decimals")),
            "unbilledSales": Scalar(money("{t}.unbilled_sales", "{t}.decimals")),
        },
        node=False,
    ),
    TableType(
        "Task",
        models.Task,
        {
            "code": Scalar("{t}.code"),
            "name": Scalar("{t}.name"),
            "project": ToOne("Project", "project_id"),
        },
    ),
)


@dataclass(frozen=True)
class ProjectsPage(Page):
    legal_entity: str | None = None
    billing_type: str | None = None
    manager_id: int | None = None


def _callers(actor: Actor) -> Any:
    return in_callers_entities(models.Project.legal_entity_id, actor)


class Projects:
    """`projects`, as `resolvers.projects.projects_page` reads them."""

    def prepare(self, arguments: dict[str, Any], actor: Actor) -> ProjectsPage:
        entity, billing = arguments.get("legalEntity"), arguments.get("billingType")
        manager = arguments.get("managerId")
        return ProjectsPage(
            **Page.paging(arguments, "Project"),
            legal_entity=upper(entity),
            billing_type=plain(billing) if billing else None,
            manager_id=decode_id(manager, "User", "managerId") if manager else None,
        )

    def sql(self, selection: Selection, key: str, nodes: list[FieldNode], page: Any) -> str:
        statement = selection.statement
        t = statement.alias()

        conditions = statement.rule(_callers, models.Project.__table__, t)
        if page.legal_entity is not None:
            entity = statement.entity_id(key)
            conditions.append(f"{t}.legal_entity_id = {entity}")
        if page.billing_type is not None:
            conditions.append(
                f"{t}.billing_type = {statement.argument(key, 'billing_type', 'text')}"
            )
        if page.manager_id is not None:
            conditions.append(
                f"{t}.manager_user_id = {statement.argument(key, 'manager_id', 'bigint')}"
            )
        return connection(selection, key, nodes, page, "Project", conditions, t)


register_root("projects", Projects())
register_root("project", Lookup("Project"))
