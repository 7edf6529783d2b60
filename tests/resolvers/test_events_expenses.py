"""K3 and issue 11: an approval inbox that updates itself, and a progress bar without polling.

expenseReportStatusChanges delivers the reports each subscriber may read (M1: an employee
without an approving role only its own); jobRunStatusChanges carries the run's progress. The
app runs with its lifespan in Starlette's test client; changes commit from another connection."""

from __future__ import annotations

from contextlib import ExitStack

from starlette.testclient import TestClient

from schema.relay import encode_id
from tests.resolvers.test_events import _execute, _next, _subscribe, api
from tests.support.jobs import committed
from tests.support.journals import committed_world
from tests.support.world import World

__all__ = ["api", "committed", "committed_world"]

REPORTS = "subscription { expenseReportStatusChanges { typeName id status progress { done } } }"
JOB_RUNS = "subscription { jobRunStatusChanges { id status progress { done total } } }"
NO_PROGRESS = {"progress": None}
NEW_REPORT = """INSERT INTO expense_report (legal_entity_id, number, employee_user_id,
    currency_code, description, status) VALUES (%(entity)s, %(number)s, %(user)s, 'USD', '',
    'draft') RETURNING id"""


def _report(database_url: str, world: World, number: str, owner: str) -> int:
    entity, user = world.entity_id("USPM"), world.users[owner].id
    return _execute(database_url, NEW_REPORT, entity=entity, number=number, user=user)


def test_k3_expense_report_changes_reach_those_who_may_read_the_report(
    api: TestClient, committed_world: World, database_url: str
) -> None:
    open_socket = api.websocket_connect
    with ExitStack() as stack:
        sockets = {
            name: stack.enter_context(
                open_socket("/graphql", subprotocols=["graphql-transport-ws"])
            )
            for name in ("employee", "manager", "outsider")
        }
        for name, ws in sockets.items():
            _subscribe(ws, committed_world.tokens[name], REPORTS)
        theirs = _report(database_url, committed_world, "EXP-OTHER", "manager")
        own = _report(database_url, committed_world, "EXP-OWN", "employee")
        _execute(
            database_url,
            "UPDATE expense_report SET status = 'submitted' WHERE id = %(id)s RETURNING id",
            id=own,
        )

        def change(report: int, status: str) -> dict[str, object]:
            reference = encode_id("ExpenseReport", report)
            return {
                "typeName": "ExpenseReport",
                "id": reference,
                "status": status,
                "progress": None,
            }

        # The approver sees every report of USPM, in commit order; the employee its own only.
        manager = [_next(sockets["manager"], "expenseReportStatusChanges") for _ in range(3)]
        assert manager == [change(theirs, "DRAFT"), change(own, "DRAFT"), change(own, "SUBMITTED")]
        employee = [_next(sockets["employee"], "expenseReportStatusChanges") for _ in range(2)]
        assert employee == [change(own, "DRAFT"), change(own, "SUBMITTED")]
        # Nothing else was queued for the employee or for a user of another legal entity.
        for name in ("employee", "outsider"):
            sockets[name].send_json({"type": "ping"})
            assert sockets[name].receive_json() == {"type": "pong"}


def test_k1_job_run_changes_carry_the_runs_progress(
    api: TestClient, committed_world: World, database_url: str
) -> None:
    with api.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        _subscribe(ws, committed_world.tokens["accountant"], JOB_RUNS)
        run = _execute(
            database_url,
            "INSERT INTO job_run (task_name, status, progress_done, attempt, arguments) "
            "VALUES ('demo', 'running', 0, 1, '{}') RETURNING id",
        )
        for done in (0, 5):
            _execute(
                database_url,
                "UPDATE job_run SET progress_done = %(done)s, progress_total = 10 "
                "WHERE id = %(id)s RETURNING id",
                done=done,
                id=run,
            )
        events = [_next(ws, "jobRunStatusChanges") for _ in range(3)]
    progress = [event["progress"] for event in events]
    assert progress == [
        {"done": 0, "total": None},
        {"done": 0, "total": 10},
        {"done": 5, "total": 10},
    ]
    assert {event["id"] for event in events} == {encode_id("JobRun", run)}
