"""Project, task and user queries, inputs and mutations; object types are in projects_types."""

from __future__ import annotations

from typing import Annotated

import strawberry

from db.models import master_data as models
from domain import projects as domain
from domain import projects_tasks as tasks_domain
from resolvers import projects as resolvers
from resolvers.context import Info
from schema.errors import UserError
from schema.master_data import OfLegalEntity
from schema.mutations import decoded, errors_of
from schema.orders import OrderBy, order_argument
from schema.pages import After, Before, First, Last, order_of, to_connection, window
from schema.projects_inputs import DeleteTaskArgument
from schema.projects_types import BillingType, Project, Role, Task, User
from schema.relay import Connection, decode_id


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


def _project(row: models.Project | None) -> Project | None:
    return Project.from_row(row) if row is not None else None


def _task(row: models.Task | None) -> Task | None:
    return Task.from_row(row) if row is not None else None


@strawberry.type
class ProjectsQuery:
    @strawberry.field(description="Projects of your legal entities.")
    async def projects(
        self,
        info: Info,
        legal_entity: OfLegalEntity = None,
        billing_type: Annotated[
            BillingType | None,  # type: ignore[valid-type]
            strawberry.argument(description="Only the projects billed this way."),
        ] = None,
        manager_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Only the projects this user (a User's id) manages."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        order_by: Annotated[OrderBy | None, order_argument("Project")] = None,
    ) -> Connection[Project]:
        page = await resolvers.projects_page(
            info.context,
            legal_entity=legal_entity,
            billing_type=models.BillingType(billing_type) if billing_type else None,
            manager_id=decode_id(manager_id, "User", "managerId") if manager_id else None,
            window=window("Project", first, after, last, before, order_of(order_by)),
        )
        return to_connection(page.map(Project.from_row))

    @strawberry.field(description="A project of yours; null when it is not.")
    async def project(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The project's global id.")],
    ) -> Project | None:
        return _project(await resolvers.project(info.context, decode_id(id, "Project")))

    @strawberry.field(description="Users of your legal entities, e.g. to pick a manager.")
    async def users(
        self,
        info: Info,
        legal_entity: OfLegalEntity = None,
        role: Annotated[
            Role | None,  # type: ignore[valid-type]
            strawberry.argument(description="Only the users who have this role."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        order_by: Annotated[OrderBy | None, order_argument("User")] = None,
    ) -> Connection[User]:
        role_value = models.Role(role).value if role is not None else None
        page = await resolvers.users_page(
            info.context,
            legal_entity=legal_entity,
            role=role_value,
            window=window("User", first, after, last, before, order_of(order_by)),
        )
        return to_connection(page.map(User.from_row))


@strawberry.type
class ProjectsMutation:
    @strawberry.mutation(description="Accountant: a project of a legal entity.")
    async def create_project(
        self,
        info: Info,
        input: Annotated[
            CreateProjectInput,
            strawberry.argument(description="The new project."),
        ],
    ) -> ProjectPayload:
        outcome = await decoded(
            input.to_domain, lambda data: resolvers.create_project(info.context, data)
        )
        return ProjectPayload(project=_project(outcome.value), errors=errors_of(outcome))

    @strawberry.mutation(description="Accountant: rename, recode, change manager or billing.")
    async def update_project(
        self,
        info: Info,
        input: Annotated[
            UpdateProjectInput,
            strawberry.argument(description="The project and the fields to change."),
        ],
    ) -> ProjectPayload:
        outcome = await decoded(
            input.to_domain, lambda data: resolvers.update_project(info.context, data)
        )
        return ProjectPayload(project=_project(outcome.value), errors=errors_of(outcome))

    @strawberry.mutation(description="Accountant: a task of a project.")
    async def create_task(
        self,
        info: Info,
        input: Annotated[
            CreateTaskInput,
            strawberry.argument(description="The project, code and name of the new task."),
        ],
    ) -> TaskPayload:
        outcome = await decoded(
            input.to_domain, lambda data: resolvers.create_task(info.context, data)
        )
        return TaskPayload(task=_task(outcome.value), errors=errors_of(outcome))

    @strawberry.mutation(description="Accountant: rename or recode a task.")
    async def update_task(
        self,
        info: Info,
        input: Annotated[
            UpdateTaskInput,
            strawberry.argument(description="The task and the fields to change."),
        ],
    ) -> TaskPayload:
        outcome = await decoded(
            input.to_domain, lambda data: resolvers.update_task(info.context, data)
        )
        return TaskPayload(task=_task(outcome.value), errors=errors_of(outcome))

    @strawberry.mutation(description="Accountant: remove a task no expense or actual uses.")
    async def delete_task(self, info: Info, input: DeleteTaskArgument) -> DeleteTaskPayload:
        outcome = await decoded(
            lambda: decode_id(input.id, "Task"),
            lambda pk: resolvers.delete_task(info.context, pk),
        )
        return DeleteTaskPayload(
            deleted_id=input.id if outcome.value is not None else None,
            errors=errors_of(outcome),
        )

    @strawberry.mutation(description="Accountant: a price list of the project's legal entity.")
    async def assign_project_price_list(
        self,
        info: Info,
        input: Annotated[
            ProjectPriceListInput,
            strawberry.argument(description="The project and the price list to assign to it."),
        ],
    ) -> ProjectPayload:
        outcome = await decoded(
            input.to_domain,
            lambda ids: resolvers.assign_price_list(info.context, *ids, assign=True),
        )
        return ProjectPayload(project=_project(outcome.value), errors=errors_of(outcome))

    @strawberry.mutation(description="Accountant: take a price list off the project.")
    async def unassign_project_price_list(
        self,
        info: Info,
        input: Annotated[
            ProjectPriceListInput,
            strawberry.argument(description="The project and the price list to take off it."),
        ],
    ) -> ProjectPayload:
        outcome = await decoded(
            input.to_domain,
            lambda ids: resolvers.assign_price_list(info.context, *ids, assign=False),
        )
        return ProjectPayload(project=_project(outcome.value), errors=errors_of(outcome))
