"""GraphQL types for job runs and their execution log (K1)."""

from __future__ import annotations

import datetime as dt

import strawberry

from db.models import jobs as models
from domain import jobs as domain
from resolvers import jobs as resolvers
from resolvers.context import Info
from schema.errors import UserError
from schema.nested_lists import ALL, NestedFirst, nested_first
from schema.node import node_of_row, register_node
from schema.pages import after_key, to_connection
from schema.relay import Connection, Node, decode_id

JobStatus = strawberry.enum(models.JobStatus, name="JobStatus")
LogLevel = strawberry.enum(models.LogLevel, name="LogLevel")


@strawberry.type(description="One entry of a job run's execution log.")
class JobLogEntry:
    level: LogLevel  # type: ignore[valid-type]
    message: str
    entity_type: str | None = strawberry.field(description="The kind of row it concerns.")
    entity_id: int | None = strawberry.field(description="The primary key of that row.")
    created_at: dt.datetime

    @strawberry.field(description="The object it concerns, when that kind is a Node you may see.")
    async def entity(self, info: Info) -> Node | None:
        return await node_of_row(info, self.entity_type or "", self.entity_id)

    @classmethod
    def from_row(cls, row: models.JobLogEntry) -> JobLogEntry:
        return cls(
            level=models.LogLevel(row.level),
            message=row.message,
            entity_type=row.entity_type,
            entity_id=row.entity_id,
            created_at=row.created_at,
        )


@strawberry.type
class JobProgress:
    done: int
    total: int | None = strawberry.field(description="Null until the job knows its size.")


@strawberry.type(description="One attempt of a job: status, progress, timestamps, log.")
class JobRun(Node):
    task_name: str
    status: JobStatus  # type: ignore[valid-type]
    progress: JobProgress
    attempt: int
    error: str | None
    legal_entity_id: strawberry.Private[int | None]
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None

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


@strawberry.type
class JobRunPayload:
    job_run: JobRun | None = strawberry.field(description="The run to follow.")
    errors: list[UserError]


@strawberry.type
class JobsQuery:
    @strawberry.field(description="Job runs you may see, oldest first.")
    async def job_runs(
        self,
        info: Info,
        status: JobStatus | None = None,  # type: ignore[valid-type]
        task_name: str | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[JobRun]:
        page = await resolvers.job_runs(
            info.context,
            first=first,
            after=after_key(after),
            status=status.value if status is not None else None,
            task_name=task_name,
        )
        return to_connection(page.map(JobRun.from_row))

    @strawberry.field(description="One job run; null when it is not yours.")
    async def job_run(self, info: Info, id: strawberry.ID) -> JobRun | None:
        row = await resolvers.job_run(info.context, decode_id(id, "JobRun"))
        return JobRun.from_row(row) if row is not None else None


@strawberry.type
class JobsMutation:
    @strawberry.mutation(description="Admin: run the demo job that counts to n.")
    async def start_demo_job(self, info: Info, n: int) -> JobRunPayload:
        outcome = await resolvers.start_demo_job(info.context, domain.DemoJob(n=n))
        return JobRunPayload(
            job_run=JobRun.from_row(outcome.value) if outcome.value else None,
            errors=[UserError.from_domain(error) for error in outcome.errors],
        )
