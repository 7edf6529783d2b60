"""Outages heal by themselves: a real PostgreSQL stopped under load and started again.

While it is down, every GraphQL request answers SERVICE_UNAVAILABLE (retryable; 503 for
`application/graphql-response+json`) on both read paths, never a masked internal error, and
/readyz answers 503. Once it is back, the event listener and the in-process job worker come
back without help, the jobs queued before the outage run, and /readyz answers 200.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from app import create_app
from config import Settings
from db.events import Event
from db.session import make_engine, make_session_factory
from jobs.app import open_jobs
from jobs.deferral import defer_with_run
from jobs.demo_tasks import count_to
from tests.support.client import GraphQLClient
from tests.support.jobs import start_worker_process
from tests.support.restartable_pg import RestartableServer, database, server
from tests.support.world import World, build_world

__all__ = ["database", "server"]  # fixtures

READ = "{ legalEntities(first: 5) { nodes { code } } }"
GRAPHQL_RESPONSE = {"Accept": "application/graphql-response+json"}
JOBS = 8
OUTAGE_SECONDS = 3.0
RECOVERY_WITHIN = 30.0


@pytest.fixture
async def engine(database: str, settings: Settings) -> AsyncIterator[AsyncEngine]:
    """The test's own connections, beside the app's."""
    engine = make_engine(settings, database)
    yield engine
    await engine.dispose()


class Load:
    """Readers that keep asking while the database goes away and comes back."""

    def __init__(self, client: GraphQLClient, world: World) -> None:
        self.client = client
        self.token = world.tokens["admin"]
        self.answers: Counter[tuple[str, int, str]] = Counter()
        self._stop = asyncio.Event()

    async def ask(self, path: str) -> tuple[int, str]:
        headers = {"Authorization": f"Bearer {self.token}", **GRAPHQL_RESPONSE}
        if path == "compiled":  # POSTed queries are planned into one statement
            response = await self.client.http.post(
                "/graphql", json={"query": READ}, headers=headers
            )
        else:  # strawberry answers GET requests
            response = await self.client.http.get(
                "/graphql", params={"query": READ}, headers=headers
            )
        errors = response.json().get("errors") or [{}]
        code = str((errors[0].get("extensions") or {}).get("code", "OK"))
        self.answers[(path, response.status_code, code)] += 1
        return response.status_code, code

    async def run(self) -> None:
        while not self._stop.is_set():
            await asyncio.gather(self.ask("compiled"), self.ask("reference"))
            await asyncio.sleep(0.05)

    def stop(self) -> None:
        self._stop.set()


async def _ready(client: GraphQLClient) -> tuple[int, dict[str, Any]]:
    response = await client.http.get("/readyz")
    body: dict[str, Any] = response.json()
    return response.status_code, body


async def _until(check: Any, within: float) -> float:
    """Seconds until `check()` is true (fails after `within`)."""
    started = time.monotonic()
    while not await check():
        assert time.monotonic() - started < within, "not recovered in time"
        await asyncio.sleep(0.1)
    return time.monotonic() - started


async def _job_states(engine: AsyncEngine, job_ids: list[int]) -> list[str]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT status::text FROM procrastinate_jobs WHERE id = ANY(:ids)"),
            {"ids": job_ids},
        )
        return [row[0] for row in rows]


async def test_database_restart_under_load_heals_by_itself(
    server: RestartableServer, database: str, engine: AsyncEngine, settings: Settings
) -> None:
    configured = settings.model_copy(
        update={"database_url": database, "run_worker": True, "jobs_heartbeat_seconds": 1.0}
    )
    sessions = make_session_factory(engine)
    async with sessions() as session:
        world = await build_world(session, configured)
    api = create_app(configured)
    async with api.router.lifespan_context(api), GraphQLClient.for_app(api) as client:

        async def ready() -> bool:
            return (await _ready(client))[0] == 200

        await _until(ready, RECOVERY_WITHIN)  # the worker registers a moment after start-up
        assert (await _ready(client))[1]["checks"]["worker"] == {"state": "running", "restarts": 0}
        load = Load(client, world)
        assert await load.ask("compiled") == (200, "OK")
        assert await load.ask("reference") == (200, "OK")
        readers = asyncio.create_task(load.run())
        job_runs = api.state.events.subscribe(lambda event: event.table == "job_run")

        async with sessions() as session:  # some start before the outage, some wait
            runs = [
                await defer_with_run(session, count_to, n=3, step_seconds=0.3) for _ in range(JOBS)
            ]
            await session.commit()
        job_ids = [run.procrastinate_job_id for run in runs if run.procrastinate_job_id]
        await asyncio.sleep(0.4)
        await asyncio.to_thread(server.stop)

        # During the outage: typed, retryable errors, and not ready.
        await asyncio.sleep(OUTAGE_SECONDS)
        assert await load.ask("compiled") == (503, "SERVICE_UNAVAILABLE")
        assert await load.ask("reference") == (503, "SERVICE_UNAVAILABLE")
        plain = await client.http.post(
            "/graphql", json={"query": READ}, headers={"Authorization": f"Bearer {load.token}"}
        )
        assert plain.status_code == 200  # application/json: 200 with the typed error
        assert plain.json()["errors"][0]["extensions"] == {
            "code": "SERVICE_UNAVAILABLE",
            "retryable": True,
        }
        status, body = await _ready(client)
        assert status == 503
        assert body["checks"]["database"]["state"] == "down"
        assert body["checks"]["listener"]["state"] == "reconnecting"
        assert body["checks"]["worker"]["state"] in ("running", "restarting")

        await asyncio.to_thread(server.start)
        back = time.monotonic()

        async def jobs_done() -> bool:
            return await _job_states(engine, job_ids) == ["succeeded"] * JOBS

        ready_after = await _until(ready, RECOVERY_WITHIN)
        await _until(jobs_done, RECOVERY_WITHIN)
        jobs_after = time.monotonic() - back
        load.stop()
        await readers

    # The listener came back and delivers again: the jobs' runs that ended after the restart.
    delivered: list[Event] = []
    while not job_runs.queue.empty():
        delivered.append(job_runs.queue.get_nowait())
    assert any(event.status == "succeeded" for event in delivered)
    assert api.state.events.reconnects >= 1
    assert api.state.worker.restarts >= 1
    answers = load.answers
    assert not [key for key in answers if key[1] >= 500 and key[2] != "SERVICE_UNAVAILABLE"]
    assert not [key for key in answers if key[2] == "INTERNAL_SERVER_ERROR"]
    assert {code for (_, _, code) in answers} <= {"OK", "SERVICE_UNAVAILABLE"}
    print(  # the figures of the report (pytest -s)
        f"\nrecovery after the database was back: /readyz 200 in {ready_after:.2f} s, "
        f"{JOBS} queued jobs done in {jobs_after:.2f} s; answers: {dict(answers)}"
    )


async def test_worker_process_comes_back_after_a_database_restart(
    server: RestartableServer,
    database: str,
    engine: AsyncEngine,
    settings: Settings,
    tmp_path: Any,
) -> None:
    """`cli.py run`'s worker process (`python -m jobs.worker`): its worker stops when the
    database goes, starts again when it is back, and runs what was queued meanwhile."""
    sessions = make_session_factory(engine)
    log_file = tmp_path / "worker.log"
    with log_file.open("wb") as stderr:
        worker = start_worker_process(database, heartbeat=0.5, stderr=stderr)
        try:

            async def registered() -> bool:
                async with engine.connect() as conn:
                    workers = await conn.scalar(text("SELECT count(*) FROM procrastinate_workers"))
                return bool(workers)

            await _until(registered, RECOVERY_WITHIN)
            await asyncio.to_thread(server.stop)
            await asyncio.sleep(OUTAGE_SECONDS)
            await asyncio.to_thread(server.start)
            back = time.monotonic()
            async with open_jobs(settings, url=database), sessions() as session:
                run = await defer_with_run(session, count_to, n=1)
                await session.commit()
            job_id = run.procrastinate_job_id
            assert job_id is not None

            async def done() -> bool:
                return await _job_states(engine, [job_id]) == ["succeeded"]

            await _until(done, RECOVERY_WITHIN)
            took = time.monotonic() - back
            print(f"\nworker process: a job queued after the restart done in {took:.2f} s")

            async def restarted() -> bool:  # its worker stopped when a side task failed
                return b"worker_restarted" in log_file.read_bytes()

            await _until(restarted, RECOVERY_WITHIN)
            assert worker.poll() is None  # the same process: it never exited
        finally:
            worker.terminate()
            worker.wait(30)
