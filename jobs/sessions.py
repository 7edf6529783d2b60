"""The daily purge of ended sign-in sessions (domain/sessions.purge_ended): a session revoked
or past its lifetime for more than ENDED_RETENTION goes, with its rotated refresh tokens, so
neither table grows with every sign-in for ever. One statement; a failed run removes nothing
and the next removes them all."""

from __future__ import annotations

import procrastinate

from domain.sessions import ENDED_RETENTION, purge_ended
from jobs.app import app
from jobs.runs import RunHandle, job_run_task

TASK_NAME = "sessions.purge_ended_sessions"


@app.periodic(cron="43 3 * * *", periodic_id="sessions_purge")
@app.task(
    name=TASK_NAME,
    pass_context=True,
    queueing_lock=TASK_NAME,  # one waiting purge is enough
    retry=procrastinate.RetryStrategy(max_attempts=3, wait=60),
)
@job_run_task
async def purge_ended_sessions(run: RunHandle) -> int:
    async with run.sessions.begin() as session:
        purged = await purge_ended(session, run.now)
    await run.progress(purged, total=purged)
    await run.info(f"{purged} sessions ended more than {ENDED_RETENTION.days} days ago removed.")
    return purged
