"""Job runs through the compiled path (K1): a log entry's `entity`, the object it concerns,
reads as the reference path reads it, whatever the entry names."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from db.models.jobs import JobLogEntry, JobRun
from schema.relay import parse_id
from tests.support.client import GraphQLClient
from tests.support.expenses import create_report, expense_setup
from tests.support.read_paths import both, reference
from tests.support.world import World

__all__ = ["reference"]

RUNS = """query Runs { jobRuns { nodes { taskName log { level message
  entity { __typename id ... on ExpenseReport { number status } ... on User { email }
    ... on LegalEntity { code } } } } } }"""


async def _run(
    session: AsyncSession, world: World, entries: list[tuple[str | None, int | None]]
) -> None:
    run = JobRun(task_name="probe", legal_entity_id=world.entity_id("USPM"), status="succeeded")
    session.add(run)
    await session.flush()
    session.add_all(
        JobLogEntry(
            job_run_id=run.id, level="info", message=f"{kind} {pk}", entity_type=kind, entity_id=pk
        )
        for kind, pk in entries
    )
    await session.flush()


async def test_k1_a_log_entry_leads_to_its_object_on_both_paths(
    client: GraphQLClient, reference: GraphQLClient, session: AsyncSession, world: World
) -> None:
    setup = await expense_setup(session, world)
    report = await create_report(client, setup)
    report_pk = parse_id(report)[1]
    outsider = world.users["outsider"].id
    await _run(
        session,
        world,
        [
            ("expense_report", report_pk),  # an employee's own report: the manager sees it too
            ("app_user", outsider),  # a table whose type is named otherwise (User): null
            ("user", outsider),  # the User type's table name: the user, where visible
            ("legal_entity", world.entity_id("DEPM")),
            ("expense_report", None),
            (None, report_pk),
            ("no_such_table", 1),
        ],
    )
    for user in ("employee", "manager", "accountant", "admin", "outsider"):
        body, path = await both(client, reference, RUNS, {}, world.tokens[user])
        assert path == "compiled", body
    body, _ = await both(client, reference, RUNS, {}, world.tokens["admin"])
    entities = [entry["entity"] for entry in body["data"]["jobRuns"]["nodes"][0]["log"]]
    assert [entity and entity["__typename"] for entity in entities] == [
        *("ExpenseReport", None, "User", "LegalEntity"),
        *(None, None, None),
    ]
    # Another spelling of a table is a Node for the reference path: strawberry answers it.
    await _run(session, world, [("EXPENSE_REPORT", report_pk)])
    body, path = await both(client, reference, RUNS, {}, world.tokens["admin"])
    assert path is None and body["data"]["jobRuns"]["nodes"][1]["log"][0]["entity"], body
