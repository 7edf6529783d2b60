"""Price lists and their lines, in the contexts Cost, Sales and Purchase (M4)."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, check_in, pk_column
from db.models._common import entity_key, legal_entity_column, same_entity_fk


class PriceContext(enum.StrEnum):
    COST = "cost"
    SALES = "sales"
    PURCHASE = "purchase"


class PricingMethod(enum.StrEnum):
    PER_UNIT = "per_unit"
    AT_COST = "at_cost"
    MARKUP = "markup"


class PriceList(Base):
    __tablename__ = "price_list"
    id: Mapped[int] = pk_column()
    legal_entity_id: Mapped[int] = legal_entity_column()
    name: Mapped[str] = mapped_column(Text)
    context: Mapped[str] = mapped_column(String(10))
    currency_code: Mapped[str] = mapped_column(ForeignKey("currency.code"))
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    # The legal entity's default list of its context, used when the project has none (M4).
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    __table_args__ = (
        entity_key("price_list"),
        UniqueConstraint("legal_entity_id", "name"),
        CheckConstraint(check_in("context", PriceContext), name="context"),
        CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="valid_range"),
    )


class PriceListLine(Base):
    __tablename__ = "price_list_line"
    id: Mapped[int] = pk_column()
    legal_entity_id: Mapped[int] = legal_entity_column()
    price_list_id: Mapped[int] = mapped_column(BigInteger, index=True)
    transaction_category_id: Mapped[int] = mapped_column(ForeignKey("transaction_category.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    pricing_method: Mapped[str] = mapped_column(String(10), default=PricingMethod.PER_UNIT)
    price: Mapped[Decimal | None] = mapped_column(Numeric(19, 6))
    markup_percent: Mapped[Decimal | None] = mapped_column(Numeric(19, 6))
    __table_args__ = (
        entity_key("price_list_line"),
        same_entity_fk("price_list_id", "price_list", ondelete="CASCADE"),
        # One line per category and unit, "no unit" included (M4: the price is unambiguous).
        UniqueConstraint(
            "price_list_id",
            "transaction_category_id",
            "unit_id",
            postgresql_nulls_not_distinct=True,
        ),
        CheckConstraint(check_in("pricing_method", PricingMethod), name="pricing_method"),
        CheckConstraint(
            "(pricing_method = 'per_unit' AND price IS NOT NULL AND price >= 0)"
            " OR (pricing_method = 'at_cost' AND price IS NULL AND markup_percent IS NULL)"
            " OR (pricing_method = 'markup' AND markup_percent IS NOT NULL AND price IS NULL)",
            name="price_by_method",
        ),
    )


class ProjectPriceList(Base):
    """A price list assigned to a project; it wins over the legal entity's default (M4)."""

    __tablename__ = "project_price_list"
    legal_entity_id: Mapped[int] = legal_entity_column()
    project_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    price_list_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    __table_args__ = (
        same_entity_fk("project_id", "project", ondelete="CASCADE"),
        same_entity_fk("price_list_id", "price_list", ondelete="CASCADE"),
    )
