"""Resolvers for projects, their tasks and price lists, and the users that manage them."""

from __future__ import annotations

from sqlalchemy import ScalarSelect, any_, literal, select

from db.models.master_data import AppUser, BillingType, LegalEntity, Project, Task, UserLegalEntity
from db.models.prices import PriceList, ProjectPriceList
from domain import projects, projects_price_lists, projects_tasks
from domain.scope import in_callers_entities
from resolvers.context import Context
from resolvers.mutations import Outcome, run_mutation
from resolvers.pagination import Page, Window, keyset_page


def _entity_id(code: str) -> ScalarSelect[int]:
    return select(LegalEntity.id).where(LegalEntity.code == code.upper()).scalar_subquery()


async def projects_page(
    context: Context,
    *,
    legal_entity: str | None,
    billing_type: BillingType | None,
    manager_id: int | None,
    window: Window,
) -> Page[Project]:
    statement = select(Project).where(in_callers_entities(Project.legal_entity_id, context.actor))
    if legal_entity is not None:
        statement = statement.where(Project.legal_entity_id == _entity_id(legal_entity))
    if billing_type is not None:
        statement = statement.where(Project.billing_type == billing_type)
    if manager_id is not None:
        statement = statement.where(Project.manager_user_id == manager_id)
    return await keyset_page(context, statement, window)


async def project(context: Context, project_id: int) -> Project | None:
    return await context.loaders.by_id(Project).load(project_id)


async def users_page(
    context: Context, *, legal_entity: str | None, role: str | None, window: Window
) -> Page[AppUser]:
    """Users who work in at least one of the caller's legal entities (or in the one given)."""
    memberships = select(UserLegalEntity.user_id).where(
        in_callers_entities(UserLegalEntity.legal_entity_id, context.actor)
    )
    if legal_entity is not None:
        memberships = memberships.where(UserLegalEntity.legal_entity_id == _entity_id(legal_entity))
    statement = select(AppUser).where(AppUser.id.in_(memberships))
    if role is not None:
        statement = statement.where(literal(role) == any_(AppUser.roles))
    return await keyset_page(context, statement, window)


async def tasks_of(context: Context, project_id: int, first: int | None = None) -> list[Task]:
    return await context.loaders.children(Task, "project_id", "code", first).load(project_id)


async def manager_of(context: Context, user_id: int) -> AppUser | None:
    return await context.loaders.by_id(AppUser).load(user_id)


async def legal_entities_of_user(context: Context, user_id: int, first: int) -> list[LegalEntity]:
    """The user's legal entities among the caller's, in code order: two batched statements for
    any number of users, memberships then entities (few per user: sliced after the sort)."""
    memberships = await context.loaders.children(UserLegalEntity, "user_id").load(user_id)
    ids = [membership.legal_entity_id for membership in memberships]
    entities = await context.loaders.by_id(LegalEntity).load_many(ids)
    found = sorted((e for e in entities if e is not None), key=lambda entity: entity.code)
    return found[:first]


async def legal_entity_of(context: Context, legal_entity_id: int) -> LegalEntity | None:
    return await context.loaders.by_id(LegalEntity).load(legal_entity_id)


async def price_lists_of(
    context: Context, project_id: int, first: int | None = None
) -> list[PriceList]:
    """Two batched statements for any number of projects: assignments, then the lists."""
    loader = context.loaders.children(ProjectPriceList, "project_id", "price_list_id", first)
    assignments = await loader.load(project_id)
    lists = await context.loaders.by_id(PriceList).load_many(
        [row.price_list_id for row in assignments]
    )
    return [row for row in lists if row is not None]


async def create_project(context: Context, data: projects.NewProject) -> Outcome[Project]:
    return await run_mutation(
        context, lambda session, actor: projects.create_project(session, actor, data)
    )


async def update_project(context: Context, data: projects.ProjectChanges) -> Outcome[Project]:
    return await run_mutation(
        context, lambda session, actor: projects.update_project(session, actor, data)
    )


async def create_task(context: Context, data: projects_tasks.NewTask) -> Outcome[Task]:
    return await run_mutation(
        context, lambda session, actor: projects_tasks.create_task(session, actor, data)
    )


async def update_task(context: Context, data: projects_tasks.TaskChanges) -> Outcome[Task]:
    return await run_mutation(
        context, lambda session, actor: projects_tasks.update_task(session, actor, data)
    )


async def delete_task(context: Context, task_id: int) -> Outcome[int]:
    return await run_mutation(
        context, lambda session, actor: projects_tasks.delete_task(session, actor, task_id)
    )


async def assign_price_list(
    context: Context, project_id: int, price_list_id: int, *, assign: bool
) -> Outcome[Project]:
    """`assign` False removes the assignment."""
    operation = (
        projects_price_lists.assign_price_list
        if assign
        else projects_price_lists.unassign_price_list
    )
    return await run_mutation(
        context, lambda session, actor: operation(session, actor, project_id, price_list_id)
    )
