"""Real worker processes (`python -m jobs.worker`) for the posting benchmark, and waiting.

The workers also run the periodic tasks (procrastinate defers due ones at start-up), so they
are started on a database without pending work, drained, and a benchmark keeps clear of the
next batch-posting tick (cron */10) so that only the job it defers posts the journals.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from common import ROOT
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

TIMEOUT_SECONDS = 900.0
UNFINISHED_JOBS = "SELECT count(*) FROM procrastinate_jobs WHERE status IN ('todo', 'doing')"
FAILED_JOBS = "SELECT count(*) FROM procrastinate_jobs WHERE status = 'failed'"


async def count(session: AsyncSession, sql: str) -> int:
    value = int(await session.scalar(text(sql)) or 0)
    await session.commit()  # each poll sees the latest committed state
    return value


async def wait_for(session: AsyncSession, sql: str, target: int, what: str) -> None:
    """Poll every 0.1 s until `sql` counts at least `target`; stop on a failed job."""
    deadline = time.perf_counter() + TIMEOUT_SECONDS
    while await count(session, sql) < target:
        if await count(session, FAILED_JOBS):
            raise SystemExit(f"a job failed while waiting for {what}")
        if time.perf_counter() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        await asyncio.sleep(0.1)


async def drain(session: AsyncSession) -> None:
    """Until no job is queued or running (the workers' start-up periodic runs, say)."""
    await asyncio.sleep(1.0)
    deadline = time.perf_counter() + TIMEOUT_SECONDS
    while await count(session, UNFINISHED_JOBS):
        if time.perf_counter() > deadline:
            raise SystemExit("timed out waiting for the queue to drain")
        await asyncio.sleep(0.2)


async def clear_of_batch_tick(session: AsyncSession, margin_seconds: float) -> None:
    """Wait past the next */10-minute tick when it is closer than the margin, then drain."""
    now = dt.datetime.now()
    tick = now.replace(minute=now.minute // 10 * 10, second=0, microsecond=0)
    until = (tick + dt.timedelta(minutes=10) - now).total_seconds()
    if until < margin_seconds:
        print(f"(waiting {until:.0f} s for the periodic batch-posting tick to pass)")
        await asyncio.sleep(until + 3)
        await drain(session)


def _start(url: str, log_dir: Path, count: int, concurrency: int) -> list[subprocess.Popen[bytes]]:
    env = {**os.environ, "DATABASE_URL": url}
    command = [sys.executable, "-m", "jobs.worker", "--concurrency", str(concurrency)]
    processes = []
    for index in range(count):
        with open(log_dir / f"worker{index}.log", "wb") as log:
            processes.append(
                subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
            )
    return processes


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@asynccontextmanager
async def worker_processes(
    session: AsyncSession, url: str, *, count: int = 2, concurrency: int = 1
) -> AsyncIterator[None]:
    """`count` workers on `url`, registered and idle; stopped (SIGTERM) afterwards."""
    with tempfile.TemporaryDirectory(prefix="bench-workers-") as directory:
        log_dir = Path(directory)
        processes = _start(url, log_dir, count, concurrency)
        try:
            registered = "SELECT count(*) FROM procrastinate_workers"
            await wait_for(session, registered, count, "the workers to register")
            await drain(session)
            yield
        finally:
            _stop(processes)
            _show_errors(log_dir)


def _show_errors(log_dir: Path) -> None:
    for log in sorted(log_dir.iterdir()):
        content = log.read_text(errors="replace")
        if "Traceback" in content or "error" in content.lower():
            print(f"--- {log.name} (last 3000 characters) ---\n{content[-3000:]}")
