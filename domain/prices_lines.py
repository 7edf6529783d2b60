"""Lines of a price list: (transaction category, unit) -> how the price is found (M4)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.categories import TransactionCategory
from db.models.master_data import Role
from db.models.prices import PriceContext, PriceList, PriceListLine, PricingMethod
from domain.actors import Actor
from domain.errors import DomainError, ErrorCode
from domain.prices import round_price
from domain.prices_edit import get_price_list
from domain.scope import callers_row
from domain.units import get_unit
from domain.validation import check_decimal

MAX_PRICE = Decimal("9999999999999")  # NUMERIC(19,6) keeps 13 integer digits


def check_pricing(
    price_list: PriceList,
    method: PricingMethod,
    price: Decimal | None,
    markup_percent: Decimal | None,
) -> tuple[Decimal | None, Decimal | None]:
    """(price, markup_percent) as the method needs them; the other one must be absent."""
    if method != PricingMethod.PER_UNIT and price_list.context != PriceContext.SALES:
        raise DomainError(
            ErrorCode.INVALID,
            f"Only sales price lists price at cost or with a markup, not {price_list.context}.",
            ["pricingMethod"],
        )
    # per unit needs a price, markup a percentage, at cost neither.
    needed = {PricingMethod.PER_UNIT: "price", PricingMethod.MARKUP: "markupPercent"}.get(method)
    for name, value in (("price", price), ("markupPercent", markup_percent)):
        if value is None and name == needed:
            raise DomainError(ErrorCode.REQUIRED, f"{method} pricing needs {name}.", [name])
        if value is not None and name != needed:
            raise DomainError(ErrorCode.INVALID, f"{method} pricing takes no {name}.", [name])
        if value is not None:
            check_decimal(value, [name], places=6, maximum=MAX_PRICE)
    return _stored(price), _stored(markup_percent)


def _stored(value: Decimal | None) -> Decimal | None:
    """The value at the column's scale, as a read-back would show it (exact: checked above)."""
    return round_price(value) if value is not None else None


@dataclass(frozen=True)
class NewPriceListLine:
    price_list_id: int
    transaction_category_id: int
    unit_id: int | None
    pricing_method: PricingMethod
    price: Decimal | None = None
    markup_percent: Decimal | None = None


@dataclass(frozen=True)
class PriceListLineChanges:
    """The line's pricing, replaced as a whole (the method decides which number it needs)."""

    line_id: int
    pricing_method: PricingMethod
    price: Decimal | None = None
    markup_percent: Decimal | None = None


async def get_price_list_line(
    session: AsyncSession, actor: Actor, line_id: int, field: list[str]
) -> PriceListLine:
    return await callers_row(
        session,
        actor,
        PriceListLine,
        line_id,
        missing="The price list line does not exist.",
        field=field,
    )


async def add_price_list_line(
    session: AsyncSession, actor: Actor, data: NewPriceListLine
) -> PriceListLine:
    actor.require_role(Role.ACCOUNTANT)
    price_list = await get_price_list(session, actor, data.price_list_id, ["priceListId"])
    price, markup = check_pricing(price_list, data.pricing_method, data.price, data.markup_percent)
    category = await _category_with_unit(session, data.transaction_category_id, data.unit_id)
    taken = await session.scalar(
        select(PriceListLine.id).where(
            PriceListLine.price_list_id == price_list.id,
            PriceListLine.transaction_category_id == category.id,
            PriceListLine.unit_id.is_not_distinct_from(data.unit_id),
        )
    )
    if taken:
        raise DomainError(
            ErrorCode.DUPLICATE,
            f"The list has a line for category {category.code} in this unit already.",
            ["transactionCategoryId"],
        )
    line = PriceListLine(
        legal_entity_id=price_list.legal_entity_id,
        price_list_id=price_list.id,
        transaction_category_id=category.id,
        unit_id=data.unit_id,
        pricing_method=data.pricing_method,
        price=price,
        markup_percent=markup,
    )
    session.add(line)
    await session.flush()
    return line


async def update_price_list_line(
    session: AsyncSession, actor: Actor, data: PriceListLineChanges
) -> PriceListLine:
    actor.require_role(Role.ACCOUNTANT)
    line = await get_price_list_line(session, actor, data.line_id, ["id"])
    price_list = await get_price_list(session, actor, line.price_list_id, ["id"])
    line.price, line.markup_percent = check_pricing(
        price_list, data.pricing_method, data.price, data.markup_percent
    )
    line.pricing_method = data.pricing_method
    await session.flush()
    return line


async def delete_price_list_line(session: AsyncSession, actor: Actor, line_id: int) -> int:
    """Deleting a line never touches stored actuals: they keep the price they were given."""
    actor.require_role(Role.ACCOUNTANT)
    line = await get_price_list_line(session, actor, line_id, ["id"])
    await session.delete(line)
    await session.flush()
    return line_id


async def _category_with_unit(
    session: AsyncSession, category_id: int, unit_id: int | None
) -> TransactionCategory:
    category = await session.get(TransactionCategory, category_id)
    if category is None:
        raise DomainError(
            ErrorCode.NOT_FOUND,
            "The transaction category does not exist.",
            ["transactionCategoryId"],
        )
    if unit_id is None:
        return category
    unit = await get_unit(session, unit_id, ["unitId"])
    if category.unit_group_id is not None and unit.unit_group_id != category.unit_group_id:
        raise DomainError(
            ErrorCode.INCOMPATIBLE_UNITS,
            f"Unit {unit.code} is not in the unit group of category {category.code}.",
            ["unitId"],
        )
    return category
