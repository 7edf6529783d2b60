"""A job worker that comes back by itself after a database outage (K2).

procrastinate's worker stops for good when one of its side tasks fails: its LISTEN connection
cannot reconnect while the database is down ("Side task listener failed ... stopping
worker"), or a heartbeat waits longer than the pool's timeout. `WorkerSupervisor` runs one
worker at a time and starts a new one, after a growing delay, whenever it stops without being
asked to, until `stop()` (or cancellation). What the stopped worker left running is queued
again as soon as the database answers (its jobs were cancelled, so they no longer run).

Each worker also holds its liveness lock (jobs/liveness.py), and is a `SteadyWorker`
(jobs/steady_worker.py): a failed heartbeat does not stop it, and a job that failed only
because the database was out of reach is retried.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

import procrastinate
from procrastinate.worker import Worker

from db import outage
from jobs.app import task_sessions
from jobs.liveness import hold_liveness_lock
from jobs.recovery import recover_jobs_of_worker
from jobs.steady_worker import SteadyWorker, pool_exhausted
from observability import log

# A worker that ran this long before it stopped starts again after the shortest delay.
STEADY_SECONDS = 60.0


class WorkerSupervisor:
    def __init__(
        self,
        app: procrastinate.App,
        conninfo: str,
        *,
        min_delay: float = 0.5,
        max_delay: float = 5.0,
        **options: Any,
    ) -> None:
        self.app = app
        self._conninfo = conninfo
        self._min_delay = min_delay
        self._max_delay = max_delay
        self._options = {"install_signal_handlers": False, **options}
        self._stopping = asyncio.Event()
        self._worker: Worker | None = None
        self._left_behind: list[int] = []  # ids of stopped workers whose jobs to re-queue
        self.state = "starting"  # running, restarting or stopped
        self.restarts = 0
        self.last_error: str | None = None
        self.down_since: float | None = None

    def status(self) -> dict[str, object]:
        """For /readyz."""
        report: dict[str, object] = {"state": self.state, "restarts": self.restarts}
        if self.state != "running" and self.last_error is not None:
            report["error"] = self.last_error
        return report

    def stop(self) -> None:
        """Stop for good: the worker finishes its running jobs (its grace period) first."""
        self._stopping.set()
        if self._worker is not None:
            self._worker.stop()  # type: ignore[no-untyped-call]

    async def run(self) -> None:
        self.app.perform_import_paths()  # type: ignore[no-untyped-call]
        delay = self._min_delay
        try:
            while not self._stopping.is_set():
                started = time.monotonic()
                error: BaseException | None = None
                try:
                    await self._requeue_left_behind()
                    await self._run_worker()
                except Exception as failure:
                    error = failure
                if self._stopping.is_set():
                    break
                if time.monotonic() - started > STEADY_SECONDS:
                    delay = self._min_delay
                self._stopped_by_itself(error, delay)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), delay)
                delay = min(delay * 2, self._max_delay)
        finally:
            self.state = "stopped"

    async def _run_worker(self) -> None:
        # The App's defaults too (jobs/app.py: no pruning of live workers at start-up).
        worker = SteadyWorker(app=self.app, **{**self.app.worker_defaults, **self._options})
        self._worker = worker
        running = asyncio.create_task(worker.run(), name="procrastinate worker")  # type: ignore[no-untyped-call]
        held = asyncio.Event()
        liveness: asyncio.Task[None] | None = None
        try:
            while worker.worker_id is None and not running.done():  # noqa: ASYNC110
                await asyncio.sleep(0.02)  # registered: its id names its liveness lock
            if self._stopping.is_set():  # asked to stop before the worker began
                worker.stop()  # type: ignore[no-untyped-call]
            if worker.worker_id is not None:
                liveness = asyncio.create_task(
                    hold_liveness_lock(self._conninfo, worker.worker_id, held)
                )
                self._running(worker.worker_id)
            await running
        finally:
            if liveness is not None:
                liveness.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await liveness
            if worker.worker_id is not None:  # it could not unregister: the database is out
                self._left_behind.append(worker.worker_id)
            self._worker = None

    def _running(self, worker_id: int) -> None:
        if self.down_since is not None:
            log.info(
                "worker_restarted",
                worker_id=worker_id,
                restarts=self.restarts,
                down_for=round(time.monotonic() - self.down_since, 2),
            )
        self.state, self.down_since = "running", None

    def _stopped_by_itself(self, error: BaseException | None, delay: float) -> None:
        self.state = "restarting"
        self.restarts += 1
        self.down_since = self.down_since or time.monotonic()
        self.last_error = repr(error) if error is not None else "the worker stopped by itself"
        if error is not None and pool_exhausted(error):
            event = "jobs_pool_exhausted"
        elif error is not None and outage.is_outage(error):
            event = "worker_database_unavailable"
        else:
            event = "worker_stopped"
        log.error(event, error=self.last_error, restart_in=delay, restarts=self.restarts)

    async def _requeue_left_behind(self) -> None:
        """Jobs of this process's stopped workers, cancelled when their worker stopped."""
        while self._left_behind:
            recovery = await recover_jobs_of_worker(task_sessions(), self._left_behind[0])
            if recovery.retried or recovery.failed:
                log.warning(
                    "worker_jobs_requeued", retried=recovery.retried, failed=recovery.failed
                )
            self._left_behind.pop(0)
