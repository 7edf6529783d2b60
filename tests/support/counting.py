"""Jobs of the demo counting task, deferred and committed, for the job runner's tests."""

from __future__ import annotations

from jobs.deferral import defer_with_run
from jobs.demo_tasks import count_to
from tests.support.jobs import Sessions


async def defer_count(sessions: Sessions, n: int = 1, step: float = 0.0) -> tuple[int, int]:
    """(job_run id, procrastinate job id) of a new, committed count_to job."""
    async with sessions() as session:
        run = await defer_with_run(session, count_to, n=n, step_seconds=step)
        await session.commit()
    assert run.procrastinate_job_id is not None
    return run.id, run.procrastinate_job_id
