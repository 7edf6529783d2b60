"""K2, the stalled-job rule: a worker whose heartbeat is late but who is alive keeps its job;
a gone one's job is queued again exactly once."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import AsyncIterator

import procrastinate
import pytest

from db.models.jobs import JobStatus
from db.urls import psycopg_conninfo
from jobs.app import task_sessions
from jobs.demo_tasks import count_to
from jobs.liveness import hold_liveness_lock
from jobs.recovery import recover_jobs_of_worker, recover_stalled_jobs
from tests.support.counting import defer_count
from tests.support.jobs import (
    Sessions,
    eventually,
    job_state,
    run_row,
    runs_of,
    start_worker_process,
)


async def _taken_by_a_worker(jobs_app: procrastinate.App, job_id: int) -> int:
    """A worker registers and takes the job, then never beats again (its loop is busy)."""
    manager = jobs_app.job_manager
    worker_id = await manager.register_worker()
    fetched = await manager.fetch_job(queues=None, worker_id=worker_id)
    assert fetched is not None and fetched.id == job_id
    return worker_id


@pytest.fixture
async def worker_lock(
    database_url: str,
) -> AsyncIterator[tuple[asyncio.Event, list[asyncio.Task[None]]]]:
    """Holders of liveness locks the test starts; cancelled after it."""
    held = asyncio.Event()
    holders: list[asyncio.Task[None]] = []
    yield held, holders
    for holder in holders:
        holder.cancel()
    await asyncio.gather(*holders, return_exceptions=True)


async def test_k2_live_worker_with_late_heartbeat_keeps_its_job_dead_one_is_requeued_once(
    committed: Sessions,
    jobs_app: procrastinate.App,
    database_url: str,
    worker_lock: tuple[asyncio.Event, list[asyncio.Task[None]]],
) -> None:
    run_id, job_id = await defer_count(committed)
    worker_id = await _taken_by_a_worker(jobs_app, job_id)
    held, holders = worker_lock
    holders.append(
        asyncio.create_task(hold_liveness_lock(psycopg_conninfo(database_url), worker_id, held))
    )
    await asyncio.wait_for(held.wait(), 10)
    await asyncio.sleep(0.3)  # the heartbeat is now far older than the threshold below

    alive = await recover_stalled_jobs(task_sessions(), seconds_since_heartbeat=0.1)
    assert (alive.retried, alive.failed) == ([], [])
    assert await job_state(committed, job_id) == ("doing", 0)
    assert (await run_row(committed, run_id)).status != JobStatus.FAILED

    holders[0].cancel()  # the worker dies: its connection, and so its lock, goes
    await asyncio.gather(*holders, return_exceptions=True)

    async def recovered() -> list[int]:
        passes = await asyncio.gather(
            recover_stalled_jobs(task_sessions(), seconds_since_heartbeat=0.1),
            recover_stalled_jobs(task_sessions(), seconds_since_heartbeat=0.1),
        )
        return [job for recovery in passes for job in recovery.retried]

    assert await eventually(recovered, within=10) == [job_id]  # by one of the two passes
    assert await job_state(committed, job_id) == ("todo", 1)
    again = await recover_stalled_jobs(task_sessions(), seconds_since_heartbeat=0.1)
    assert (again.retried, again.failed) == ([], [])
    assert (await run_row(committed, run_id)).status == JobStatus.FAILED


async def test_k2_worker_process_paused_past_its_heartbeat_keeps_its_job_and_runs_it_once(
    committed: Sessions, jobs_app: procrastinate.App, database_url: str
) -> None:
    """A real worker process stopped (SIGSTOP: its loop cannot beat) while it runs a job."""
    run_id, job_id = await defer_count(committed, n=3, step=0.3)
    worker = start_worker_process(database_url, heartbeat=0.2)
    try:

        async def counting() -> bool:
            return (await run_row(committed, run_id)).progress_done >= 1

        await eventually(counting)
        os.kill(worker.pid, signal.SIGSTOP)
        await asyncio.sleep(1.5)  # seven missed beats
        recovery = await recover_stalled_jobs(task_sessions(), seconds_since_heartbeat=0.5)
        assert (recovery.retried, recovery.failed) == ([], [])
        os.kill(worker.pid, signal.SIGCONT)

        async def done() -> bool:
            return (await job_state(committed, job_id))[0] == "succeeded"

        await eventually(done)
    finally:
        worker.terminate()
        worker.wait(30)
    (only,) = await runs_of(committed, count_to.name)
    assert (only.id, only.status, only.attempt, only.progress_done) == (
        run_id,
        JobStatus.SUCCEEDED,
        1,
        3,
    )


async def test_k2_jobs_of_a_stopped_worker_of_this_process_are_requeued_at_once(
    committed: Sessions, jobs_app: procrastinate.App
) -> None:
    run_id, job_id = await defer_count(committed)
    worker_id = await _taken_by_a_worker(jobs_app, job_id)
    # Its heartbeat is fresh: only its supervisor knows it stopped.
    recovery = await recover_jobs_of_worker(task_sessions(), worker_id)
    assert (recovery.retried, recovery.runs_failed) == ([job_id], [run_id])
    assert await job_state(committed, job_id) == ("todo", 1)
    workers = await jobs_app.job_manager.list_jobs_async(worker_id=worker_id)
    assert list(workers) == []  # the worker row is gone, and its job no longer names it
