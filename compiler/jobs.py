"""SQL of job runs, their progress and execution log (K1), and `jobRuns` and `jobRun`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from graphql import FieldNode

from compiler.catalog import (
    TYPES,
    Builder,
    Children,
    Custom,
    Scalar,
    TableType,
    object_by_id,
    register,
)
from compiler.connections import Page, connection, plain
from compiler.roots import Lookup, register_root
from compiler.selection import Selection
from compiler.sql import Unsupported, datetime, enum_name, refusal
from db.models import jobs as models
from domain.actors import Actor
from domain.jobs import visible_runs
from schema.node import node_types


def _progress(builder: Builder, alias: str, nodes: list[FieldNode]) -> str:
    """Done and total are columns of the run itself."""
    return builder.object("JobProgress", alias, nodes)


# A log entry names its object by table (`journal_line`); schema.node.node_of_row turns that
# into a type name part by part, so a lower-case snake name is the only spelling planned here.
_SNAKE = "^([a-z]+(_[a-z]+)*)?$"  # or empty: no table named, no object


def _snake(type_name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type_name).lower()


def _entity(builder: Builder, alias: str, nodes: list[FieldNode]) -> str:
    """The object a log entry concerns, if its kind is a Node and the caller may see it: one
    branch per Node type; another spelling of a type's table fails the statement on purpose,
    for strawberry to answer."""
    if not set(node_types()) <= set(TYPES):
        raise Unsupported("a Node type without SQL")
    branches = [f"WHEN {alias}.entity_id IS NULL THEN NULL"]
    for type_name in sorted(node_types()):
        found = object_by_id(builder, type_name, f"{alias}.entity_id", nodes)
        branches.append(f"WHEN {alias}.entity_type = '{_snake(type_name)}' THEN {found}")
    branches.append(f"WHEN coalesce({alias}.entity_type, '') ~ '{_SNAKE}' THEN NULL")
    return f"(CASE {' '.join(branches)} ELSE {refusal(f'{alias}.entity_type')} END)"


register(
    TableType(
        "JobRun",
        models.JobRun,
        {
            "taskName": Scalar("{t}.task_name"),
            "status": Scalar(enum_name("{t}.status", models.JobStatus)),
            "progress": Custom(_progress),
            "attempt": Scalar("{t}.attempt"),
            "error": Scalar("{t}.error"),
            "createdAt": Scalar(datetime("{t}.created_at")),
            "startedAt": Scalar(datetime("{t}.started_at")),
            "finishedAt": Scalar(datetime("{t}.finished_at")),
            "log": Children("JobLogEntry", "job_run_id"),
        },
    ),
    TableType(
        "JobProgress",
        models.JobRun,
        {"done": Scalar("{t}.progress_done"), "total": Scalar("{t}.progress_total")},
        node=False,
    ),
    TableType(
        "JobLogEntry",
        models.JobLogEntry,
        {
            "level": Scalar(enum_name("{t}.level", models.LogLevel)),
            "message": Scalar("{t}.message"),
            "createdAt": Scalar(datetime("{t}.created_at")),
            "entity": Custom(_entity),
        },
        node=False,
    ),
)


@dataclass(frozen=True)
class RunsPage(Page):
    status: str | None = None
    task_name: str | None = None


class JobRuns:
    """`jobRuns`, with the filters of `domain.jobs.run_filters`."""

    def prepare(self, arguments: dict[str, Any], actor: Actor) -> RunsPage:
        status = arguments.get("status")
        return RunsPage(
            **Page.paging(arguments, "JobRun"),
            status=plain(status) if status is not None else None,
            task_name=arguments.get("taskName"),
        )

    def sql(self, selection: Selection, key: str, nodes: list[FieldNode], page: Any) -> str:
        statement = selection.statement
        t = statement.alias()
        conditions = statement.rule(visible_runs, models.JobRun.__table__, t)
        if page.status is not None:
            conditions.append(f"{t}.status = {statement.argument(key, 'status', 'text')}")
        if page.task_name is not None:
            name = statement.argument(key, "task_name", "text")
            conditions.append(f"{t}.task_name = {name}")
        return connection(selection, key, nodes, page, "JobRun", conditions, t)


register_root("jobRuns", JobRuns())
register_root("jobRun", Lookup("JobRun"))
