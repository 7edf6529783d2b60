"""Projects of a legal entity and the look-ups other domains use to reference them (M1).

Tasks are in `projects_tasks.py`, price list assignments in `projects_price_lists.py`."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.master_data import AppUser, BillingType, Project, Role, UserLegalEntity
from domain.actors import Actor
from domain.errors import DomainError, ErrorCode
from domain.master_data import entity_by_code, get_currency
from domain.scope import callers_row, in_callers_entities
from domain.validation import require_code, require_text

# Who keeps the project master data; admins may do it too (Actor.require_role).
EDITORS = (Role.ACCOUNTANT,)


@dataclass(frozen=True)
class NewProject:
    legal_entity_code: str
    code: str
    name: str
    manager_user_id: int
    billing_type: BillingType
    currency_code: str | None = None  # the legal entity's currency when not given


@dataclass(frozen=True)
class ProjectChanges:
    project_id: int
    code: str | None = None
    name: str | None = None
    manager_user_id: int | None = None
    billing_type: BillingType | None = None


async def get_project(
    session: AsyncSession, actor: Actor, project_id: int, field: list[str]
) -> Project:
    """A project of the caller's legal entities, else NOT_FOUND (another company's is unseen)."""
    return await callers_row(
        session, actor, Project, project_id, missing="The project does not exist.", field=field
    )


async def check_manager(
    session: AsyncSession, actor: Actor, legal_entity_id: int, user_id: int, field: list[str]
) -> AppUser:
    """The manager must work in the project's legal entity (M1)."""
    entity_ids = set(
        await session.scalars(
            select(UserLegalEntity.legal_entity_id).where(
                UserLegalEntity.user_id == user_id,
                in_callers_entities(UserLegalEntity.legal_entity_id, actor),
            )
        )
    )
    # A user of none of the caller's companies is unknown to the caller.
    if not entity_ids:
        raise DomainError(ErrorCode.NOT_FOUND, "The user does not exist.", field)
    if legal_entity_id not in entity_ids:
        raise DomainError(
            ErrorCode.OTHER_LEGAL_ENTITY,
            "The manager does not work in the project's legal entity.",
            field,
        )
    user = await session.get(AppUser, user_id)
    assert user is not None  # the membership row references it
    return user


async def create_project(session: AsyncSession, actor: Actor, data: NewProject) -> Project:
    actor.require_role(*EDITORS)
    entity = await entity_by_code(session, actor, data.legal_entity_code, ["legalEntity"])
    code = require_code(data.code, ["code"])
    name = require_text(data.name, ["name"])
    currency = entity.currency_code
    if data.currency_code is not None:
        currency = (await get_currency(session, data.currency_code, ["currencyCode"])).code
    await check_manager(session, actor, entity.id, data.manager_user_id, ["managerId"])
    project = Project(
        legal_entity_id=entity.id,
        code=code,
        name=name,
        manager_user_id=data.manager_user_id,
        billing_type=data.billing_type,
        currency_code=currency,
    )
    await _check_free_code(session, project)
    session.add(project)
    await session.flush()
    return project


async def update_project(session: AsyncSession, actor: Actor, data: ProjectChanges) -> Project:
    """Code, name, manager and billing type change; legal entity and currency never do."""
    actor.require_role(*EDITORS)
    project = await get_project(session, actor, data.project_id, ["id"])
    if data.code is not None:
        project.code = require_code(data.code, ["code"])
        await _check_free_code(session, project)
    if data.name is not None:
        project.name = require_text(data.name, ["name"])
    if data.manager_user_id is not None:
        await check_manager(
            session, actor, project.legal_entity_id, data.manager_user_id, ["managerId"]
        )
        project.manager_user_id = data.manager_user_id
    if data.billing_type is not None:
        project.billing_type = data.billing_type
    await session.flush()
    return project


async def _check_free_code(session: AsyncSession, project: Project) -> None:
    taken = await session.scalar(
        select(Project.id).where(
            Project.legal_entity_id == project.legal_entity_id,
            Project.code == project.code,
            Project.id.is_distinct_from(project.id),
        )
    )
    if taken:
        raise DomainError(ErrorCode.DUPLICATE, f"Project {project.code} exists already.", ["code"])
