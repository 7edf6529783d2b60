"""The project integration journal: headers, lines and line dimensions (J1-J8)."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, Rate, check_in, created_at_column, pk_column
from db.models._common import entity_key, legal_entity_column, same_entity_fk


class JournalStatus(enum.StrEnum):
    DRAFT = "draft"
    PROCESSING = "processing"
    POSTED = "posted"
    ERROR = "error"


class LineStatus(enum.StrEnum):
    DRAFT = "draft"
    PROCESSING = "processing"
    POSTED = "posted"
    ERROR = "error"
    UNRECOVERABLE = "unrecoverable"
    INVALID_ACTUALS = "invalid_actuals"


class Journal(Base):
    __tablename__ = "journal"
    id: Mapped[int] = pk_column()
    legal_entity_id: Mapped[int] = legal_entity_column()
    number: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default=JournalStatus.DRAFT)
    # The grouping key (J2): first day of the day/month/year, or NULL for "All".
    period_start: Mapped[dt.date | None] = mapped_column(Date)
    period_unit: Mapped[str] = mapped_column(String(10))
    original_journal_id: Mapped[int | None] = mapped_column(BigInteger)
    line_count: Mapped[int] = mapped_column(default=0)
    processing_since: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    posted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = created_at_column()
    __table_args__ = (
        entity_key("journal"),
        UniqueConstraint("legal_entity_id", "number"),
        same_entity_fk("original_journal_id", "journal"),
        CheckConstraint(check_in("status", JournalStatus), name="status"),
    )


class JournalLine(Base):
    __tablename__ = "journal_line"
    id: Mapped[int] = pk_column()
    legal_entity_id: Mapped[int] = legal_entity_column()
    journal_id: Mapped[int] = mapped_column(BigInteger, index=True)
    # J1: one live line per actual, enforced here.
    actual_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    status: Mapped[str] = mapped_column(String(20), default=LineStatus.DRAFT)
    date: Mapped[dt.date] = mapped_column(Date)
    accounting_date: Mapped[dt.date] = mapped_column(Date)
    voucher_number: Mapped[str] = mapped_column(String(40))
    project_category_id: Mapped[int | None] = mapped_column(BigInteger)
    line_property: Mapped[str | None] = mapped_column(String(30))
    exchange_rate: Mapped[Rate]
    billing_sales_tax_group: Mapped[str | None] = mapped_column(String(30))
    billing_item_sales_tax_group: Mapped[str | None] = mapped_column(String(30))
    error_text: Mapped[str | None] = mapped_column(Text)
    processing_since: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    posted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = created_at_column()
    __table_args__ = (
        entity_key("journal_line"),
        UniqueConstraint("legal_entity_id", "voucher_number"),
        same_entity_fk("journal_id", "journal", ondelete="CASCADE"),
        same_entity_fk("actual_id", "actual"),
        same_entity_fk("project_category_id", "project_category"),
        CheckConstraint(check_in("status", LineStatus), name="status"),
        CheckConstraint("exchange_rate > 0", name="rate_positive"),
    )


class JournalLineDimension(Base):
    """Financial dimension distribution of a line; shares sum to exactly 100 % (J4)."""

    __tablename__ = "journal_line_dimension"
    id: Mapped[int] = pk_column()
    legal_entity_id: Mapped[int] = legal_entity_column()
    journal_line_id: Mapped[int] = mapped_column(BigInteger, index=True)
    dimension: Mapped[str] = mapped_column(String(30))
    value: Mapped[str] = mapped_column(String(60))
    share_percent: Mapped[Decimal] = mapped_column(Numeric(7, 4))
    __table_args__ = (
        same_entity_fk("journal_line_id", "journal_line", ondelete="CASCADE"),
        CheckConstraint("share_percent > 0 AND share_percent <= 100", name="share_range"),
    )
