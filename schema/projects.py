"""Project, task and user queries and mutations; object types are in projects_types, inputs and
payloads in projects_inputs."""

from __future__ import annotations

from typing import Annotated

import strawberry

from db.models import master_data as models
from resolvers import projects as resolvers
from resolvers.context import Info
from schema.master_data import OfLegalEntity
from schema.mutations import decoded, errors_of
from schema.orders import OrderBy, order_argument
from schema.pages import After, Before, First, Last, order_of, to_connection, window
from schema.projects_inputs import (
    CreateProjectInput,
    CreateTaskInput,
    DeleteTaskArgument,
    DeleteTaskPayload,
    ProjectPayload,
    ProjectPriceListInput,
    TaskPayload,
    UpdateProjectInput,
    UpdateTaskInput,
)
from schema.projects_types import BillingType, Project, Role, Task, User
from schema.relay import Connection, decode_id


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
