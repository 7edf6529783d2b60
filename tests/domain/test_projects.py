"""Tasks stay while anything uses them; a task always lives in its project's legal entity (M1)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.actuals import Actual, ActualSource, ActualType
from db.models.categories import ExpenseCategory, SharedCategory, TransactionClass
from db.models.expenses import ExpenseLine, ExpenseReport, ProjectExpense
from db.models.master_data import Project, Task
from domain import projects_tasks
from domain.errors import DomainError, ErrorCode
from tests.support import projects as make
from tests.support.world import World

DAY = dt.date(2024, 3, 1)


async def _tasks(session: AsyncSession, world: World) -> tuple[Project, Task, Task, Task]:
    project = await make.project(session, world, "P1")
    admin = world.actor("admin")
    made = [
        await projects_tasks.create_task(
            session, admin, projects_tasks.NewTask(project.id, f"T{n}", f"Task {n}")
        )
        for n in (1, 2, 3)
    ]
    return project, made[0], made[1], made[2]


async def _expense_line(
    session: AsyncSession, world: World, project: Project, task: Task | None
) -> tuple[ExpenseLine, int]:
    """The smallest chain of rows an expense line needs (categories, report)."""
    entity = project.legal_entity_id
    travel = await make.category(session, "TRAVEL")
    shared = SharedCategory(
        transaction_category_id=travel.id,
        transaction_class=TransactionClass.EXPENSE,
        can_be_used_in_expense=True,
    )
    session.add(shared)
    await session.flush()
    category = ExpenseCategory(
        legal_entity_id=entity,
        code="TRV",
        name="Travel",
        shared_category_id=shared.id,
        transaction_category_id=travel.id,
    )
    report = ExpenseReport(
        legal_entity_id=entity,
        number="EXP-1",
        employee_user_id=world.users["employee"].id,
        currency_code="USD",
    )
    session.add_all([category, report])
    await session.flush()
    line = ExpenseLine(
        legal_entity_id=entity,
        report_id=report.id,
        line_number=1,
        date=DAY,
        expense_category_id=category.id,
        project_id=project.id,
        task_id=task.id if task else None,
        amount=Decimal("10"),
        currency_code="USD",
    )
    session.add(line)
    await session.flush()
    return line, travel.id


async def test_m1_task_takes_the_projects_legal_entity(session: AsyncSession, world: World) -> None:
    project, task, _, _ = await _tasks(session, world)
    assert task.legal_entity_id == project.legal_entity_id == world.entity_id("USPM")
    with pytest.raises(DomainError) as refused:
        await projects_tasks.get_task(session, world.actor("outsider"), task.id, ["taskId"])
    assert refused.value.code == ErrorCode.NOT_FOUND
    other = await make.project(session, world, "P2")
    with pytest.raises(DomainError) as refused:
        await projects_tasks.get_task(
            session, world.actor("admin"), task.id, ["taskId"], project_id=other.id
        )
    assert refused.value.code == ErrorCode.INVALID


async def test_delete_task_used_by_expense_line_or_actual_is_in_use(
    session: AsyncSession, world: World
) -> None:
    project, on_line, on_actual, unused = await _tasks(session, world)
    line, category_id = await _expense_line(session, world, project, on_line)
    posted = ProjectExpense(
        legal_entity_id=project.legal_entity_id,
        expense_line_id=line.id,
        project_id=project.id,
        transaction_category_id=category_id,
        date=DAY,
        quantity=Decimal(1),
        cost_amount=Decimal(10),
        currency_code="USD",
        chargeable=True,
    )
    session.add(posted)
    await session.flush()
    session.add(
        Actual(
            legal_entity_id=project.legal_entity_id,
            actual_type=ActualType.COST,
            transaction_class=TransactionClass.EXPENSE,
            source_type=ActualSource.EXPENSE,
            project_expense_id=posted.id,
            project_id=project.id,
            task_id=on_actual.id,
            transaction_category_id=category_id,
            transaction_date=DAY,
            quantity=Decimal(1),
            currency_code="USD",
            unit_amount=Decimal(10),
            amount=Decimal(10),
        )
    )
    await session.flush()
    admin = world.actor("admin")
    for task in (on_line, on_actual):
        with pytest.raises(DomainError) as refused:
            await projects_tasks.delete_task(session, admin, task.id)
        assert (refused.value.code, refused.value.field) == (ErrorCode.IN_USE, ["id"])
    assert await projects_tasks.delete_task(session, admin, unused.id) == unused.id
    assert await session.get(Task, on_line.id) is not None
