"""Expense reports, their lines and approvals, and posted project expenses (E1-E5)."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Amount, Base, Rate, check_in, created_at_column, pk_column
from db.models._common import entity_key, legal_entity_column, same_entity_fk


class ReportStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    POSTED = "posted"


class LineApproval(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class ApprovalDecision(enum.StrEnum):
    """What an ExpenseApproval row records (E2)."""

    APPROVED = "approved"
    REJECTED = "rejected"
    RETURNED = "returned"


class ExpenseReport(Base):
    __tablename__ = "expense_report"
    id: Mapped[int] = pk_column()
    legal_entity_id: Mapped[int] = legal_entity_column()
    number: Mapped[str] = mapped_column(String(40))
    employee_user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    currency_code: Mapped[str] = mapped_column(ForeignKey("currency.code"))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=ReportStatus.DRAFT)
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    posted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    accounting_date: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = created_at_column()
    __table_args__ = (
        entity_key("expense_report"),
        UniqueConstraint("legal_entity_id", "number"),
        CheckConstraint(check_in("status", ReportStatus), name="status"),
        CheckConstraint(
            "status <> 'rejected' OR length(trim(rejection_reason)) > 0", name="reject_reason"
        ),
    )


class ExpenseLine(Base):
    __tablename__ = "expense_line"
    id: Mapped[int] = pk_column()
    legal_entity_id: Mapped[int] = legal_entity_column()
    report_id: Mapped[int] = mapped_column(BigInteger, index=True)
    line_number: Mapped[int] = mapped_column(Integer)
    date: Mapped[dt.date] = mapped_column(Date)
    expense_category_id: Mapped[int] = mapped_column(BigInteger)
    project_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    task_id: Mapped[int | None] = mapped_column(BigInteger)
    quantity: Mapped[Amount] = mapped_column(default=Decimal(1))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    unit_price: Mapped[Rate | None]
    amount: Mapped[Amount]
    currency_code: Mapped[str] = mapped_column(ForeignKey("currency.code"))
    sales_tax: Mapped[Amount] = mapped_column(default=Decimal(0))
    non_recoverable_tax: Mapped[Amount] = mapped_column(default=Decimal(0))
    merchant: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    chargeable: Mapped[bool] = mapped_column(Boolean, default=True)
    approval_status: Mapped[str] = mapped_column(String(20), default=LineApproval.PENDING)
    __table_args__ = (
        entity_key("expense_line"),
        UniqueConstraint("report_id", "line_number"),
        same_entity_fk("report_id", "expense_report", ondelete="CASCADE"),
        same_entity_fk("expense_category_id", "expense_category"),
        same_entity_fk("project_id", "project"),
        ForeignKeyConstraint(["project_id", "task_id"], ["task.project_id", "task.id"]),
        CheckConstraint("task_id IS NULL OR project_id IS NOT NULL", name="task_needs_project"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("amount >= 0", name="amount_non_negative"),
        CheckConstraint(
            "sales_tax >= 0 AND non_recoverable_tax >= 0 AND non_recoverable_tax <= sales_tax",
            name="tax_range",
        ),
        CheckConstraint(check_in("approval_status", LineApproval), name="approval_status"),
    )


class ExpenseApproval(Base):
    """Who decided what on which line, and why (E2)."""

    __tablename__ = "expense_approval"
    id: Mapped[int] = pk_column()
    legal_entity_id: Mapped[int] = legal_entity_column()
    report_id: Mapped[int] = mapped_column(BigInteger, index=True)
    line_id: Mapped[int | None] = mapped_column(BigInteger)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    decision: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[dt.datetime] = created_at_column()
    __table_args__ = (
        same_entity_fk("report_id", "expense_report", ondelete="CASCADE"),
        same_entity_fk("line_id", "expense_line", ondelete="CASCADE"),
    )


class ProjectExpense(Base):
    """A posted expense line on a project; the automatic approval job makes its actuals (E5)."""

    __tablename__ = "project_expense"
    id: Mapped[int] = pk_column()
    legal_entity_id: Mapped[int] = legal_entity_column()
    expense_line_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    project_id: Mapped[int] = mapped_column(BigInteger, index=True)
    task_id: Mapped[int | None] = mapped_column(BigInteger)
    transaction_category_id: Mapped[int] = mapped_column(ForeignKey("transaction_category.id"))
    date: Mapped[dt.date] = mapped_column(Date)
    quantity: Mapped[Amount]
    cost_amount: Mapped[Amount]
    currency_code: Mapped[str] = mapped_column(ForeignKey("currency.code"))
    chargeable: Mapped[bool] = mapped_column(Boolean)
    actuals_created_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = created_at_column()
    __table_args__ = (
        entity_key("project_expense"),
        same_entity_fk("expense_line_id", "expense_line"),
        same_entity_fk("project_id", "project"),
        ForeignKeyConstraint(["project_id", "task_id"], ["task.project_id", "task.id"]),
    )
