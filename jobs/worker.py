"""Running workers: a separate process (`python -m jobs.worker`, or `cli.py worker`) or a
worker inside the API process (`in_process_worker`, started by app.py's lifespan)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from config import Settings, get_settings
from jobs.app import open_jobs
from observability import configure_logging, log

DEFAULT_CONCURRENCY = 4
# Seconds a stopping worker lets running jobs finish before it cancels them.
SHUTDOWN_GRACE_SECONDS = 10.0


async def run_worker(
    settings: Settings,
    *,
    queues: Sequence[str] | None = None,
    concurrency: int = DEFAULT_CONCURRENCY,
    **options: Any,
) -> None:
    """Work the queues until SIGINT/SIGTERM (graceful), or a SIGKILL (recovered, K2).

    `options` go to procrastinate's worker (e.g. `update_heartbeat_interval`, `wait`).
    """
    async with open_jobs(settings) as app:
        log.info("worker_started", queues=list(queues or []) or "all", concurrency=concurrency)
        if queues:  # procrastinate: no `queues` at all means every queue
            options["queues"] = list(queues)
        await app.run_worker_async(
            concurrency=concurrency, shutdown_graceful_timeout=SHUTDOWN_GRACE_SECONDS, **options
        )


@asynccontextmanager
async def in_process_worker(
    settings: Settings, *, url: str | None = None, concurrency: int = 2
) -> AsyncIterator[None]:
    """A worker beside the API for as long as the block runs; stops gracefully after it."""
    async with open_jobs(settings, url=url) as app:
        worker = asyncio.create_task(
            app.run_worker_async(
                concurrency=concurrency,
                install_signal_handlers=False,  # the API server owns the signals
                shutdown_graceful_timeout=SHUTDOWN_GRACE_SECONDS,
            ),
            name="in-process worker",
        )
        try:
            yield
        finally:
            # Cancelling run_worker_async asks the worker to stop: it stops fetching jobs and
            # waits for the running ones (up to the grace period) before returning.
            worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await worker


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m jobs.worker", description=__doc__)
    parser.add_argument("--queue", action="append", dest="queues", help="repeatable")
    parser.add_argument("--concurrency", type=int, default=DEFAULT_CONCURRENCY)
    parser.add_argument("--heartbeat-interval", type=float, default=10.0, help="seconds")
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
            update_heartbeat_interval=arguments.heartbeat_interval,
        )
    )


if __name__ == "__main__":
    main()
