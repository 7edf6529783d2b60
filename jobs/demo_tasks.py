"""A trivial task that shows a job run end to end: progress, the execution log, failure."""

from __future__ import annotations

import asyncio

from domain.jobs import DEMO_TASK
from jobs.app import app
from jobs.runs import RunHandle, job_run_task


class DemoFailure(RuntimeError):
    """Raised on purpose by `count_to(fail_at=...)` to show how a failure is recorded."""


# No automatic retry: a demo failure stays a failure (a lost worker is still recovered).
@app.task(name=DEMO_TASK, pass_context=True)
@job_run_task
async def count_to(
    run: RunHandle, *, n: int, step_seconds: float = 0.0, fail_at: int | None = None
) -> int:
    """Counts 1..n, one log entry and one progress update per step."""
    await run.progress(0, total=n)
    for step in range(1, n + 1):
        if step == fail_at:
            raise DemoFailure(f"asked to fail at step {step}")
        await asyncio.sleep(step_seconds)
        await run.info(f"Counted {step} of {n}.")
        await run.progress(step)
    return n
