"""Vendors, subcontracts and vendor invoices with lines for expense categories (V1-V9)."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
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


class InvoiceStatus(enum.StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    CONFIRMED = "confirmed"
    ON_HOLD = "on_hold"
    CANCELED = "canceled"


class VerificationStatus(enum.StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETE = "complete"


class Vendor(Base):
    __tablename__ = "vendor"
    id: Mapped[int] = pk_column()
    legal_entity_id: Mapped[int] = legal_entity_column()
    code: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(Text)
    # The currency the vendor invoices in; a new invoice's default.
    currency_code: Mapped[str | None] = mapped_column(ForeignKey("currency.code"))
    __table_args__ = (entity_key("vendor"), UniqueConstraint("legal_entity_id", "code"))


class Subcontract(Base):
    __tablename__ = "subcontract"
    id: Mapped[int] = pk_column()
    legal_entity_id: Mapped[int] = legal_entity_column()
    vendor_id: Mapped[int] = mapped_column(BigInteger, index=True)
    number: Mapped[str] = mapped_column(String(40))
    currency_code: Mapped[str] = mapped_column(ForeignKey("currency.code"))
    __table_args__ = (
        entity_key("subcontract"),
        UniqueConstraint("legal_entity_id", "number"),
        same_entity_fk("vendor_id", "vendor"),
    )


class SubcontractLine(Base):
    __tablename__ = "subcontract_line"
    id: Mapped[int] = pk_column()
    legal_entity_id: Mapped[int] = legal_entity_column()
    subcontract_id: Mapped[int] = mapped_column(BigInteger, index=True)
    line_number: Mapped[int] = mapped_column(Integer)
    project_id: Mapped[int | None] = mapped_column(BigInteger)
    task_id: Mapped[int | None] = mapped_column(BigInteger)
    transaction_category_id: Mapped[int | None] = mapped_column(
        ForeignKey("transaction_category.id")
    )
    description: Mapped[str] = mapped_column(Text, default="")
    # What was ordered: only lines for expense categories exist (transaction class Expense).
    quantity: Mapped[Amount | None]
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    unit_price: Mapped[Rate | None]
    __table_args__ = (
        entity_key("subcontract_line"),
        UniqueConstraint("subcontract_id", "line_number"),
        same_entity_fk("subcontract_id", "subcontract", ondelete="CASCADE"),
        same_entity_fk("project_id", "project"),
        ForeignKeyConstraint(["project_id", "task_id"], ["task.project_id", "task.id"]),
    )


class VendorInvoice(Base):
    __tablename__ = "vendor_invoice"
    id: Mapped[int] = pk_column()
    legal_entity_id: Mapped[int] = legal_entity_column()
    vendor_id: Mapped[int] = mapped_column(BigInteger, index=True)
    subcontract_id: Mapped[int | None] = mapped_column(BigInteger)
    number: Mapped[str] = mapped_column(String(40))
    invoice_date: Mapped[dt.date] = mapped_column(Date)
    currency_code: Mapped[str] = mapped_column(ForeignKey("currency.code"))
    status: Mapped[str] = mapped_column(String(20), default=InvoiceStatus.DRAFT)
    subtotal: Mapped[Amount] = mapped_column(default=Decimal(0))
    sales_tax: Mapped[Amount] = mapped_column(default=Decimal(0))
    total: Mapped[Amount] = mapped_column(default=Decimal(0))
    description: Mapped[str] = mapped_column(Text, default="")
    # The state a held invoice returns to when released (V1).
    status_before_hold: Mapped[str | None] = mapped_column(String(20))
    accounting_date: Mapped[dt.date | None] = mapped_column(Date)
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    canceled_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = created_at_column()
    __table_args__ = (
        entity_key("vendor_invoice"),
        UniqueConstraint("vendor_id", "number"),  # V9
        same_entity_fk("vendor_id", "vendor"),
        same_entity_fk("subcontract_id", "subcontract"),
        CheckConstraint(check_in("status", InvoiceStatus), name="status"),
    )


class VendorInvoiceLine(Base):
    __tablename__ = "vendor_invoice_line"
    id: Mapped[int] = pk_column()
    legal_entity_id: Mapped[int] = legal_entity_column()
    invoice_id: Mapped[int] = mapped_column(BigInteger, index=True)
    line_number: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(Text, default="")
    subcontract_line_id: Mapped[int | None] = mapped_column(BigInteger)
    project_id: Mapped[int] = mapped_column(BigInteger, index=True)
    task_id: Mapped[int | None] = mapped_column(BigInteger)
    transaction_category_id: Mapped[int] = mapped_column(ForeignKey("transaction_category.id"))
    date: Mapped[dt.date] = mapped_column(Date)
    quantity: Mapped[Amount | None]
    unit_group_id: Mapped[int | None] = mapped_column(ForeignKey("unit_group.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    unit_price: Mapped[Rate | None]
    # Where the default unit price came from (V4): the purchase price list and the unit its
    # price is kept in (converted when it is not the line's unit); the warning when none.
    price_list_id: Mapped[int | None] = mapped_column(BigInteger)
    price_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    price_warning: Mapped[str | None] = mapped_column(Text)
    subtotal: Mapped[Amount]
    sales_tax: Mapped[Amount] = mapped_column(default=Decimal(0))
    total: Mapped[Amount]
    verification_status: Mapped[str] = mapped_column(
        String(20), default=VerificationStatus.NOT_STARTED
    )
    description: Mapped[str] = mapped_column(Text, default="")
    __table_args__ = (
        entity_key("vendor_invoice_line"),
        UniqueConstraint("invoice_id", "line_number"),
        same_entity_fk("invoice_id", "vendor_invoice", ondelete="CASCADE"),
        same_entity_fk("subcontract_line_id", "subcontract_line"),
        same_entity_fk("project_id", "project"),
        same_entity_fk("price_list_id", "price_list"),
        ForeignKeyConstraint(["project_id", "task_id"], ["task.project_id", "task.id"]),
        CheckConstraint(check_in("verification_status", VerificationStatus), name="verification"),
        CheckConstraint("sales_tax >= 0", name="tax_non_negative"),
        CheckConstraint("total = subtotal + sales_tax", name="total_sum"),
    )


class VendorInvoiceLineMatch(Base):
    """A cost actual already recorded on the project that a line's invoice pays for: confirm
    reverses it (A1), so the cost is not counted twice. An actual is matched at most once."""

    __tablename__ = "vendor_invoice_line_match"
    id: Mapped[int] = pk_column()
    legal_entity_id: Mapped[int] = legal_entity_column()
    invoice_line_id: Mapped[int] = mapped_column(BigInteger, index=True)
    actual_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    created_at: Mapped[dt.datetime] = created_at_column()
    __table_args__ = (
        entity_key("vendor_invoice_line_match"),
        same_entity_fk("invoice_line_id", "vendor_invoice_line", ondelete="CASCADE"),
        same_entity_fk("actual_id", "actual"),
    )
