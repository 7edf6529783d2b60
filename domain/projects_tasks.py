"""Tasks of a project: same legal entity as the project (M1), deleted only when unused."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.actuals import Actual
from db.models.expenses import ExpenseLine, ProjectExpense
from db.models.master_data import Task
from db.models.vendor_invoices import SubcontractLine, VendorInvoiceLine
from domain.actors import Actor
from domain.errors import DomainError, ErrorCode
from domain.projects import EDITORS, get_project
from domain.scope import callers_row
from domain.validation import require_code, require_text

# Every row that may point at a task; a task they use must stay.
TASK_USERS = (ExpenseLine, ProjectExpense, Actual, VendorInvoiceLine, SubcontractLine)


@dataclass(frozen=True)
class NewTask:
    project_id: int
    code: str
    name: str


@dataclass(frozen=True)
class TaskChanges:
    task_id: int
    code: str | None = None
    name: str | None = None


async def get_task(
    session: AsyncSession,
    actor: Actor,
    task_id: int,
    field: list[str],
    *,
    project_id: int | None = None,
) -> Task:
    """A task of the caller's legal entities (and of `project_id` when given), else an error."""
    task = await callers_row(
        session, actor, Task, task_id, missing="The task does not exist.", field=field
    )
    if project_id is not None and task.project_id != project_id:
        raise DomainError(ErrorCode.INVALID, "The task belongs to another project.", field)
    return task


async def create_task(session: AsyncSession, actor: Actor, data: NewTask) -> Task:
    actor.require_role(*EDITORS)
    project = await get_project(session, actor, data.project_id, ["projectId"])
    task = Task(
        legal_entity_id=project.legal_entity_id,  # M1: always the project's legal entity
        project_id=project.id,
        code=require_code(data.code, ["code"]),
        name=require_text(data.name, ["name"]),
    )
    await _check_free_code(session, task)
    session.add(task)
    await session.flush()
    return task


async def update_task(session: AsyncSession, actor: Actor, data: TaskChanges) -> Task:
    actor.require_role(*EDITORS)
    task = await get_task(session, actor, data.task_id, ["id"])
    if data.code is not None:
        task.code = require_code(data.code, ["code"])
        await _check_free_code(session, task)
    if data.name is not None:
        task.name = require_text(data.name, ["name"])
    await session.flush()
    return task


async def delete_task(session: AsyncSession, actor: Actor, task_id: int) -> int:
    actor.require_role(*EDITORS)
    task = await get_task(session, actor, task_id, ["id"])
    used = or_(*(exists().where(model.task_id == task.id) for model in TASK_USERS))
    if await session.scalar(select(used)):
        raise DomainError(
            ErrorCode.IN_USE,
            f"Task {task.code} is used by expenses, invoices or actuals; it cannot be deleted.",
            ["id"],
        )
    await session.delete(task)
    await session.flush()
    return task_id


async def _check_free_code(session: AsyncSession, task: Task) -> None:
    taken = await session.scalar(
        select(Task.id).where(
            Task.project_id == task.project_id,
            Task.code == task.code,
            Task.id.is_distinct_from(task.id),
        )
    )
    if taken:
        raise DomainError(
            ErrorCode.DUPLICATE, f"Task {task.code} exists in this project.", ["code"]
        )
