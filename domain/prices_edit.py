"""Creating and changing price lists and their lines (M4), by accountants and admins."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.master_data import Role
from db.models.prices import PriceContext, PriceList, ProjectPriceList
from domain.actors import Actor
from domain.errors import DomainError, ErrorCode
from domain.master_data import entity_by_code, get_currency
from domain.prices import overlaps
from domain.scope import callers_row
from domain.validation import check_date, require_text


class Keep(enum.Enum):
    """'Leave this value as it is' in a partial change, where None means 'clear it'."""

    KEEP = "keep"


KEEP = Keep.KEEP


@dataclass(frozen=True)
class NewPriceList:
    legal_entity_code: str
    name: str
    context: PriceContext
    currency_code: str
    valid_from: dt.date
    valid_to: dt.date | None = None
    is_default: bool = False


@dataclass(frozen=True)
class PriceListChanges:
    price_list_id: int
    name: str | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | Keep | None = KEEP
    is_default: bool | None = None


async def get_price_list(
    session: AsyncSession, actor: Actor, price_list_id: int, field: list[str]
) -> PriceList:
    """A price list of the caller's legal entities, else NOT_FOUND (M1)."""
    return await callers_row(
        session,
        actor,
        PriceList,
        price_list_id,
        missing="The price list does not exist.",
        field=field,
    )


async def create_price_list(session: AsyncSession, actor: Actor, data: NewPriceList) -> PriceList:
    actor.require_role(Role.ACCOUNTANT)
    entity = await entity_by_code(session, actor, data.legal_entity_code, ["legalEntity"])
    name = require_text(data.name, ["name"])
    currency = await get_currency(session, data.currency_code, ["currencyCode"])
    valid_from, valid_to = _dates(data.valid_from, data.valid_to)
    price_list = PriceList(
        legal_entity_id=entity.id,
        name=name,
        context=data.context,
        currency_code=currency.code,
        valid_from=valid_from,
        valid_to=valid_to,
        is_default=data.is_default,
    )
    await _check_free_name(session, price_list)
    await _check_overlaps(session, price_list)
    session.add(price_list)
    await session.flush()
    return price_list


async def update_price_list(
    session: AsyncSession, actor: Actor, data: PriceListChanges
) -> PriceList:
    """Name, dates and the default flag change; context and currency stay (lines use them)."""
    actor.require_role(Role.ACCOUNTANT)
    price_list = await get_price_list(session, actor, data.price_list_id, ["id"])
    valid_to = price_list.valid_to if data.valid_to is KEEP else data.valid_to
    valid_from, valid_to = _dates(data.valid_from or price_list.valid_from, valid_to)
    if data.name is not None:
        price_list.name = require_text(data.name, ["name"])
        await _check_free_name(session, price_list)
    price_list.valid_from, price_list.valid_to = valid_from, valid_to
    if data.is_default is not None:
        price_list.is_default = data.is_default
    await _check_overlaps(session, price_list)
    await session.flush()
    return price_list


def _dates(valid_from: dt.date, valid_to: dt.date | None) -> tuple[dt.date, dt.date | None]:
    check_date(valid_from, ["validFrom"])
    if valid_to is not None:
        check_date(valid_to, ["validTo"])
        if valid_to < valid_from:
            raise DomainError(
                ErrorCode.OUT_OF_RANGE, "validTo must not be before validFrom.", ["validTo"]
            )
    return valid_from, valid_to


async def _check_free_name(session: AsyncSession, price_list: PriceList) -> None:
    taken = await session.scalar(
        select(PriceList.id).where(
            PriceList.legal_entity_id == price_list.legal_entity_id,
            PriceList.name == price_list.name,
            PriceList.id.is_distinct_from(price_list.id),
        )
    )
    if taken:
        raise DomainError(
            ErrorCode.DUPLICATE, f"A price list named '{price_list.name}' exists.", ["name"]
        )


async def _check_overlaps(session: AsyncSession, price_list: PriceList) -> None:
    """Two defaults of one context, or two lists of one context on one project, must not
    share a day: otherwise which list applies (M4) would be a guess."""
    others = (
        select(PriceList.id)
        .where(PriceList.context == price_list.context)
        .where(PriceList.id.is_distinct_from(price_list.id))
        .where(overlaps(price_list.valid_from, price_list.valid_to))
    )
    if price_list.is_default and await session.scalar(
        others.where(
            PriceList.legal_entity_id == price_list.legal_entity_id, PriceList.is_default.is_(True)
        ).limit(1)
    ):
        raise DomainError(
            ErrorCode.OVERLAPPING_PRICE_LIST,
            f"Another default {price_list.context} price list covers some of these dates.",
            ["isDefault"],
        )
    if price_list.id is None:
        return
    its_projects = select(ProjectPriceList.project_id).where(
        ProjectPriceList.price_list_id == price_list.id
    )
    clash = others.join(ProjectPriceList, ProjectPriceList.price_list_id == PriceList.id).where(
        ProjectPriceList.project_id.in_(its_projects)
    )
    if await session.scalar(clash.limit(1)):
        raise DomainError(
            ErrorCode.OVERLAPPING_PRICE_LIST,
            "A project using this list has another list of its context on some of these dates.",
            ["validFrom"],
        )
