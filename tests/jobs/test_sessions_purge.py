"""The daily purge of ended sessions (issue 12; K1: a job run with its log): sessions revoked or
past their lifetime for more than seven days at the run's time go, with their rotated refresh
tokens; open ones, and ones ended more recently, stay."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import AsyncIterator

import procrastinate
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from db.models.master_data import AppUser
from db.models.sessions import RotatedRefreshToken, UserSession
from jobs.sessions import TASK_NAME, purge_ended_sessions
from tests.support.jobs import Sessions, drain, log_of, runs_of
from tests.support.world import truncate_domain

NOW = dt.datetime(2030, 1, 10, 3, 43, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)
# name -> (expires_at, revoked_at)
SESSIONS = {
    "open": (NOW + 20 * DAY, None),
    "expired 8 days ago": (NOW - 8 * DAY, None),
    "expired 6 days ago": (NOW - 6 * DAY, None),
    "revoked 8 days ago": (NOW + 10 * DAY, NOW - 8 * DAY),
    "revoked yesterday": (NOW + 10 * DAY, NOW - DAY),
}


def _hash(text: str) -> bytes:
    return hashlib.sha256(text.encode()).digest()


@pytest.fixture
async def sessions(committed: Sessions, engine: AsyncEngine) -> AsyncIterator[dict[str, uuid.UUID]]:
    """A committed user with one session of each kind, each with a rotated refresh token."""
    ids = {name: uuid.uuid4() for name in SESSIONS}
    async with committed() as session:
        user = AppUser(email="sessions@example.com", name="Sessions", roles=["employee"])
        session.add(user)
        await session.flush()
        for name, (expires_at, revoked_at) in SESSIONS.items():
            session.add(
                UserSession(
                    id=ids[name],
                    user_id=user.id,
                    refresh_token_hash=_hash(name),
                    expires_at=expires_at,
                    last_used_at=NOW - 30 * DAY,
                    revoked_at=revoked_at,
                    revoked_because=None if revoked_at is None else "signed_out",
                )
            )
        await session.flush()
        session.add_all(
            RotatedRefreshToken(
                token_hash=_hash(f"old {name}"), session_id=ids[name], rotated_at=NOW - 30 * DAY
            )
            for name in SESSIONS
        )
        await session.commit()
    yield ids
    await truncate_domain(engine)


async def test_sessions_ended_more_than_a_week_ago_are_purged_by_a_periodic_run(
    committed: Sessions, jobs_app: procrastinate.App, sessions: dict[str, uuid.UUID]
) -> None:
    job_id = await purge_ended_sessions.defer_async(timestamp=int(NOW.timestamp()))

    await drain(jobs_app)

    (run,) = [r for r in await runs_of(committed, TASK_NAME) if r.procrastinate_job_id == job_id]
    assert (run.status, run.progress_done, run.progress_total) == ("succeeded", 2, 2)
    assert await log_of(committed, run.id) == [
        ("info", "2 sessions ended more than 7 days ago removed.")
    ]
    kept = {"open", "expired 6 days ago", "revoked yesterday"}
    async with committed() as session:
        left = set(await session.scalars(select(UserSession.id)))
        rotated = set(await session.scalars(select(RotatedRefreshToken.session_id)))
        assert await session.scalar(select(func.count()).select_from(RotatedRefreshToken)) == 3
    assert left == rotated == {sessions[name] for name in kept}
