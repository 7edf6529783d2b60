"""procrastinate's worker, steadier under load and across database outages (K2).

Two of its internal methods are overridden (procrastinate==3.10.0 is pinned;
tests/jobs/test_supervision.py proves both are still called):
- a heartbeat that fails (a pool that stayed busy past its timeout, a database that blinked)
  is logged and tried again at the next interval, instead of stopping the worker and aborting
  every job it runs;
- a job that failed only because the database was out of reach, and that its task would not
  retry, is retried after a pause (up to OUTAGE_ATTEMPTS attempts): the outage was not the
  job's fault, and tasks are idempotent.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from procrastinate import job_context, jobs
from procrastinate.retry import RetryDecision
from procrastinate.worker import Worker
from psycopg_pool import PoolTimeout

from db import outage
from jobs.app import task_sessions
from jobs.recovery import fail_lost_runs
from observability import log

OUTAGE_ATTEMPTS = 5
OUTAGE_RETRY_SECONDS = 5


def pool_exhausted(error: BaseException) -> bool:
    """A request of the job pool waited its whole timeout for a free connection."""
    return any(isinstance(link, PoolTimeout) for link in outage.causes(error))


def pool_stats(worker: Worker) -> dict[str, Any]:
    """The job pool's size and waiting requests, for the log line of an exhausted pool."""
    try:
        stats = worker.app.connector.pool.get_stats()  # type: ignore[attr-defined]
    except Exception:  # not a psycopg pool, or closed
        return {}
    keys = ("pool_max", "pool_size", "pool_available", "requests_waiting", "requests_errors")
    return {key: stats.get(key) for key in keys}


class SteadyWorker(Worker):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._failed_by_outage: set[int] = set()  # ids of jobs an outage made fail
        self.failed_beats: Counter[str] = Counter()  # by the event logged
        kwargs["worker_middleware"] = [self._note_outage, *(kwargs.get("worker_middleware") or [])]
        super().__init__(*args, **kwargs)

    async def _note_outage(
        self, call_next: Any, context: job_context.JobContext, worker: Worker
    ) -> Any:
        try:
            return await call_next()
        except Exception as error:
            if outage.is_outage(error) and context.job.id is not None:
                self._failed_by_outage.add(context.job.id)
            raise

    async def _update_heartbeat(self) -> None:
        while True:
            try:
                await super()._update_heartbeat()  # type: ignore[no-untyped-call]
            except Exception as error:
                exhausted = pool_exhausted(error)
                event = "jobs_pool_exhausted" if exhausted else "worker_heartbeat_failed"
                self.failed_beats[event] += 1
                log.error(event, worker_id=self.worker_id, error=repr(error), **pool_stats(self))

    async def _persist_job_status(
        self,
        job: jobs.Job,
        status: jobs.Status,
        retry_decision: RetryDecision | None,
        context: job_context.JobContext,
        job_result: job_context.JobResult | None,
    ) -> None:
        by_outage = job.id in self._failed_by_outage and status == jobs.Status.FAILED
        self._failed_by_outage.discard(job.id or 0)
        retry = by_outage and retry_decision is None and job.attempts + 1 < OUTAGE_ATTEMPTS
        if retry:
            retry_decision = RetryDecision(retry_in={"seconds": OUTAGE_RETRY_SECONDS})
        await super()._persist_job_status(job, status, retry_decision, context, job_result)
        if retry and job.id is not None:
            # The attempt's run could not record its end while the database was out.
            reason = f"The database was out of reach during attempt {job.attempts + 1}; retried."
            await fail_lost_runs(task_sessions(), job.id, reason)
            log.warning("job_retried_after_outage", job_id=job.id, task=job.task_name)
