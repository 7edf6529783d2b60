"""E1 transitions and E2 approvals by mutation: each manager approves their own lines."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.expenses import ExpenseApproval, ExpenseReport
from tests.support.client import GraphQLClient, error_codes
from tests.support.expenses import (
    APPROVE,
    POST,
    REJECT,
    RETURN,
    SUBMIT,
    Setup,
    add_line,
    create_report,
    expense_setup,
    transition,
)
from tests.support.world import World

APPROVE_LINES = """
mutation($reportId: ID!, $lineIds: [ID!]!) {
  approveExpenseLines(input: {reportId: $reportId, lineIds: $lineIds}) {
    expenseReport { status lines { lineNumber approvalStatus } }
    errors { code field message }
  }
}"""
APPROVALS = """
query($id: ID!) {
  expenseReport(id: $id) {
    status
    approvals { decision reason lineNumber user { name } decidedAt }
  }
}"""


@pytest.fixture
async def setup(session: AsyncSession, world: World) -> Setup:
    return await expense_setup(session, world)


async def _two_project_report(client: GraphQLClient, setup: Setup) -> tuple[str, list[str]]:
    report_id = await create_report(client, setup)
    lines = [
        await add_line(client, setup, report_id, amount="10"),
        await add_line(
            client,
            setup,
            report_id,
            amount="20",
            projectId=setup.gid("Project", setup.fp_project.id),
        ),
    ]
    assert (await transition(client, setup, SUBMIT, report_id, "employee"))["errors"] == []
    return report_id, [line["expenseLine"]["id"] for line in lines]


async def test_e2_report_spanning_two_projects_needs_both_managers(
    client: GraphQLClient, setup: Setup
) -> None:
    report_id, (tm_line, fp_line) = await _two_project_report(client, setup)
    tokens = setup.world.tokens
    refused = await client.mutate(
        APPROVE_LINES, {"reportId": report_id, "lineIds": [fp_line]}, token=tokens["manager"]
    )
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [("FORBIDDEN", ["lineIds"])]
    first = await client.mutate(
        APPROVE_LINES, {"reportId": report_id, "lineIds": [tm_line]}, token=tokens["manager"]
    )
    assert first["expenseReport"] == {
        "status": "SUBMITTED",
        "lines": [
            {"lineNumber": 1, "approvalStatus": "APPROVED"},
            {"lineNumber": 2, "approvalStatus": "PENDING"},
        ],
    }
    again = await transition(client, setup, APPROVE, report_id, "manager")
    assert error_codes(again) == ["FORBIDDEN"]  # nothing of manager's is pending any more
    second = await transition(client, setup, APPROVE, report_id, "manager2")
    assert second["expenseReport"]["status"] == "APPROVED"
    data = await client.data(APPROVALS, {"id": report_id}, token=tokens["accountant"])
    decisions = [
        (a["decision"], a["lineNumber"], a["user"]["name"])
        for a in data["expenseReport"]["approvals"]
    ]
    assert decisions == [("APPROVED", 1, "Manager"), ("APPROVED", 2, "Manager2")]


async def test_e2_no_self_approval_unless_admin(
    client: GraphQLClient, setup: Setup, session: AsyncSession
) -> None:
    report_id = await create_report(client, setup, user="manager")
    await add_line(client, setup, report_id, user="manager")
    await transition(client, setup, SUBMIT, report_id, "manager")
    refused = await transition(client, setup, APPROVE, report_id, "manager")
    assert error_codes(refused) == ["SELF_APPROVAL"]
    assert error_codes(
        await transition(client, setup, REJECT, report_id, "manager", reason="x")
    ) == ["SELF_APPROVAL"]
    assert await session.scalar(select(ExpenseApproval.id)) is None

    admin_report = await create_report(client, setup, user="admin")
    await add_line(client, setup, admin_report, user="admin")
    await transition(client, setup, SUBMIT, admin_report, "admin")
    approved = await transition(client, setup, APPROVE, admin_report, "admin")
    assert approved["expenseReport"]["status"] == "APPROVED"


async def test_e2_employee_and_other_managers_cannot_approve(
    client: GraphQLClient, setup: Setup
) -> None:
    report_id = await create_report(client, setup)
    await add_line(client, setup, report_id)  # time-and-material project: manager's
    await transition(client, setup, SUBMIT, report_id, "employee")
    assert error_codes(await transition(client, setup, APPROVE, report_id, "employee")) == [
        "SELF_APPROVAL"
    ]
    assert error_codes(await transition(client, setup, APPROVE, report_id, "manager2")) == [
        "FORBIDDEN"
    ]
    assert error_codes(await transition(client, setup, APPROVE, report_id, "outsider")) == [
        "NOT_FOUND"
    ]


async def test_e2_line_without_project_is_approved_by_any_manager_or_accountant(
    client: GraphQLClient, setup: Setup
) -> None:
    for approver in ("manager2", "accountant"):
        report_id = await create_report(client, setup)
        await add_line(client, setup, report_id, projectId=None)
        await transition(client, setup, SUBMIT, report_id, "employee")
        approved = await transition(client, setup, APPROVE, report_id, approver)
        assert approved["expenseReport"]["status"] == "APPROVED", approver


async def test_e1_illegal_transitions_name_the_current_state(
    client: GraphQLClient, setup: Setup
) -> None:
    report_id = await create_report(client, setup)
    empty = await transition(client, setup, SUBMIT, report_id, "employee")
    assert [(e["code"], e["field"]) for e in empty["errors"]] == [("REQUIRED", ["id"])]
    await add_line(client, setup, report_id)
    for document, user in ((APPROVE, "manager"), (POST, "accountant")):
        payload = await transition(client, setup, document, report_id, user)
        assert error_codes(payload) == ["INVALID_STATE"]
        assert "is Draft" in payload["errors"][0]["message"]
    await transition(client, setup, SUBMIT, report_id, "employee")
    again = await transition(client, setup, SUBMIT, report_id, "employee")
    assert error_codes(again) == ["INVALID_STATE"]
    assert "is Submitted; this needs Draft" in again["errors"][0]["message"]


async def test_e1_reject_needs_a_reason_then_return_to_draft(
    client: GraphQLClient, setup: Setup, session: AsyncSession
) -> None:
    report_id = await create_report(client, setup)
    await add_line(client, setup, report_id)
    await transition(client, setup, SUBMIT, report_id, "employee")
    blank = await transition(client, setup, REJECT, report_id, "manager", reason="  ")
    assert [(e["code"], e["field"]) for e in blank["errors"]] == [("REQUIRED", ["reason"])]
    rejected = await transition(client, setup, REJECT, report_id, "manager", reason="No receipt")
    assert rejected["expenseReport"]["status"] == "REJECTED"
    assert rejected["expenseReport"]["rejectionReason"] == "No receipt"
    assert error_codes(await transition(client, setup, APPROVE, report_id, "manager")) == [
        "INVALID_STATE"
    ]
    returned = await transition(client, setup, RETURN, report_id, "employee", reason="Fixing")
    assert returned["expenseReport"]["status"] == "DRAFT"
    edited = await add_line(client, setup, report_id, amount="5")
    assert edited["errors"] == []
    data = await client.data(APPROVALS, {"id": report_id}, token=setup.world.tokens["manager"])
    assert [(a["decision"], a["reason"]) for a in data["expenseReport"]["approvals"]] == [
        ("REJECTED", "No receipt"),
        ("RETURNED", "Fixing"),
    ]
    report = await session.scalar(select(ExpenseReport))
    assert report is not None and report.rejection_reason is None


async def test_e1_return_resets_line_approvals(client: GraphQLClient, setup: Setup) -> None:
    report_id, _ = await _two_project_report(client, setup)
    await transition(client, setup, APPROVE, report_id, "manager")
    returned = await transition(client, setup, RETURN, report_id, "manager")
    assert returned["expenseReport"]["status"] == "DRAFT"
    await transition(client, setup, SUBMIT, report_id, "employee")
    data = await client.data(
        "query($id: ID!) { expenseReport(id: $id) { lines { approvalStatus } } }",
        {"id": report_id},
        token=setup.world.tokens["manager"],
    )
    assert data["expenseReport"]["lines"] == [{"approvalStatus": "PENDING"}] * 2
