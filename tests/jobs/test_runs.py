"""K1: every task run is a job run with status, progress, timestamps and an execution log."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import procrastinate

from db.models.jobs import JobStatus
from jobs.deferral import defer_with_run
from jobs.demo_tasks import count_to
from jobs.recovery import TASK_NAME as RECOVERY_TASK
from jobs.recovery import recover_stalled
from tests.support.jobs import (
    Sessions,
    drain,
    eventually,
    job_state,
    log_of,
    run_row,
    runs_of,
)


async def _defer_count(sessions: Sessions, **arguments: Any) -> int:
    async with sessions() as session:
        run = await defer_with_run(session, count_to, **arguments)
        await session.commit()
    assert run.procrastinate_job_id is not None
    return run.id


async def test_k1_run_has_status_progress_timestamps_and_log(
    committed: Sessions, jobs_app: procrastinate.App
) -> None:
    run_id = await _defer_count(committed, n=3)
    queued = await run_row(committed, run_id)
    assert (queued.status, queued.started_at, queued.arguments) == ("queued", None, {"n": 3})

    await drain(jobs_app)

    run = await run_row(committed, run_id)
    assert run.status == JobStatus.SUCCEEDED
    assert (run.progress_done, run.progress_total, run.attempt, run.error) == (3, 3, 1, None)
    assert run.started_at is not None and run.finished_at is not None
    assert run.created_at <= run.started_at <= run.finished_at
    assert await log_of(committed, run_id) == [
        ("info", "Counted 1 of 3."),
        ("info", "Counted 2 of 3."),
        ("info", "Counted 3 of 3."),
    ]
    assert run.procrastinate_job_id is not None
    # procrastinate counts finished attempts.
    assert await job_state(committed, run.procrastinate_job_id) == ("succeeded", 1)


async def test_k1_failing_task_is_marked_failed_with_an_error_entry(
    committed: Sessions, jobs_app: procrastinate.App
) -> None:
    run_id = await _defer_count(committed, n=3, fail_at=2)

    await drain(jobs_app)

    run = await run_row(committed, run_id)
    assert run.status == JobStatus.FAILED
    assert run.error == "DemoFailure: asked to fail at step 2"
    assert run.progress_done == 1 and run.finished_at is not None
    assert await log_of(committed, run_id) == [
        ("info", "Counted 1 of 3."),
        ("error", "Failed: DemoFailure: asked to fail at step 2"),
    ]
    # Not swallowed: procrastinate saw the exception too.
    assert run.procrastinate_job_id is not None
    assert (await job_state(committed, run.procrastinate_job_id))[0] == "failed"


async def test_k1_progress_and_log_are_visible_while_the_job_runs(
    committed: Sessions, jobs_app: procrastinate.App
) -> None:
    run_id = await _defer_count(committed, n=4, step_seconds=0.4)
    worker = asyncio.create_task(drain(jobs_app))

    async def midway() -> bool:
        run = await run_row(committed, run_id)
        return run.status == JobStatus.RUNNING and 1 <= run.progress_done < 4

    await eventually(midway)
    assert len(await log_of(committed, run_id)) >= 1
    await worker
    assert (await run_row(committed, run_id)).status == JobStatus.SUCCEEDED


async def test_k1_worker_reports_to_the_run_of_a_request_that_commits_later(
    committed: Sessions, jobs_app: procrastinate.App
) -> None:
    """The worker may fetch the job before the deferring transaction commits."""
    async with committed() as request:
        run = await defer_with_run(request, count_to, n=1)
        worker = asyncio.create_task(drain(jobs_app))
        await asyncio.sleep(0.5)  # the worker has the job and waits for our transaction
        assert not worker.done()
        await request.commit()
    await worker
    (only,) = await runs_of(committed, count_to.name)
    assert (only.id, only.status, only.progress_done) == (run.id, JobStatus.SUCCEEDED, 1)


async def test_k1_job_of_a_rolled_back_request_still_has_its_run(
    committed: Sessions, jobs_app: procrastinate.App
) -> None:
    async with committed() as request:
        run = await defer_with_run(request, count_to, n=2)
        await request.rollback()
    await drain(jobs_app)
    (only,) = await runs_of(committed, count_to.name)
    assert (only.id, only.status, only.arguments) == (run.id, JobStatus.SUCCEEDED, {"n": 2})


async def test_k1_periodic_recovery_run_is_a_job_run(
    committed: Sessions, jobs_app: procrastinate.App
) -> None:
    # As procrastinate's periodic deferrer does it: the schedule's timestamp as an argument.
    minute = int(dt.datetime(2030, 1, 1, 12, 0, tzinfo=dt.UTC).timestamp())
    job_id = await recover_stalled.defer_async(timestamp=minute)

    await drain(jobs_app)

    # The worker's own periodic deferrer may have queued this minute's recovery too.
    (run,) = [
        r for r in await runs_of(committed, RECOVERY_TASK) if r.procrastinate_job_id == job_id
    ]
    assert (run.status, run.progress_done, run.progress_total) == ("succeeded", 0, 0)
    assert run.finished_at is not None and run.legal_entity_id is None
