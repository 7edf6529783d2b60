"""Job runs through the API (K1): scoped lists, one run with its log, the demo job."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import procrastinate
import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app import create_app
from config import Settings
from db.models.jobs import JobLogEntry, JobRun
from db.models.master_data import AppUser
from db.session import make_session_factory
from resolvers.sessions import sign_in
from schema.relay import encode_id
from tests.support.client import GraphQLClient, error_codes
from tests.support.counter import StatementCounter
from tests.support.jobs import committed, drain, jobs_app
from tests.support.read_paths import reference
from tests.support.world import World

__all__ = ["committed", "jobs_app", "reference"]  # fixtures, used by name

RUNS = """
query($status: JobStatus, $taskName: String, $first: Int, $after: String) {
  jobRuns(status: $status, taskName: $taskName, first: $first, after: $after) {
    edges { node { id taskName status log { level message } } }
    pageInfo { hasNextPage endCursor }
  }
}"""
RUN = """
query($id: ID!) {
  jobRun(id: $id) {
    id taskName status attempt error startedAt finishedAt
    progress { done total }
    log { level message entity { __typename id } }
  }
}"""
START = """
mutation($n: Int!) {
  startDemoJob(input: {n: $n}) {
    jobRun { id taskName status progress { done total } }
    errors { code field }
  }
}"""


async def _runs(session: AsyncSession, world: World) -> dict[str, JobRun]:
    """A global run, one per legal entity; the USPM one failed with two log entries."""
    runs = {
        "global": JobRun(task_name="jobs.recover_stalled", status="succeeded"),
        "USPM": JobRun(
            task_name="journals.post",
            legal_entity_id=world.entity_id("USPM"),
            status="failed",
            progress_done=1,
            progress_total=2,
            error="boom",
        ),
        "DEPM": JobRun(task_name="journals.post", legal_entity_id=world.entity_id("DEPM")),
    }
    session.add_all(runs.values())
    await session.flush()
    session.add_all(
        [
            JobLogEntry(job_run_id=runs["USPM"].id, level="info", message="Posted journal 7."),
            JobLogEntry(
                job_run_id=runs["USPM"].id,
                level="error",
                message="Line 3 failed.",
                entity_type="journal_line",
                entity_id=3,
            ),
        ]
    )
    await session.flush()
    return runs


def _tasks(data: dict[str, Any]) -> list[tuple[str, str]]:
    return [(e["node"]["taskName"], e["node"]["status"]) for e in data["jobRuns"]["edges"]]


async def test_k1_job_runs_are_scoped_to_the_callers_legal_entities(
    client: GraphQLClient, world: World, session: AsyncSession
) -> None:
    await _runs(session, world)
    admin = await client.data(RUNS, token=world.tokens["admin"])
    assert _tasks(admin) == [  # newest first
        ("journals.post", "QUEUED"),
        ("journals.post", "FAILED"),
        ("jobs.recover_stalled", "SUCCEEDED"),
    ]
    # Global runs only for admins and accountants; entity runs only for their entities.
    manager = await client.data(RUNS, token=world.tokens["manager"])
    assert _tasks(manager) == [("journals.post", "FAILED")]
    outsider = await client.data(RUNS, token=world.tokens["outsider"])
    assert _tasks(outsider) == [("journals.post", "QUEUED"), ("jobs.recover_stalled", "SUCCEEDED")]


async def test_k1_job_runs_filter_and_page(
    client: GraphQLClient, world: World, session: AsyncSession
) -> None:
    await _runs(session, world)
    token = world.tokens["admin"]
    failed = await client.data(RUNS, {"status": "FAILED"}, token=token)
    assert _tasks(failed) == [("journals.post", "FAILED")]
    posting = await client.data(RUNS, {"taskName": "journals.post", "first": 1}, token=token)
    assert _tasks(posting) == [("journals.post", "QUEUED")]  # newest first
    assert posting["jobRuns"]["pageInfo"]["hasNextPage"] is True
    after = posting["jobRuns"]["pageInfo"]["endCursor"]
    rest = await client.data(RUNS, {"taskName": "journals.post", "after": after}, token=token)
    assert _tasks(rest) == [("journals.post", "FAILED")]
    body = await client.execute(RUNS, {"first": 101}, token=token)
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_k1_job_run_shows_progress_timestamps_and_log(
    client: GraphQLClient, world: World, session: AsyncSession
) -> None:
    runs = await _runs(session, world)
    run_id = encode_id("JobRun", runs["USPM"].id)
    data = await client.data(RUN, {"id": run_id}, token=world.tokens["manager"])
    run = data["jobRun"]
    assert (run["id"], run["status"], run["attempt"], run["error"]) == (run_id, "FAILED", 1, "boom")
    assert run["progress"] == {"done": 1, "total": 2}
    assert run["log"] == [
        {"level": "INFO", "message": "Posted journal 7.", "entity": None},
        {"level": "ERROR", "message": "Line 3 failed.", "entity": None},  # no journal line 3
    ]
    # Another legal entity's run, or a global run for a project manager: null.
    for other in (runs["DEPM"], runs["global"]):
        hidden = await client.data(
            RUN, {"id": encode_id("JobRun", other.id)}, token=world.tokens["manager"]
        )
        assert hidden["jobRun"] is None
    wrong = await client.execute(RUN, {"id": encode_id("Journal", 1)}, token=world.tokens["admin"])
    assert wrong["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_k1_job_run_logs_load_in_one_statement(
    reference: GraphQLClient, world: World, session: AsyncSession, statements: StatementCounter
) -> None:
    """Strawberry's execution (`reference`; compiled reads answer with one statement)."""
    await _runs(session, world)
    statements.reset()
    data = await reference.data(RUNS, token=world.tokens["admin"])
    assert len(data["jobRuns"]["edges"]) == 3
    assert statements.count == 2  # the page, then every run's log in one batch


async def test_k1_start_demo_job_refuses_bad_input_and_writes_nothing(
    committed: Any,  # first: set up before, and torn down after, the rolled-back connection
    jobs_app: procrastinate.App,
    client: GraphQLClient,
    world: World,
    session: AsyncSession,
) -> None:
    cases = [
        (0, "OUT_OF_RANGE", "admin"),
        (1001, "OUT_OF_RANGE", "admin"),
        (3, "FORBIDDEN", "manager"),
    ]
    for n, code, user in cases:
        payload = await client.mutate(START, {"n": n}, token=world.tokens[user])
        assert payload["jobRun"] is None and error_codes(payload) == [code]
    assert await session.scalar(select(func.count()).select_from(JobRun)) == 0
    assert await jobs_app.job_manager.list_jobs_async(task="demo.count_to") == []


@pytest.fixture
async def committed_admin(engine: AsyncEngine, settings: Settings) -> AsyncIterator[str]:
    """A committed admin user (job runs reference their requester) and their token."""
    sessions = make_session_factory(engine)
    async with sessions.begin() as session:
        user = AppUser(email="jobs-admin@example.com", name="Jobs Admin", roles=["admin"])
        session.add(user)
        await session.flush()
        issued = await sign_in(session, settings, user.id)
    yield issued.access_token
    async with sessions.begin() as session:
        await session.execute(delete(JobRun).where(JobRun.requested_by_user_id == user.id))
        await session.execute(delete(AppUser).where(AppUser.id == user.id))


async def test_k1_demo_job_end_to_end_over_the_api(
    engine: AsyncEngine,
    settings: Settings,
    jobs_app: procrastinate.App,
    committed: Any,
    committed_admin: str,
) -> None:
    """Committed data this time: the worker must see what the mutation wrote."""
    async with GraphQLClient.for_app(create_app(settings, engine=engine)) as api:
        payload = await api.mutate(START, {"n": 3}, token=committed_admin)
        assert payload["errors"] == []
        started = payload["jobRun"]
        assert (started["taskName"], started["status"]) == ("demo.count_to", "QUEUED")

        await drain(jobs_app)

        data = await api.data(RUN, {"id": started["id"]}, token=committed_admin)
    run = data["jobRun"]
    assert (run["status"], run["progress"], run["attempt"]) == (
        "SUCCEEDED",
        {"done": 3, "total": 3},
        1,
    )
    assert run["startedAt"] is not None and run["finishedAt"] is not None
    assert [entry["message"] for entry in run["log"]] == [
        "Counted 1 of 3.",
        "Counted 2 of 3.",
        "Counted 3 of 3.",
    ]


async def test_k1_a_log_entry_leads_to_the_object_it_concerns(
    client: GraphQLClient, world: World, session: AsyncSession
) -> None:
    entity = world.companies["USPM"].entity
    run = JobRun(
        task_name="journals.import_from_staging",
        status="succeeded",
        arguments={},
        legal_entity_id=entity.id,
    )
    session.add(run)
    await session.flush()
    session.add_all(
        [
            JobLogEntry(
                job_run_id=run.id,
                level="info",
                message="x",
                entity_type="legal_entity",
                entity_id=entity.id,
            ),
            JobLogEntry(
                job_run_id=run.id,
                level="info",
                message="y",
                entity_type="legal_entity",
                entity_id=world.entity_id("DEPM"),
            ),
            JobLogEntry(
                job_run_id=run.id,
                level="info",
                message="z",
                entity_type="project_expense",
                entity_id=1,
            ),
        ]
    )
    await session.commit()
    query = """query($id: ID!) { jobRun(id: $id) {
      log { message entity { id ... on LegalEntity { code } } } } }"""
    data = await client.data(
        query, {"id": encode_id("JobRun", run.id)}, token=world.tokens["manager"]
    )
    entities = [entry["entity"] for entry in data["jobRun"]["log"]]
    # Another company's row stays hidden (M1); a kind that is not a Node has no object.
    assert entities == [{"id": encode_id("LegalEntity", entity.id), "code": "USPM"}, None, None]
