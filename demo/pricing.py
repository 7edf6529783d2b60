"""Demo price lists of the three contexts (M4) and USD <-> EUR exchange rates (M6)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from db.models.master_data import BillingType, ExchangeRate, Project
from db.models.prices import (
    PriceContext,
    PriceList,
    PriceListLine,
    PricingMethod,
    ProjectPriceList,
)
from demo.catalog import Catalog
from demo.companies import DemoCompany, month_start

# A line: (transaction category, unit or None, method, price or markup percent or None).
PriceLine = tuple[str, str | None, PricingMethod, Decimal | None]
PER_UNIT, AT_COST, MARKUP = PricingMethod.PER_UNIT, PricingMethod.AT_COST, PricingMethod.MARKUP

# (name suffix, context, default of the legal entity?, lines)
PRICE_LISTS: tuple[tuple[str, PriceContext, bool, tuple[PriceLine, ...]], ...] = (
    (
        "cost prices",
        PriceContext.COST,
        True,
        (
            ("CONSULTING", "HOUR", PER_UNIT, Decimal("60")),
            ("SUBCONTRACT", "HOUR", PER_UNIT, Decimal("70")),
        ),
    ),
    (
        "sales prices",
        PriceContext.SALES,
        True,
        (
            ("CONSULTING", "HOUR", PER_UNIT, Decimal("150")),
            ("CONSULTING", "DAY", PER_UNIT, Decimal("1100")),
            ("SUBCONTRACT", "HOUR", PER_UNIT, Decimal("120")),
            ("TRAVEL", None, AT_COST, None),
            ("HOTEL", None, AT_COST, None),
            ("MEALS", None, MARKUP, Decimal("10")),
            ("RENTAL", None, MARKUP, Decimal("20")),
        ),
    ),
    (
        "key account sales prices",  # assigned to the time-and-material projects
        PriceContext.SALES,
        False,
        (
            ("CONSULTING", "HOUR", PER_UNIT, Decimal("135")),
            ("TRAVEL", None, MARKUP, Decimal("5")),
            ("HOTEL", None, AT_COST, None),
            ("MEALS", None, AT_COST, None),
            ("RENTAL", None, MARKUP, Decimal("15")),
        ),
    ),
    (
        "purchase prices",
        PriceContext.PURCHASE,
        True,
        (
            ("SUBCONTRACT", "HOUR", PER_UNIT, Decimal("90")),
            ("SUBCONTRACT", "DAY", PER_UNIT, Decimal("680")),
        ),
    ),
)


def _line(
    entity_id: int, price_list: PriceList, catalog: Catalog, line: PriceLine
) -> PriceListLine:
    category, unit, method, value = line
    return PriceListLine(
        legal_entity_id=entity_id,
        price_list_id=price_list.id,
        transaction_category_id=catalog.categories[category].id,
        unit_id=catalog.units[unit].id if unit else None,
        pricing_method=method.value,
        price=value if method is PER_UNIT else None,
        markup_percent=value if method is MARKUP else None,
    )


async def add_price_lists(
    session: AsyncSession,
    company: DemoCompany,
    catalog: Catalog,
    projects: list[Project],
    today: dt.date,
) -> None:
    entity = company.entity
    lists = []
    for suffix, context, is_default, lines in PRICE_LISTS:
        price_list = PriceList(
            legal_entity_id=entity.id,
            name=f"{entity.code} {suffix}",
            context=context.value,
            currency_code=entity.currency_code,
            valid_from=dt.date(today.year - 1, 1, 1),
            valid_to=None,
            is_default=is_default,
        )
        session.add(price_list)
        lists.append((price_list, lines))
    await session.flush()
    for price_list, lines in lists:
        session.add_all(_line(entity.id, price_list, catalog, line) for line in lines)
    key_account = lists[2][0]
    session.add_all(
        ProjectPriceList(
            legal_entity_id=entity.id, project_id=project.id, price_list_id=key_account.id
        )
        for project in projects
        if project.billing_type == BillingType.TIME_AND_MATERIAL
    )
    await session.flush()


def add_exchange_rates(session: AsyncSession, today: dt.date) -> None:
    """Monthly USD/EUR rates over the last year, both directions, wobbling a little."""
    for months_back in range(13, -1, -1):
        valid_from = month_start(today, -months_back)
        usd_eur = Decimal("0.9000") + Decimal("0.0050") * (months_back % 5)
        eur_usd = (Decimal(1) / usd_eur).quantize(Decimal("0.000001"))
        session.add(
            ExchangeRate(
                from_currency="USD", to_currency="EUR", rate=usd_eur, valid_from=valid_from
            )
        )
        session.add(
            ExchangeRate(
                from_currency="EUR", to_currency="USD", rate=eur_usd, valid_from=valid_from
            )
        )
