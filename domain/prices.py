"""Which price list applies and what a transaction costs or sells for (M4).

Price lists and their lines are edited in `prices_edit.py`; this module holds the rules the
expense and vendor invoice flows call: `applicable_price_list` and `price_for`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import ColumnElement, and_, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.categories import TransactionCategory
from db.models.master_data import Project, Unit
from db.models.prices import PriceContext, PriceList, PriceListLine, PricingMethod, ProjectPriceList
from domain.errors import DomainError, ErrorCode
from domain.units import convert_unit_price

PRICE_STEP = Decimal("0.000001")  # prices are NUMERIC(19,6)
FAR_FUTURE = dt.date(9999, 12, 31)


@dataclass(frozen=True)
class PriceResult:
    unit_price: Decimal
    warning: str | None
    # Where the price came from, for the caller's records; None when there is no price.
    price_list_id: int | None = None
    currency_code: str | None = None
    unit_id: int | None = None  # the unit the list keeps the price in (None: every unit)


def round_price(value: Decimal) -> Decimal:
    return value.quantize(PRICE_STEP, rounding=ROUND_HALF_UP)


def covers(date: dt.date) -> ColumnElement[bool]:
    """The price list's dates contain `date` (an open end runs forever)."""
    return and_(
        PriceList.valid_from <= date,
        or_(PriceList.valid_to.is_(None), PriceList.valid_to >= date),
    )


def overlaps(valid_from: dt.date, valid_to: dt.date | None) -> ColumnElement[bool]:
    """The price list's dates share at least one day with [valid_from, valid_to]."""
    return and_(
        PriceList.valid_from <= (valid_to or FAR_FUTURE),
        func.coalesce(PriceList.valid_to, literal(FAR_FUTURE)) >= valid_from,
    )


async def applicable_price_list(
    session: AsyncSession, *, project_id: int, context: PriceContext, date: dt.date
) -> PriceList | None:
    """The project's list of this context valid on `date`, else the legal entity's default."""
    entity_id = await session.scalar(
        select(Project.legal_entity_id).where(Project.id == project_id)
    )
    if entity_id is None:
        raise DomainError(ErrorCode.NOT_FOUND, f"Project {project_id} does not exist.")
    # Overlaps are refused when lists are assigned, so the order only breaks impossible ties.
    newest_first = (PriceList.valid_from.desc(), PriceList.id.desc())
    assigned = await session.scalar(
        select(PriceList)
        .join(ProjectPriceList, ProjectPriceList.price_list_id == PriceList.id)
        .where(ProjectPriceList.project_id == project_id, PriceList.context == context)
        .where(covers(date))
        .order_by(*newest_first)
        .limit(1)
    )
    if assigned is not None:
        return assigned
    default: PriceList | None = await session.scalar(
        select(PriceList)
        .where(PriceList.legal_entity_id == entity_id, PriceList.is_default.is_(True))
        .where(PriceList.context == context, covers(date))
        .order_by(*newest_first)
        .limit(1)
    )
    return default


async def price_for(
    session: AsyncSession,
    *,
    project_id: int,
    context: PriceContext,
    transaction_category_id: int,
    unit_id: int | None,
    date: dt.date,
    cost_unit_amount: Decimal | None,
) -> PriceResult:
    """The unit price of a transaction (M4); no list or no line gives 0 WITH a warning."""
    price_list = await applicable_price_list(
        session, project_id=project_id, context=context, date=date
    )
    if price_list is None:
        reason = f"no {context} price list applies"
        return await _no_price(session, project_id, transaction_category_id, date, reason)
    line, units = await _line_for(session, price_list.id, transaction_category_id, unit_id)
    if line is None:
        reason = f"price list '{price_list.name}' has no line for it"
        return await _no_price(session, project_id, transaction_category_id, date, reason)
    if line.pricing_method != PricingMethod.PER_UNIT and cost_unit_amount is None:
        reason = f"price list '{price_list.name}' prices at cost but the cost is unknown"
        return await _no_price(session, project_id, transaction_category_id, date, reason)
    price = _unit_price(line, cost_unit_amount, units.get(line.unit_id), units.get(unit_id))
    return PriceResult(
        round_price(price), None, price_list.id, price_list.currency_code, line.unit_id
    )


def _unit_price(
    line: PriceListLine, cost: Decimal | None, line_unit: Unit | None, unit: Unit | None
) -> Decimal:
    if line.pricing_method == PricingMethod.AT_COST and cost is not None:
        return cost
    if line.pricing_method == PricingMethod.MARKUP and cost is not None:
        assert line.markup_percent is not None  # the table's CHECK guarantees it
        return cost * (1 + line.markup_percent / 100)
    assert line.price is not None
    if line_unit is not None and unit is not None:
        # A price kept per Week applies to Days of the same group, converted (M3).
        return convert_unit_price(line.price, line_unit, unit)
    return line.price


async def _line_for(
    session: AsyncSession, price_list_id: int, category_id: int, unit_id: int | None
) -> tuple[PriceListLine | None, dict[int | None, Unit]]:
    """The best line: same unit, else one without unit, else one convertible to the unit
    (per unit) or priced from the cost (at cost, markup: the unit does not matter)."""
    lines = list(
        await session.scalars(
            select(PriceListLine)
            .where(PriceListLine.price_list_id == price_list_id)
            .where(PriceListLine.transaction_category_id == category_id)
            .order_by(PriceListLine.id)
        )
    )
    unit_ids = {line.unit_id for line in lines} | {unit_id}
    units: dict[int | None, Unit] = {
        unit.id: unit
        for unit in await session.scalars(select(Unit).where(Unit.id.in_(unit_ids - {None})))
    }
    wanted = units.get(unit_id)
    for matches in (
        lambda line: line.unit_id == unit_id,
        lambda line: line.unit_id is None,
        lambda line: (
            wanted is not None
            and line.unit_id in units
            and units[line.unit_id].unit_group_id == wanted.unit_group_id
        ),
        lambda line: line.pricing_method != PricingMethod.PER_UNIT,
    ):
        found = next((line for line in lines if matches(line)), None)
        if found is not None:
            return found, units
    return None, units


async def _no_price(
    session: AsyncSession, project_id: int, category_id: int, date: dt.date, reason: str
) -> PriceResult:
    """Price 0 with a warning that names project, category and date: never a silent 0."""
    project = await session.scalar(select(Project.code).where(Project.id == project_id))
    category = await session.scalar(
        select(TransactionCategory.code).where(TransactionCategory.id == category_id)
    )
    warning = (
        f"No price for project {project}, category {category or category_id} on "
        f"{date.isoformat()}: {reason}; priced at 0."
    )
    return PriceResult(Decimal(0), warning)
