"""Declarative base, naming convention and the column types every model shares."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import Annotated

from sqlalchemy import BigInteger, DateTime, Identity, MetaData, Numeric, String, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Amounts NUMERIC(19,4), rates and prices NUMERIC(19,6) (DOMAIN.md). Never a float.
Amount = Annotated[Decimal, mapped_column(Numeric(19, 4))]
Rate = Annotated[Decimal, mapped_column(Numeric(19, 6))]
CurrencyCode = Annotated[str, mapped_column(String(3))]


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def pk_column() -> Mapped[int]:
    return mapped_column(BigInteger, Identity(always=False), primary_key=True)


def created_at_column() -> Mapped[dt.datetime]:
    return mapped_column(DateTime(timezone=True), server_default=func.now())


def enum_values(enum_cls: type[enum.Enum]) -> list[str]:
    return [str(member.value) for member in enum_cls]


def check_in(column: str, enum_cls: type[enum.Enum]) -> str:
    """A CHECK expression that keeps a text status column inside its enum's values."""
    values = ", ".join(f"'{value}'" for value in enum_values(enum_cls))
    return f"{column} IN ({values})"
