"""SQL of job runs, their progress and execution log (K1), and `jobRuns` and `jobRun`.

A log entry's `entity` (an object of any kind) is not planned: selecting it falls back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import FieldNode

from compiler.catalog import Builder, Children, Custom, Scalar, TableType, register
from compiler.connections import Page, connection, plain
from compiler.roots import Lookup, register_root
from compiler.selection import Selection
from compiler.sql import datetime, enum_name
from db.models import jobs as models
from domain.actors import Actor
from domain.jobs import visible_runs


def _progress(builder: Builder, alias: str, nodes: list[FieldNode]) -> str:
    """Done and total are columns of the run itself."""
    return builder.object("JobProgress", alias, nodes)


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
            "entityType": Scalar("{t}.entity_type"),
            "entityId": Scalar("{t}.entity_id"),
            "createdAt": Scalar(datetime("{t}.created_at")),
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
            **Page.paging(arguments),
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
