"""Legal entities, users, accounts, sequences, projects, tasks, units, rates (M1, M3, M6)."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

from sqlalchemy import (
    ARRAY,
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, CurrencyCode, Rate, check_in, created_at_column, pk_column
from db.models._common import entity_key, legal_entity_column, same_entity_fk


class Role(enum.StrEnum):
    EMPLOYEE = "employee"
    PROJECT_MANAGER = "project_manager"
    ACCOUNTANT = "accountant"
    ADMIN = "admin"


class BillingType(enum.StrEnum):
    TIME_AND_MATERIAL = "time_and_material"
    FIXED_PRICE = "fixed_price"


class Currency(Base):
    __tablename__ = "currency"
    code: Mapped[str] = mapped_column(String(3), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    decimals: Mapped[int] = mapped_column(Integer, default=2)
    __table_args__ = (
        CheckConstraint("code ~ '^[A-Z]{3}$'", name="code_format"),
        CheckConstraint("decimals BETWEEN 0 AND 4", name="decimals_range"),
    )


class LegalEntity(Base):
    __tablename__ = "legal_entity"
    id: Mapped[int] = pk_column()
    code: Mapped[str] = mapped_column(String(10), unique=True)
    name: Mapped[str] = mapped_column(Text)
    currency_code: Mapped[str] = mapped_column(ForeignKey("currency.code"))
    created_at: Mapped[dt.datetime] = created_at_column()


class AppUser(Base):
    __tablename__ = "app_user"
    id: Mapped[int] = pk_column()
    email: Mapped[str] = mapped_column(Text, unique=True)
    name: Mapped[str] = mapped_column(Text)
    roles: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list)
    created_at: Mapped[dt.datetime] = created_at_column()
    __table_args__ = (
        CheckConstraint(
            "roles <@ ARRAY['employee','project_manager','accountant','admin']::text[]",
            name="roles_known",
        ),
    )


class UserLegalEntity(Base):
    __tablename__ = "user_legal_entity"
    user_id: Mapped[int] = mapped_column(
        ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True
    )
    legal_entity_id: Mapped[int] = mapped_column(
        ForeignKey("legal_entity.id", ondelete="CASCADE"), primary_key=True
    )


class Account(Base):
    __tablename__ = "account"
    id: Mapped[int] = pk_column()
    legal_entity_id: Mapped[int] = legal_entity_column()
    number: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(Text)
    __table_args__ = (
        entity_key("account"),
        UniqueConstraint("legal_entity_id", "number"),
    )


class NumberSequence(Base):
    """Voucher and journal numbers: prefix + zero-padded value; gaps allowed, reuse never."""

    __tablename__ = "number_sequence"
    id: Mapped[int] = pk_column()
    legal_entity_id: Mapped[int] = legal_entity_column()
    code: Mapped[str] = mapped_column(String(30))
    prefix: Mapped[str] = mapped_column(String(10), default="")
    width: Mapped[int] = mapped_column(Integer, default=6)
    __table_args__ = (
        entity_key("number_sequence"),
        UniqueConstraint("legal_entity_id", "code"),
        CheckConstraint("width BETWEEN 1 AND 18", name="width_range"),
    )


class Project(Base):
    __tablename__ = "project"
    id: Mapped[int] = pk_column()
    legal_entity_id: Mapped[int] = legal_entity_column()
    code: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(Text)
    manager_user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    billing_type: Mapped[str] = mapped_column(String(30))
    currency_code: Mapped[str] = mapped_column(ForeignKey("currency.code"))
    created_at: Mapped[dt.datetime] = created_at_column()
    __table_args__ = (
        entity_key("project"),
        UniqueConstraint("legal_entity_id", "code"),
        CheckConstraint(check_in("billing_type", BillingType), name="billing_type"),
    )


class Task(Base):
    __tablename__ = "task"
    id: Mapped[int] = pk_column()
    legal_entity_id: Mapped[int] = legal_entity_column()
    project_id: Mapped[int] = mapped_column(BigInteger, index=True)
    code: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(Text)
    __table_args__ = (
        entity_key("task"),
        same_entity_fk("project_id", "project", ondelete="CASCADE"),
        UniqueConstraint("project_id", "code"),
        # lets a row require "a task of that project": FK (project_id, task_id)
        UniqueConstraint("project_id", "id", name="uq_task_project_id_id"),
    )


class UnitGroup(Base):
    __tablename__ = "unit_group"
    id: Mapped[int] = pk_column()
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(Text)
    base_unit_id: Mapped[int | None] = mapped_column(
        ForeignKey("unit.id", use_alter=True, deferrable=True, initially="DEFERRED")
    )


class Unit(Base):
    """A unit of a group with its factor to the group's base unit (Week = 7 Day), M3."""

    __tablename__ = "unit"
    id: Mapped[int] = pk_column()
    unit_group_id: Mapped[int] = mapped_column(
        ForeignKey("unit_group.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(Text)
    factor: Mapped[Decimal] = mapped_column(Numeric(19, 6))
    __table_args__ = (
        UniqueConstraint("unit_group_id", "code"),
        CheckConstraint("factor > 0", name="factor_positive"),
    )


class ExchangeRate(Base):
    """The rate valid from a date until the next one of the same pair (M6)."""

    __tablename__ = "exchange_rate"
    id: Mapped[int] = pk_column()
    from_currency: Mapped[CurrencyCode] = mapped_column(ForeignKey("currency.code"))
    to_currency: Mapped[CurrencyCode] = mapped_column(ForeignKey("currency.code"))
    rate: Mapped[Rate]
    valid_from: Mapped[dt.date] = mapped_column(Date)
    __table_args__ = (
        UniqueConstraint("from_currency", "to_currency", "valid_from"),
        CheckConstraint("rate > 0", name="rate_positive"),
        CheckConstraint("from_currency <> to_currency", name="distinct_currencies"),
    )
