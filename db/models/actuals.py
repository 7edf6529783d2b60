"""Project actuals: immutable cost and unbilled sales transactions (A1, A2)."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Amount, Base, Rate, check_in, created_at_column, pk_column
from db.models._common import entity_key, legal_entity_column, same_entity_fk


class ActualType(enum.StrEnum):
    COST = "cost"
    UNBILLED_SALES = "unbilled_sales"


class AdjustmentStatus(enum.StrEnum):
    ADJUSTABLE = "adjustable"
    ADJUSTED = "adjusted"
    UNADJUSTABLE = "unadjustable"


class ActualSource(enum.StrEnum):
    EXPENSE = "expense"
    VENDOR_INVOICE = "vendor_invoice"


class Actual(Base):
    __tablename__ = "actual"
    id: Mapped[int] = pk_column()
    legal_entity_id: Mapped[int] = legal_entity_column()
    actual_type: Mapped[str] = mapped_column(String(20))
    transaction_class: Mapped[str] = mapped_column(String(20))
    source_type: Mapped[str] = mapped_column(String(20))
    project_expense_id: Mapped[int | None] = mapped_column(BigInteger)
    vendor_invoice_line_id: Mapped[int | None] = mapped_column(BigInteger)
    project_id: Mapped[int] = mapped_column(BigInteger, index=True)
    task_id: Mapped[int | None] = mapped_column(BigInteger)
    transaction_category_id: Mapped[int] = mapped_column(ForeignKey("transaction_category.id"))
    transaction_date: Mapped[dt.date] = mapped_column(Date)
    quantity: Mapped[Amount]
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    currency_code: Mapped[str] = mapped_column(ForeignKey("currency.code"))
    unit_amount: Mapped[Rate]
    amount: Mapped[Amount]
    adjustment_status: Mapped[str] = mapped_column(String(20), default=AdjustmentStatus.ADJUSTABLE)
    reverses_actual_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    pricing_warning: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = created_at_column()
    __table_args__ = (
        entity_key("actual"),
        same_entity_fk("project_expense_id", "project_expense"),
        same_entity_fk("vendor_invoice_line_id", "vendor_invoice_line"),
        same_entity_fk("project_id", "project"),
        ForeignKeyConstraint(["project_id", "task_id"], ["task.project_id", "task.id"]),
        same_entity_fk("reverses_actual_id", "actual"),
        CheckConstraint(check_in("actual_type", ActualType), name="actual_type"),
        CheckConstraint(check_in("source_type", ActualSource), name="source_type"),
        CheckConstraint(check_in("adjustment_status", AdjustmentStatus), name="adjustment"),
        CheckConstraint(
            "(project_expense_id IS NOT NULL) <> (vendor_invoice_line_id IS NOT NULL)",
            name="one_source",
        ),
        # E5: exactly one cost and at most one sales actual per source line, reversals aside.
        Index(
            "uq_actual_expense_type",
            "project_expense_id",
            "actual_type",
            unique=True,
            postgresql_where=text("reverses_actual_id IS NULL AND project_expense_id IS NOT NULL"),
        ),
        Index(
            "uq_actual_invoice_line_type",
            "vendor_invoice_line_id",
            "actual_type",
            unique=True,
            postgresql_where=text(
                "reverses_actual_id IS NULL AND vendor_invoice_line_id IS NOT NULL"
            ),
        ),
    )
