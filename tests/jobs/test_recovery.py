"""K2: a worker killed mid-run loses nothing: its job is retried, up to a cap."""

from __future__ import annotations

import asyncio
from pathlib import Path

import procrastinate

from db.models.jobs import JobStatus
from jobs.app import task_sessions
from jobs.deferral import defer_with_run
from jobs.demo_tasks import count_to
from jobs.recovery import recover_stalled_jobs
from tests.support.jobs import (
    Sessions,
    drain,
    eventually,
    job_state,
    log_of,
    run_row,
    runs_of,
    start_worker_process,
)


async def _defer_count(sessions: Sessions, n: int, step_seconds: float = 0.0) -> tuple[int, int]:
    """(job_run id, procrastinate job id) of a new count_to job."""
    async with sessions() as session:
        run = await defer_with_run(session, count_to, n=n, step_seconds=step_seconds)
        await session.commit()
    assert run.procrastinate_job_id is not None
    return run.id, run.procrastinate_job_id


async def _kill_worker_mid_run(
    sessions: Sessions, database_url: str, run_id: int, log_file: Path
) -> None:
    """A real worker process takes the job, counts a step, and is SIGKILLed."""
    with log_file.open("wb") as stderr:
        worker = start_worker_process(database_url, heartbeat=0.5, stderr=stderr)
        try:

            async def counting() -> bool:
                return (await run_row(sessions, run_id)).progress_done >= 1

            await eventually(counting)
        finally:
            worker.kill()  # SIGKILL: no shutdown, no chance to record anything
            worker.wait()


async def test_k2_killed_worker_job_is_retried_and_completes_in_another_worker(
    committed: Sessions, jobs_app: procrastinate.App, database_url: str, tmp_path: Path
) -> None:
    run_id, job_id = await _defer_count(committed, n=4, step_seconds=0.5)
    await _kill_worker_mid_run(committed, database_url, run_id, tmp_path / "worker.log")

    lost = await run_row(committed, run_id)
    assert lost.status == JobStatus.RUNNING and 1 <= lost.progress_done < 4
    assert await job_state(committed, job_id) == ("doing", 0)

    await asyncio.sleep(1.5)  # the dead worker's heartbeat is now older than 1 s
    recovery = await recover_stalled_jobs(task_sessions(), seconds_since_heartbeat=1.0)

    assert (recovery.retried, recovery.failed, recovery.runs_failed) == ([job_id], [], [run_id])
    assert await job_state(committed, job_id) == ("todo", 1)
    lost = await run_row(committed, run_id)
    reason = "Worker lost during attempt 1; the job is retried."
    assert (lost.status, lost.error) == (JobStatus.FAILED, reason)
    assert lost.finished_at is not None
    assert (await log_of(committed, run_id))[-1] == ("error", reason)

    await drain(jobs_app)  # a second worker

    first, retry = await runs_of(committed, count_to.name)
    assert (first.id, first.status) == (run_id, JobStatus.FAILED)
    assert (retry.status, retry.attempt, retry.progress_done) == (JobStatus.SUCCEEDED, 2, 4)
    assert retry.procrastinate_job_id == job_id
    assert await job_state(committed, job_id) == ("succeeded", 2)


async def test_k2_recovery_fails_the_job_after_the_attempt_cap(
    committed: Sessions, jobs_app: procrastinate.App
) -> None:
    run_id, job_id = await _defer_count(committed, n=1)
    # A worker that takes the job and then never beats again.
    manager = jobs_app.job_manager
    worker_id = await manager.register_worker()
    fetched = await manager.fetch_job(queues=None, worker_id=worker_id)
    assert fetched is not None and fetched.id == job_id
    await asyncio.sleep(0.2)

    recovery = await recover_stalled_jobs(
        task_sessions(), seconds_since_heartbeat=0.1, max_attempts=1
    )

    assert (recovery.retried, recovery.failed, recovery.runs_failed) == ([], [job_id], [run_id])
    assert await job_state(committed, job_id) == ("failed", 1)
    run = await run_row(committed, run_id)
    reason = "Worker lost during attempt 1 of 1; the job failed."
    assert (run.status, run.error) == (JobStatus.FAILED, reason)
    assert await log_of(committed, run_id) == [("error", reason)]
    # Nothing left to recover: a second pass finds nothing.
    again = await recover_stalled_jobs(task_sessions(), seconds_since_heartbeat=0.1)
    assert (again.retried, again.failed) == ([], [])
