"""The periodic purge of idempotency keys (K1: a job run with its log): keys older than 24
hours at the run's time go, younger ones stay."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import procrastinate
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from db.models.idempotency import IdempotencyKey
from db.models.master_data import AppUser
from jobs.idempotency import TASK_NAME, purge_expired_keys
from tests.support.jobs import Sessions, drain, log_of, runs_of
from tests.support.world import truncate_domain

NOW = dt.datetime(2030, 1, 2, 12, 0, tzinfo=dt.UTC)
AGES = {"day-old": dt.timedelta(hours=24, seconds=1), "fresh": dt.timedelta(hours=23)}


@pytest.fixture
async def keys(committed: Sessions, engine: AsyncEngine) -> AsyncIterator[None]:
    """A committed user with a key just past the retention and one within it."""
    async with committed() as session:
        user = AppUser(email="purge@example.com", name="Purge", roles=["accountant"])
        session.add(user)
        await session.flush()
        session.add_all(
            IdempotencyKey(
                user_id=user.id,
                operation="postJournal",
                key=key,
                request_hash="0" * 64,
                response={"value": None, "errors": []},
                created_at=NOW - age,
            )
            for key, age in AGES.items()
        )
        await session.commit()
    yield
    await truncate_domain(engine)


@pytest.mark.usefixtures("keys")
async def test_keys_older_than_24_hours_are_purged_by_a_periodic_run(
    committed: Sessions, jobs_app: procrastinate.App
) -> None:
    # As procrastinate's periodic deferrer does it: the schedule's timestamp as an argument.
    job_id = await purge_expired_keys.defer_async(timestamp=int(NOW.timestamp()))

    await drain(jobs_app)

    (run,) = [r for r in await runs_of(committed, TASK_NAME) if r.procrastinate_job_id == job_id]
    assert (run.status, run.progress_done, run.progress_total) == ("succeeded", 1, 1)
    assert await log_of(committed, run.id) == [
        ("info", "1 idempotency keys older than 24 hours removed.")
    ]
    async with committed() as session:
        assert list(await session.scalars(select(IdempotencyKey.key))) == ["fresh"]
