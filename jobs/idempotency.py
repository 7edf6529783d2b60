"""The hourly purge of idempotency keys past their retention (domain/idempotency.py).

A key is kept at least RETENTION (24 hours): the purge removes those older than that at the
run's business time, in one statement; a run that fails removes nothing and the next run
removes them all.
"""

from __future__ import annotations

import procrastinate

from domain.idempotency import RETENTION, purge_expired
from jobs.app import app
from jobs.runs import RunHandle, job_run_task

TASK_NAME = "idempotency.purge_expired_keys"


@app.periodic(cron="17 * * * *", periodic_id="idempotency_purge")
@app.task(
    name=TASK_NAME,
    pass_context=True,
    # Two purges at once do no harm, but one waiting is enough.
    queueing_lock=TASK_NAME,
    retry=procrastinate.RetryStrategy(max_attempts=3, wait=60),
)
@job_run_task
async def purge_expired_keys(run: RunHandle) -> int:
    async with run.sessions.begin() as session:
        purged = await purge_expired(session, run.now)
    await run.progress(purged, total=purged)
    hours = int(RETENTION.total_seconds() // 3600)
    await run.info(f"{purged} idempotency keys older than {hours} hours removed.")
    return purged
