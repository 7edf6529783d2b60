"""Price lists assigned to a project: they win over the legal entity's default (M4)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.master_data import Project
from db.models.prices import PriceList, ProjectPriceList
from domain.actors import Actor
from domain.errors import DomainError, ErrorCode
from domain.prices import overlaps
from domain.prices_edit import get_price_list
from domain.projects import EDITORS, get_project


async def assign_price_list(
    session: AsyncSession, actor: Actor, project_id: int, price_list_id: int
) -> Project:
    actor.require_role(*EDITORS)
    project = await get_project(session, actor, project_id, ["projectId"])
    price_list = await get_price_list(session, actor, price_list_id, ["priceListId"])
    if price_list.legal_entity_id != project.legal_entity_id:
        raise DomainError(
            ErrorCode.OTHER_LEGAL_ENTITY,
            "The price list belongs to another legal entity than the project.",
            ["priceListId"],
        )
    if await _assignment(session, project.id, price_list.id) is not None:
        raise DomainError(
            ErrorCode.DUPLICATE, "The price list is assigned already.", ["priceListId"]
        )
    # Two lists of one context on the same day would make the choice (M4) a guess.
    clash = await session.scalar(
        select(PriceList.name)
        .join(ProjectPriceList, ProjectPriceList.price_list_id == PriceList.id)
        .where(ProjectPriceList.project_id == project.id, PriceList.context == price_list.context)
        .where(overlaps(price_list.valid_from, price_list.valid_to))
        .limit(1)
    )
    if clash is not None:
        raise DomainError(
            ErrorCode.OVERLAPPING_PRICE_LIST,
            f"The project's {price_list.context} price list '{clash}' covers some of its dates.",
            ["priceListId"],
        )
    session.add(
        ProjectPriceList(
            legal_entity_id=project.legal_entity_id,
            project_id=project.id,
            price_list_id=price_list.id,
        )
    )
    await session.flush()
    return project


async def unassign_price_list(
    session: AsyncSession, actor: Actor, project_id: int, price_list_id: int
) -> Project:
    actor.require_role(*EDITORS)
    project = await get_project(session, actor, project_id, ["projectId"])
    assignment = await _assignment(session, project.id, price_list_id)
    if assignment is None:
        raise DomainError(
            ErrorCode.NOT_FOUND, "The price list is not assigned to the project.", ["priceListId"]
        )
    await session.delete(assignment)
    await session.flush()
    return project


async def _assignment(
    session: AsyncSession, project_id: int, price_list_id: int
) -> ProjectPriceList | None:
    return await session.scalar(
        select(ProjectPriceList).where(
            ProjectPriceList.project_id == project_id,
            ProjectPriceList.price_list_id == price_list_id,
        )
    )
