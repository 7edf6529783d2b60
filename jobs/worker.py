"""Running workers: a separate process (`python -m jobs.worker`, or `cli.py worker`) or a
worker inside the API process (`in_process_worker`, started by app.py's lifespan)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from config import Settings, get_settings
from db.urls import libpq_url, psycopg_conninfo
from jobs.app import app, open_jobs
from jobs.supervision import WorkerSupervisor
from observability import configure_logging, log

# Seconds a stopping worker lets running jobs finish before it cancels them.
SHUTDOWN_GRACE_SECONDS = 10.0


def supervisor(
    settings: Settings,
    url: str | None,
    *,
    queues: Sequence[str] | None = None,
    concurrency: int | None = None,
    **options: Any,
) -> WorkerSupervisor:
    """A supervised worker on the open App (options go to procrastinate's worker)."""
    if queues:  # procrastinate: no `queues` at all means every queue
        options["queues"] = list(queues)
    options.setdefault("update_heartbeat_interval", settings.jobs_heartbeat_seconds)
    return WorkerSupervisor(
        app,
        psycopg_conninfo(url or libpq_url(settings)),
        concurrency=concurrency or settings.jobs_concurrency,
        shutdown_graceful_timeout=SHUTDOWN_GRACE_SECONDS,
        **options,
    )


@contextlib.contextmanager
def _stopped_by_signals(supervised: WorkerSupervisor) -> Iterator[None]:
    loop = asyncio.get_running_loop()
    for number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(number, supervised.stop)
    try:
        yield
    finally:
        for number in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(number)


async def run_worker(
    settings: Settings,
    *,
    queues: Sequence[str] | None = None,
    concurrency: int | None = None,
    **options: Any,
) -> None:
    """Work the queues until SIGINT/SIGTERM (graceful), or a SIGKILL (recovered, K2); a
    worker that stops by itself (a database outage) is started again."""
    async with open_jobs(settings):
        concurrency = concurrency or settings.jobs_concurrency
        supervised = supervisor(settings, None, queues=queues, concurrency=concurrency, **options)
        log.info("worker_started", queues=list(queues or []) or "all", concurrency=concurrency)
        with _stopped_by_signals(supervised):
            await supervised.run()


@asynccontextmanager
async def in_process_worker(
    settings: Settings, *, url: str | None = None
) -> AsyncIterator[WorkerSupervisor]:
    """A supervised worker beside the API for as long as the block runs; stops gracefully
    after it."""
    async with open_jobs(settings, url=url):
        supervised = supervisor(settings, url)
        worker = asyncio.create_task(supervised.run(), name="in-process worker")
        try:
            yield supervised
        finally:
            # Cancelling asks the worker to stop: it stops fetching jobs and waits for the
            # running ones (up to the grace period) before returning.
            worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await worker


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m jobs.worker", description=__doc__)
    parser.add_argument("--queue", action="append", dest="queues", help="repeatable")
    parser.add_argument("--concurrency", type=int, default=None, help="JOBS_CONCURRENCY")
    parser.add_argument("--heartbeat-interval", type=float, default=None, help="seconds")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    arguments = _arguments(argv)
    settings = get_settings()
    configure_logging(settings.is_development)
    asyncio.run(
        run_worker(
            settings,
            queues=arguments.queues,
            concurrency=arguments.concurrency,
            update_heartbeat_interval=arguments.heartbeat_interval
            or settings.jobs_heartbeat_seconds,
        )
    )


if __name__ == "__main__":
    main()
