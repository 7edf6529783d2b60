"""K2, workers that heal: a worker that stops by itself is started again, a failed heartbeat
or an exhausted job pool is logged without stopping the worker, and a dead worker process is
started again."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections.abc import AsyncIterator

import procrastinate
import pytest

from config import Settings
from db.urls import psycopg_conninfo
from jobs.app import open_jobs
from jobs.steady_worker import SteadyWorker
from jobs.supervision import WorkerSupervisor
from jobs.worker_process import WorkerProcess
from tests.support.counting import defer_count
from tests.support.jobs import Sessions, eventually, job_state


@pytest.fixture
async def supervised(
    jobs_app: procrastinate.App, database_url: str
) -> AsyncIterator[WorkerSupervisor]:
    supervisor = WorkerSupervisor(
        jobs_app,
        psycopg_conninfo(database_url),
        min_delay=0.05,
        concurrency=2,
        update_heartbeat_interval=0.2,
    )
    running = asyncio.create_task(supervisor.run())

    async def started() -> bool:
        return supervisor.state == "running"

    await eventually(started)
    yield supervisor
    supervisor.stop()
    await asyncio.wait_for(running, 30)
    assert supervisor.state == "stopped"


async def test_k2_a_worker_that_stops_by_itself_is_started_again_and_works(
    committed: Sessions, supervised: WorkerSupervisor
) -> None:
    assert supervised._worker is not None
    # It never prunes a worker whose heartbeat is merely late (recovery does, once it is gone).
    assert supervised._worker.stalled_worker_timeout > 24 * 3600
    # What procrastinate's worker does when one of its side tasks fails (a lost connection).
    supervised._worker.stop()  # type: ignore[no-untyped-call]

    async def restarted() -> bool:
        return supervised.state == "running" and supervised.restarts == 1

    await eventually(restarted)
    assert supervised.status() == {"state": "running", "restarts": 1}
    _, job_id = await defer_count(committed)

    async def done() -> bool:
        return (await job_state(committed, job_id))[0] == "succeeded"

    await eventually(done)


async def test_k2_exhausted_job_pool_is_logged_and_the_worker_keeps_working(
    committed: Sessions, settings: Settings, database_url: str
) -> None:
    tiny = settings.model_copy(update={"jobs_pool_size": 2, "jobs_pool_timeout_seconds": 0.2})
    async with open_jobs(tiny, url=database_url) as app:
        app.perform_import_paths()  # type: ignore[no-untyped-call]
        app.periodic_defaults = {"max_delay": 0}  # no periodic job behind the test's back
        worker = SteadyWorker(
            app=app, install_signal_handlers=False, update_heartbeat_interval=0.05
        )
        running = asyncio.create_task(worker.run())  # type: ignore[no-untyped-call]
        await eventually(lambda: _registered(worker))
        await asyncio.sleep(0.5)  # idle: what it did on starting is done
        pool = app.connector.pool  # type: ignore[attr-defined]
        taken = [await pool.getconn(), await pool.getconn()]  # every connection
        await asyncio.sleep(0.6)  # every heartbeat waits 0.2 s and times out, logged
        for connection in taken:
            await pool.putconn(connection)
        assert worker.failed_beats["jobs_pool_exhausted"] >= 1
        assert not running.done()  # still working
        _, job_id = await defer_count(committed)

        async def done() -> bool:
            return (await job_state(committed, job_id))[0] == "succeeded"

        await eventually(done)
        worker.stop()  # type: ignore[no-untyped-call]
        await asyncio.wait_for(running, 30)


async def _registered(worker: SteadyWorker) -> bool:
    return worker.worker_id is not None


def test_k2_a_dead_worker_process_is_started_again() -> None:
    process = WorkerProcess(
        [sys.executable, "-c", "import time; time.sleep(60)"], stop_seconds=5, min_delay=0.05
    )
    process.start()
    try:
        first = _wait_for_pid(process, None)
        os.kill(first, signal.SIGKILL)
        second = _wait_for_pid(process, first)
        assert second != first and process.restarts == 1
    finally:
        process.stop()


def _wait_for_pid(process: WorkerProcess, other_than: int | None) -> int:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        pid = process.pid
        if pid is not None and pid != other_than:
            return pid
        time.sleep(0.05)
    raise AssertionError("no worker process")
