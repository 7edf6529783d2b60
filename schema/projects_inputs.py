"""Inputs and payloads of the project and task mutations (schema/projects.py)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from db.models import master_data as models
from domain import projects as domain
from domain import projects_tasks as tasks_domain
from schema.errors import UserError
from schema.projects_types import BillingType, Project, Task
from schema.relay import decode_id


@strawberry.input(description="A new project.")
class CreateProjectInput:
    legal_entity: str = strawberry.field(
        description="Code of one of your legal entities; NOT_FOUND otherwise."
    )
    code: str = strawberry.field(
        description="1-30 letters, digits, '_', '.' or '-', unique in the legal entity "
        "(DUPLICATE otherwise)."
    )
    name: str = strawberry.field(description="The project's name; REQUIRED when blank.")
    manager_id: strawberry.ID = strawberry.field(description="A User of that legal entity.")
    billing_type: BillingType = strawberry.field(  # type: ignore[valid-type]
        description="How the project is billed: it decides whether its expenses become unbilled "
        "sales (E5)."
    )
    currency_code: str | None = strawberry.field(
        default=None, description="Defaults to the legal entity's currency."
    )

    def to_domain(self) -> domain.NewProject:
        return domain.NewProject(
            legal_entity_code=self.legal_entity,
            code=self.code,
            name=self.name,
            manager_user_id=decode_id(self.manager_id, "User", "managerId"),
            billing_type=models.BillingType(self.billing_type),
            currency_code=self.currency_code,
        )


@strawberry.input(description="Omitted fields stay as they are.")
class UpdateProjectInput:
    id: strawberry.ID = strawberry.field(
        description="Global id of one of your projects; NOT_FOUND otherwise."
    )
    code: str | None = strawberry.field(
        default=None,
        description="The new code, unique in the legal entity (DUPLICATE otherwise); null keeps "
        "it.",
    )
    name: str | None = strawberry.field(default=None, description="The new name; null keeps it.")
    manager_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Global id of the new manager, a User of the project's legal entity; null "
        "keeps the manager.",
    )
    billing_type: BillingType | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="The new billing type; null keeps it."
    )

    def to_domain(self) -> domain.ProjectChanges:
        return domain.ProjectChanges(
            project_id=decode_id(self.id, "Project"),
            code=self.code,
            name=self.name,
            manager_user_id=decode_id(self.manager_id, "User", "managerId")
            if self.manager_id
            else None,
            billing_type=models.BillingType(self.billing_type) if self.billing_type else None,
        )


@strawberry.input(description="A new task of a project.")
class CreateTaskInput:
    project_id: strawberry.ID = strawberry.field(
        description="Global id of one of your projects; NOT_FOUND otherwise."
    )
    code: str = strawberry.field(
        description="1-30 letters, digits, '_', '.' or '-', unique in the project (DUPLICATE "
        "otherwise)."
    )
    name: str = strawberry.field(description="The task's name; REQUIRED when blank.")

    def to_domain(self) -> tasks_domain.NewTask:
        project_id = decode_id(self.project_id, "Project", "projectId")
        return tasks_domain.NewTask(project_id=project_id, code=self.code, name=self.name)


@strawberry.input(description="Omitted fields stay as they are.")
class UpdateTaskInput:
    id: strawberry.ID = strawberry.field(
        description="Global id of one of your tasks; NOT_FOUND otherwise."
    )
    code: str | None = strawberry.field(
        default=None,
        description="The new code, unique in the project (DUPLICATE otherwise); null keeps it.",
    )
    name: str | None = strawberry.field(default=None, description="The new name; null keeps it.")

    def to_domain(self) -> tasks_domain.TaskChanges:
        task_id = decode_id(self.id, "Task")
        return tasks_domain.TaskChanges(task_id=task_id, code=self.code, name=self.name)


@strawberry.input(description="A project and one of its legal entity's price lists.")
class ProjectPriceListInput:
    project_id: strawberry.ID = strawberry.field(
        description="Global id of one of your projects; NOT_FOUND otherwise."
    )
    price_list_id: strawberry.ID = strawberry.field(
        description="Global id of a price list of the project's legal entity "
        "(OTHER_LEGAL_ENTITY otherwise). Assigning: DUPLICATE when assigned already, "
        "OVERLAPPING_PRICE_LIST when another list of its context covers some of its dates; "
        "unassigning: NOT_FOUND when not assigned."
    )

    def to_domain(self) -> tuple[int, int]:
        return (
            decode_id(self.project_id, "Project", "projectId"),
            decode_id(self.price_list_id, "PriceList", "priceListId"),
        )


@strawberry.type(
    description="The result of `createProject`, `updateProject`, `assignProjectPriceList` and "
    "`unassignProjectPriceList`."
)
class ProjectPayload:
    project: Project | None = strawberry.field(
        description="The project as saved; null when `errors` is not empty."
    )
    errors: list[UserError] = strawberry.field(
        description="Why nothing was saved; empty on success."
    )


@strawberry.type(description="The result of `createTask` and `updateTask`.")
class TaskPayload:
    task: Task | None = strawberry.field(
        description="The task as saved; null when `errors` is not empty."
    )
    errors: list[UserError] = strawberry.field(
        description="Why nothing was saved; empty on success."
    )


@strawberry.type(description="The result of `deleteTask`.")
class DeleteTaskPayload:
    deleted_id: strawberry.ID | None = strawberry.field(
        description="Global id of the deleted task; null when `errors` is not empty."
    )
    errors: list[UserError] = strawberry.field(
        description="Why nothing was deleted (IN_USE when expenses, invoices or actuals use the "
        "task); empty on success."
    )


@strawberry.input(description="A task to remove: refused while an expense line or actual uses it.")
class DeleteTaskInput:
    id: strawberry.ID = strawberry.field(
        description="Global id of one of your tasks; NOT_FOUND otherwise, IN_USE when expenses, "
        "invoices or actuals use it."
    )


DeleteTaskArgument = Annotated[
    DeleteTaskInput, strawberry.argument(description="The task to remove.")
]
