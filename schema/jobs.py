"""GraphQL types for job runs and their execution log (K1)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry

from db.models import jobs as models
from resolvers import jobs as resolvers
from resolvers.context import Info
from schema.errors import UserError
from schema.jobs_inputs import StartDemoJobArgument
from schema.mutations import errors_of
from schema.nested_lists import ALL, NestedFirst, nested_first
from schema.node import node_of_row, register_node
from schema.orders import OrderBy, order_argument
from schema.pages import After, Before, First, Last, order_of, to_connection, window
from schema.projects_totals import described_enum
from schema.relay import Connection, Node, decode_id

JobStatus = described_enum(
    models.JobStatus,
    "JobStatus",
    "Where a job run is in its life (K1).",
    {
        "QUEUED": "Waiting for a worker.",
        "RUNNING": "A worker is running it; `progress` moves.",
        "SUCCEEDED": "Finished: all its work is committed.",
        "FAILED": "Stopped by an error (see `error` and the log); its committed work stays.",
    },
)
LogLevel = described_enum(
    models.LogLevel,
    "LogLevel",
    "How serious a job log entry is.",
    {
        "INFO": "Progress worth knowing; nothing to do.",
        "WARNING": "Something was skipped (an actual without an exchange rate, say); the run "
        "went on.",
        "ERROR": "Something failed and needs attention.",
    },
)


@strawberry.type(description="One entry of a job run's execution log.")
class JobLogEntry:
    level: LogLevel = strawberry.field(description="How serious the entry is.")  # type: ignore[valid-type]
    message: str = strawberry.field(
        description="What happened, in English, e.g. which actual had no exchange rate on "
        "which date (J3)."
    )
    created_at: dt.datetime = strawberry.field(
        description="When the entry was written (ISO 8601 date-time, UTC)."
    )
    # The row it concerns, by table and primary key: clients see it as `entity`, a Node.
    entity_type: strawberry.Private[str | None]
    entity_pk: strawberry.Private[int | None]

    @strawberry.field(description="The object it concerns, when that kind is a Node you may see.")
    async def entity(self, info: Info) -> Node | None:
        return await node_of_row(info, self.entity_type or "", self.entity_pk)

    @classmethod
    def from_row(cls, row: models.JobLogEntry) -> JobLogEntry:
        return cls(
            level=models.LogLevel(row.level),
            message=row.message,
            entity_type=row.entity_type,
            entity_pk=row.entity_id,
            created_at=row.created_at,
        )


@strawberry.type(
    description="How far a job run has got: `done` of `total` steps, for a progress bar (K1)."
)
class JobProgress:
    done: int = strawberry.field(
        description="Steps finished so far (lines imported, lines posted, ...); 0 at the start."
    )
    total: int | None = strawberry.field(description="Null until the job knows its size.")


@strawberry.type(description="One attempt of a job: status, progress, timestamps, log.")
class JobRun(Node):
    task_name: str = strawberry.field(
        description="Which periodic process runs, e.g. journals.import_from_staging, "
        "journals.post_journal, journals.post_batch or demo.count_to."
    )
    status: JobStatus = strawberry.field(  # type: ignore[valid-type]
        description="Where the run is: QUEUED, RUNNING, then SUCCEEDED or FAILED."
    )
    progress: JobProgress = strawberry.field(description="Steps done out of the total.")
    attempt: int = strawberry.field(
        description="Which attempt this is, from 1; a retried job gets a new run with the "
        "next number."
    )
    error: str | None = strawberry.field(
        description="Why the run failed; null unless the status is FAILED."
    )
    legal_entity_id: strawberry.Private[int | None]
    created_at: dt.datetime = strawberry.field(
        description="When the run was queued (ISO 8601 date-time, UTC)."
    )
    started_at: dt.datetime | None = strawberry.field(
        description="When a worker started it; null while QUEUED."
    )
    finished_at: dt.datetime | None = strawberry.field(
        description="When it SUCCEEDED or FAILED; null until then."
    )

    @classmethod
    def from_row(cls, row: models.JobRun) -> JobRun:
        return cls(
            pk=row.id,
            task_name=row.task_name,
            status=models.JobStatus(row.status),
            progress=JobProgress(done=row.progress_done, total=row.progress_total),
            attempt=row.attempt,
            error=row.error,
            legal_entity_id=row.legal_entity_id,
            created_at=row.created_at,
            started_at=row.started_at,
            finished_at=row.finished_at,
        )

    @strawberry.field(description="The execution log, oldest entry first.")
    async def log(self, info: Info, first: NestedFirst = ALL) -> list[JobLogEntry]:
        rows = await resolvers.log_of(info.context, self.pk, nested_first(first))
        return [JobLogEntry.from_row(row) for row in rows]


register_node("JobRun", models.JobRun, JobRun.from_row)


@strawberry.type(
    description="The result of starting a job: the queued run, or why it was not started."
)
class JobRunPayload:
    job_run: JobRun | None = strawberry.field(description="The run to follow.")
    errors: list[UserError] = strawberry.field(
        description="Why no run was started; empty on success."
    )


@strawberry.type
class JobsQuery:
    @strawberry.field(description="Job runs you may see, newest first unless `orderBy` says else.")
    async def job_runs(
        self,
        info: Info,
        status: Annotated[
            JobStatus | None,  # type: ignore[valid-type]
            strawberry.argument(description="Only runs in this status."),
        ] = None,
        task_name: Annotated[
            str | None,
            strawberry.argument(
                description="Only runs of this task, e.g. journals.import_from_staging."
            ),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        order_by: Annotated[OrderBy | None, order_argument("JobRun")] = None,
    ) -> Connection[JobRun]:
        page = await resolvers.job_runs(
            info.context,
            window=window("JobRun", first, after, last, before, order_of(order_by)),
            status=status.value if status is not None else None,
            task_name=task_name,
        )
        return to_connection(page.map(JobRun.from_row))

    @strawberry.field(description="One job run; null when it is not yours.")
    async def job_run(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="Global id of the JobRun.")],
    ) -> JobRun | None:
        row = await resolvers.job_run(info.context, decode_id(id, "JobRun"))
        return JobRun.from_row(row) if row is not None else None


@strawberry.type
class JobsMutation:
    @strawberry.mutation(description="Admin: run the demo job that counts to n.")
    async def start_demo_job(self, info: Info, input: StartDemoJobArgument) -> JobRunPayload:
        outcome = await resolvers.start_demo_job(info.context, input.to_domain())
        return JobRunPayload(
            job_run=JobRun.from_row(outcome.value) if outcome.value else None,
            errors=errors_of(outcome),
        )
