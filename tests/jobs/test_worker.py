"""The worker inside the API process: starts with the app, finishes running jobs on shutdown."""

from __future__ import annotations

from sqlalchemy import text

from app import create_app
from config import Settings
from db.models.jobs import JobStatus
from jobs.deferral import defer_with_run
from jobs.demo_tasks import count_to
from tests.support.jobs import Sessions, eventually, log_of, run_row


async def test_k1_api_with_run_worker_runs_jobs_and_stops_cleanly(
    committed: Sessions, settings: Settings, database_url: str
) -> None:
    api = create_app(settings.model_copy(update={"run_worker": True, "database_url": database_url}))
    async with api.router.lifespan_context(api):
        async with committed() as session:  # the lifespan opened the job runner
            run = await defer_with_run(session, count_to, n=3, step_seconds=0.3)
            await session.commit()

        async def started() -> bool:
            return (await run_row(committed, run.id)).progress_done >= 1

        await eventually(started)
    # Shutdown waited for the running job instead of abandoning it.
    finished = await run_row(committed, run.id)
    assert (finished.status, finished.progress_done) == (JobStatus.SUCCEEDED, 3)
    assert len(await log_of(committed, run.id)) == 3
    async with committed() as session:
        workers = await session.scalar(text("SELECT count(*) FROM procrastinate_workers"))
    assert workers == 0  # the worker unregistered itself
