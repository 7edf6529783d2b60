"""V6 matching through the API: every refusal is a typed error on the position of its id,
with the line's matches unchanged; a foreign actual answers like a made-up id (M1)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.actuals import Actual
from db.models.master_data import Project, Task
from db.models.vendor_invoices import VendorInvoiceLine, VendorInvoiceLineMatch
from schema.relay import parse_id
from tests.support.client import GraphQLClient, error_codes
from tests.support.projects import category as new_category
from tests.support.vendor_invoices_workflow import (
    MATCH,
    Purchasing,
    invoice_with_lines,
    purchasing,
    recorded_cost,
    run,
)
from tests.support.world import TODAY, World

REVERSE = "mutation($id: ID!) { reverseActual(input: {id: $id}) { actual { id } errors { code } } }"


@pytest.fixture
async def p(session: AsyncSession, world: World) -> Purchasing:
    return await purchasing(session, world)


async def _matches(session: AsyncSession, line: VendorInvoiceLine) -> list[int]:
    rows = await session.scalars(
        select(VendorInvoiceLineMatch.actual_id)
        .where(VendorInvoiceLineMatch.invoice_line_id == line.id)
        .order_by(VendorInvoiceLineMatch.actual_id)
    )
    return list(rows)


async def _invoice_made(session: AsyncSession, p: Purchasing, line: VendorInvoiceLine) -> Actual:
    """A cost actual another vendor invoice's line made (as its confirm would)."""
    actual = Actual(
        legal_entity_id=line.legal_entity_id,
        actual_type="cost",
        transaction_class="expense",
        source_type="vendor_invoice",
        vendor_invoice_line_id=line.id,
        project_id=line.project_id,
        task_id=p.setup.tm_task.id,
        transaction_category_id=line.transaction_category_id,
        transaction_date=TODAY,
        quantity=Decimal(1),
        currency_code="EUR",
        unit_amount=Decimal(5),
        amount=Decimal(5),
    )
    session.add(actual)
    await session.commit()
    return actual


async def _refusals(
    client: GraphQLClient, session: AsyncSession, p: Purchasing
) -> tuple[VendorInvoiceLine, Actual, dict[str, tuple[int, str]]]:
    """A line with a task matched to one good cost, and a bad actual of each kind."""
    s = p.setup
    _, (line, other_line) = await invoice_with_lines(
        session, p, [{"task": s.tm_task}, {}], status="in_review"
    )
    good = await recorded_cost(session, p, "30.00", task=s.tm_task)
    task2 = Task(
        legal_entity_id=line.legal_entity_id, project_id=s.tm_project.id, code="T2", name="Two"
    )
    session.add(task2)
    other = await new_category(session, "OTHER-CAT")
    taken = await recorded_cost(session, p, "7.00", task=s.tm_task)
    reversed_ = await recorded_cost(session, p, "8.00", task=s.tm_task)
    reversal = await run(client, p, REVERSE, id=p.gid("Actual", reversed_.id))
    bad: dict[str, tuple[int, str]] = {
        "unbilled sales": (
            (await recorded_cost(session, p, "9", task=s.tm_task, actual_type="unbilled_sales")).id,
            "INVALID",
        ),
        "reversed": (reversed_.id, "ALREADY_REVERSED"),
        "other project": (
            (await recorded_cost(session, p, "9", project=s.fp_project, task=s.fp_task)).id,
            "INVALID",
        ),
        "other task": ((await recorded_cost(session, p, "9", task=task2)).id, "INVALID"),
        "no task": ((await recorded_cost(session, p, "9")).id, "INVALID"),
        "other category": (
            (await recorded_cost(session, p, "9", task=s.tm_task, category_id=other.id)).id,
            "INVALID",
        ),
        "dollars": (
            (await recorded_cost(session, p, "9", task=s.tm_task, currency="USD")).id,
            "INVALID",
        ),
        "vendor invoice": ((await _invoice_made(session, p, other_line)).id, "INVALID"),
        "matched elsewhere": (taken.id, "DUPLICATE"),
    }
    bad["reversal"] = (parse_id(reversal["actual"]["id"])[1], "INVALID_STATE")
    for target, actual in ((line, good), (other_line, taken)):
        matched = await run(
            client,
            p,
            MATCH,
            user="manager",
            lineId=p.gid("VendorInvoiceLine", target.id),
            actualIds=[p.gid("Actual", actual.id)],
        )
        assert matched["errors"] == [], matched
    return line, good, bad


async def test_v6_every_match_refusal_is_typed_and_writes_nothing(
    client: GraphQLClient, p: Purchasing, session: AsyncSession
) -> None:
    line, good, bad = await _refusals(client, session, p)
    line_id = p.gid("VendorInvoiceLine", line.id)
    for reason, (actual_id, code) in bad.items():
        ids = [p.gid("Actual", good.id), p.gid("Actual", actual_id)]
        payload = await run(client, p, MATCH, user="manager", lineId=line_id, actualIds=ids)
        assert payload["vendorInvoiceLine"] is None, reason
        assert [(e["code"], e["field"]) for e in payload["errors"]] == [
            (code, ["actualIds", "1"])
        ], reason
        assert await _matches(session, line) == [good.id], reason
    several = [p.gid("Actual", bad["dollars"][0]), p.gid("Actual", good.id)]
    several.append(p.gid("Actual", bad["reversed"][0]))
    payload = await run(client, p, MATCH, user="manager", lineId=line_id, actualIds=several)
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [
        ("INVALID", ["actualIds", "0"]),
        ("ALREADY_REVERSED", ["actualIds", "2"]),
    ]


async def test_v6_match_needs_the_manager_and_a_line_not_complete(
    client: GraphQLClient, p: Purchasing, session: AsyncSession
) -> None:
    _, (line, done) = await invoice_with_lines(
        session, p, [{}, {"verification": "complete"}], status="in_review"
    )
    actual = await recorded_cost(session, p, "10.00")
    ids = [p.gid("Actual", actual.id)]
    for user, target, code, field in (
        ("manager2", line, "FORBIDDEN", None),
        ("accountant", line, "FORBIDDEN", None),
        ("manager", done, "INVALID_STATE", ["lineId"]),
    ):
        payload = await run(
            client,
            p,
            MATCH,
            user=user,
            lineId=p.gid("VendorInvoiceLine", target.id),
            actualIds=ids,
        )
        assert [(e["code"], e["field"]) for e in payload["errors"]] == [(code, field)]
    assert await _matches(session, line) == [] and await _matches(session, done) == []


async def test_m1_a_foreign_actual_answers_exactly_like_a_made_up_id(
    client: GraphQLClient, p: Purchasing, session: AsyncSession
) -> None:
    _, (line,) = await invoice_with_lines(session, p, [{}])
    depm = Project(
        legal_entity_id=p.world.entity_id("DEPM"),
        code="DE1",
        name="German project",
        manager_user_id=p.world.users["manager"].id,
        billing_type="time_and_material",
        currency_code="EUR",
    )
    session.add(depm)
    await session.flush()
    foreign = await recorded_cost(session, p, "10.00", entity="DEPM", project=depm)

    async def answer(actual_id: int) -> dict[str, Any]:
        return await run(
            client,
            p,
            MATCH,
            user="manager",  # USPM only
            lineId=p.gid("VendorInvoiceLine", line.id),
            actualIds=[p.gid("Actual", actual_id)],
        )

    foreign_answer = await answer(foreign.id)
    assert error_codes(foreign_answer) == ["NOT_FOUND"]
    assert foreign_answer == await answer(foreign.id + 1_000_000)
    assert await _matches(session, line) == []
