"""K1 and issue 11: a run's progress is written (and announced to its subscribers, migration
0011) a few times a second at most, however often the task reports it; the first and the
last report are written at once, and one kept back lands with the run's outcome."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import asyncpg
import pytest

from db.events import CHANNEL
from db.models.jobs import JobRun
from db.urls import psycopg_conninfo
from jobs.runs import PROGRESS_INTERVAL_SECONDS, RunHandle, _finish
from tests.support.jobs import Sessions, run_row

STEPS = 200


@pytest.fixture
async def announced(database_url: str) -> AsyncIterator[list[dict[str, object]]]:
    """The job run events announced on the events channel while the test runs."""
    events: list[dict[str, object]] = []
    connection = await asyncpg.connect(psycopg_conninfo(database_url))

    def note(_conn: object, _pid: int, _channel: str, payload: str) -> None:
        event = json.loads(payload)
        if event["table"] == "job_run":
            events.append(event)

    await connection.add_listener(CHANNEL, note)
    try:
        yield events
    finally:
        await connection.close()


async def _run(committed: Sessions) -> RunHandle:
    async with committed.begin() as session:
        row = JobRun(task_name="demo.count_to", status="running", arguments={})
        session.add(row)
    return RunHandle(row.id, row.task_name, 1, row.created_at, None, committed)


async def test_k1_progress_reported_every_step_is_written_a_few_times_a_second(
    committed: Sessions, announced: list[dict[str, object]]
) -> None:
    run = await _run(committed)
    started = asyncio.get_running_loop().time()
    await run.progress(0, total=STEPS)
    for step in range(1, STEPS):  # as fast as it goes, for about half a second
        await asyncio.sleep(0.5 / STEPS)
        await run.progress(step)
    elapsed = asyncio.get_running_loop().time() - started
    kept_back = await run_row(committed, run.id)
    assert kept_back.progress_total == STEPS and kept_back.progress_done < STEPS - 1
    await run.progress(STEPS)  # the last: at once
    assert (await run_row(committed, run.id)).progress_done == STEPS
    await asyncio.sleep(0.2)  # the notifications' way back
    inserted, *progress = [event for event in announced if event["id"] == run.id]
    assert (inserted["done"], inserted["total"]) == (0, None)
    # The first write, one per interval at most, and the last.
    assert 2 <= len(progress) <= elapsed / PROGRESS_INTERVAL_SECONDS + 2
    assert progress[0]["done"] == 0 and progress[-1]["done"] == STEPS
    assert {event["total"] for event in progress} == {STEPS}


async def test_k1_progress_kept_back_lands_with_the_runs_outcome_in_one_event(
    committed: Sessions, announced: list[dict[str, object]]
) -> None:
    run = await _run(committed)
    await run.progress(0, total=10)
    await run.progress(7)  # within the interval: kept back
    assert (await run_row(committed, run.id)).progress_done == 0
    await _finish(committed, run, None)
    finished = await run_row(committed, run.id)
    assert (finished.status, finished.progress_done) == ("succeeded", 7)
    await asyncio.sleep(0.2)
    last = [event for event in announced if event["id"] == run.id][-1]
    assert (last["status"], last["done"], last["total"]) == ("succeeded", 7, 10)
