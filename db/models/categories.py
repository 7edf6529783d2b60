"""Transaction, shared, expense and project categories (M2)."""

from __future__ import annotations

import enum

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, check_in, pk_column
from db.models._common import entity_key, legal_entity_column, same_entity_fk


class TransactionClass(enum.StrEnum):
    HOUR = "hour"
    EXPENSE = "expense"
    FEE = "fee"
    ITEM = "item"
    ON_ACCOUNT = "on_account"


class TransactionCategory(Base):
    """Global; gets one shared category per transaction class when created (M2)."""

    __tablename__ = "transaction_category"
    id: Mapped[int] = pk_column()
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(Text)
    unit_group_id: Mapped[int | None] = mapped_column(ForeignKey("unit_group.id"))


class SharedCategory(Base):
    __tablename__ = "shared_category"
    id: Mapped[int] = pk_column()
    transaction_category_id: Mapped[int] = mapped_column(
        ForeignKey("transaction_category.id", ondelete="CASCADE"), index=True
    )
    transaction_class: Mapped[str] = mapped_column(String(20))
    can_be_used_in_expense: Mapped[bool] = mapped_column(Boolean, default=False)
    expense_type: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (
        UniqueConstraint("transaction_category_id", "transaction_class"),
        CheckConstraint(check_in("transaction_class", TransactionClass), name="class"),
        CheckConstraint(
            "transaction_class = 'expense'"
            " OR (NOT can_be_used_in_expense AND expense_type IS NULL)",
            name="expense_flags_only_on_expense_class",
        ),
    )


class ExpenseCategory(Base):
    __tablename__ = "expense_category"
    id: Mapped[int] = pk_column()
    legal_entity_id: Mapped[int] = legal_entity_column()
    code: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(Text)
    shared_category_id: Mapped[int] = mapped_column(ForeignKey("shared_category.id"))
    transaction_category_id: Mapped[int] = mapped_column(
        ForeignKey("transaction_category.id"), index=True
    )
    # Debited by expense lines without a project (E4).
    default_account_id: Mapped[int | None] = mapped_column(BigInteger)
    # Lines are measured in a unit of this group, the default unit unless told otherwise.
    unit_group_id: Mapped[int | None] = mapped_column(ForeignKey("unit_group.id"))
    default_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    __table_args__ = (
        entity_key("expense_category"),
        UniqueConstraint("legal_entity_id", "code"),
        same_entity_fk("default_account_id", "account"),
    )


class ProjectCategory(Base):
    """The legal entity's category for a transaction category (used by the journal, J3)."""

    __tablename__ = "project_category"
    id: Mapped[int] = pk_column()
    legal_entity_id: Mapped[int] = legal_entity_column()
    code: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(Text)
    transaction_category_id: Mapped[int] = mapped_column(
        ForeignKey("transaction_category.id"), index=True
    )
    __table_args__ = (
        entity_key("project_category"),
        UniqueConstraint("legal_entity_id", "code"),
        UniqueConstraint("legal_entity_id", "transaction_category_id"),
    )
