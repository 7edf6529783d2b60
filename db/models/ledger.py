"""Ledger periods, vouchers and their lines, project subledger transactions (M5, L1-L5)."""

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
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Amount, Base, Rate, check_in, created_at_column, pk_column
from db.models._common import entity_key, legal_entity_column, same_entity_fk


class PeriodStatus(enum.StrEnum):
    OPEN = "open"
    ON_HOLD = "on_hold"
    PERMANENTLY_CLOSED = "permanently_closed"


class VoucherSource(enum.StrEnum):
    EXPENSE_REPORT = "expense_report"
    VENDOR_INVOICE = "vendor_invoice"
    JOURNAL_LINE = "journal_line"
    REVERSAL = "reversal"


class LedgerPeriod(Base):
    """A monthly period; permanently closed is final (M5)."""

    __tablename__ = "ledger_period"
    id: Mapped[int] = pk_column()
    legal_entity_id: Mapped[int] = legal_entity_column()
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default=PeriodStatus.OPEN)
    __table_args__ = (
        entity_key("ledger_period"),
        UniqueConstraint("legal_entity_id", "start_date"),
        CheckConstraint(check_in("status", PeriodStatus), name="status"),
        CheckConstraint("start_date = date_trunc('month', start_date)::date", name="month_start"),
        CheckConstraint(
            "end_date = (date_trunc('month', start_date) + interval '1 month - 1 day')::date",
            name="month_end",
        ),
    )


class Voucher(Base):
    __tablename__ = "voucher"
    id: Mapped[int] = pk_column()
    legal_entity_id: Mapped[int] = legal_entity_column()
    number: Mapped[str] = mapped_column(String(40))
    accounting_date: Mapped[dt.date] = mapped_column(Date)
    source_type: Mapped[str] = mapped_column(String(20))
    expense_report_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    vendor_invoice_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    # J7: a journal line has at most one voucher.
    journal_line_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    reverses_voucher_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    posted_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=func.now())
    __table_args__ = (
        entity_key("voucher"),
        UniqueConstraint("legal_entity_id", "number"),
        CheckConstraint(check_in("source_type", VoucherSource), name="source_type"),
        same_entity_fk("expense_report_id", "expense_report"),
        same_entity_fk("vendor_invoice_id", "vendor_invoice"),
        same_entity_fk("journal_line_id", "journal_line"),
        same_entity_fk("reverses_voucher_id", "voucher"),
        # The ledger's reads (trial balance, statements) select a legal entity's date range.
        Index("ix_voucher_legal_entity_id_accounting_date", "legal_entity_id", "accounting_date"),
    )


class VoucherLine(Base):
    """Debit or credit in accounting currency; `amount_currency` keeps the source amount."""

    __tablename__ = "voucher_line"
    id: Mapped[int] = pk_column()
    legal_entity_id: Mapped[int] = legal_entity_column()
    voucher_id: Mapped[int] = mapped_column(BigInteger, index=True)
    account_id: Mapped[int] = mapped_column(BigInteger, index=True)
    debit: Mapped[Amount] = mapped_column(default=Decimal(0))
    credit: Mapped[Amount] = mapped_column(default=Decimal(0))
    currency_code: Mapped[str] = mapped_column(ForeignKey("currency.code"))
    amount_currency: Mapped[Amount]
    exchange_rate: Mapped[Rate]
    description: Mapped[str] = mapped_column(Text, default="")
    # What the posting knew of the line (J5): its project and the journal line's tax groups.
    project_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    billing_sales_tax_group: Mapped[str | None] = mapped_column(String(30))
    billing_item_sales_tax_group: Mapped[str | None] = mapped_column(String(30))
    __table_args__ = (
        entity_key("voucher_line"),
        same_entity_fk("voucher_id", "voucher"),
        same_entity_fk("account_id", "account"),
        same_entity_fk("project_id", "project"),
        # L2: no zero lines; each line is a debit or a credit.
        CheckConstraint(
            "(debit > 0 AND credit = 0) OR (credit > 0 AND debit = 0)", name="debit_or_credit"
        ),
    )


class VoucherLineDimension(Base):
    """The financial dimension distribution a voucher line was posted with (J4, J5)."""

    __tablename__ = "voucher_line_dimension"
    id: Mapped[int] = pk_column()
    legal_entity_id: Mapped[int] = legal_entity_column()
    voucher_line_id: Mapped[int] = mapped_column(BigInteger, index=True)
    dimension: Mapped[str] = mapped_column(String(30))
    value: Mapped[str] = mapped_column(String(60))
    share_percent: Mapped[Decimal] = mapped_column(Numeric(7, 4))
    __table_args__ = (
        same_entity_fk("voucher_line_id", "voucher_line"),
        CheckConstraint("share_percent > 0 AND share_percent <= 100", name="share_range"),
    )


class SubledgerTransaction(Base):
    """Project subledger transaction created by posting a journal line (J5)."""

    __tablename__ = "subledger_transaction"
    id: Mapped[int] = pk_column()
    legal_entity_id: Mapped[int] = legal_entity_column()
    journal_line_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    actual_id: Mapped[int] = mapped_column(BigInteger, index=True)
    project_id: Mapped[int] = mapped_column(BigInteger, index=True)
    # NULL for a zero-amount line: the ledger gets no zero voucher lines (L2).
    voucher_id: Mapped[int | None] = mapped_column(BigInteger)
    transaction_type: Mapped[str] = mapped_column(String(20))
    accounting_date: Mapped[dt.date] = mapped_column(Date)
    quantity: Mapped[Amount]
    amount: Mapped[Amount]
    amount_accounting: Mapped[Amount]
    currency_code: Mapped[str] = mapped_column(ForeignKey("currency.code"))
    created_at: Mapped[dt.datetime] = created_at_column()
    __table_args__ = (
        same_entity_fk("journal_line_id", "journal_line"),
        same_entity_fk("actual_id", "actual"),
        same_entity_fk("project_id", "project"),
        same_entity_fk("voucher_id", "voucher"),
    )
