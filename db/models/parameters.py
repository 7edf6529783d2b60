"""Project management and accounting parameters per legal entity (M7)."""

from __future__ import annotations

import enum

from sqlalchemy import BigInteger, Boolean, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, check_in
from db.models._common import same_entity_fk
from db.models.master_data import BillingType


class PeriodUnit(enum.StrEnum):
    DAYS = "days"
    MONTHS = "months"
    YEARS = "years"
    ALL = "all"


class LineProperty(enum.StrEnum):
    CHARGEABLE = "chargeable"
    NON_CHARGEABLE = "non_chargeable"


# The account roles a legal entity must configure; each is a column `<role>_account_id`.
ACCOUNT_ROLES = (
    "expense_integration",
    "procurement_integration",
    "project_cost",
    "wip_sales_value",
    "accrued_revenue",
    "input_tax",
    "employee_payable",
    "vendor_payable",
    "round_off",
)


class LegalEntityParameters(Base):
    __tablename__ = "legal_entity_parameters"
    legal_entity_id: Mapped[int] = mapped_column(
        ForeignKey("legal_entity.id", ondelete="CASCADE"), primary_key=True
    )
    journal_period_unit: Mapped[str] = mapped_column(String(10), default=PeriodUnit.MONTHS)
    lines_per_journal: Mapped[int] = mapped_column(Integer, default=200)
    batch_threshold: Mapped[int] = mapped_column(Integer, default=100)
    move_to_next_open_period: Mapped[bool] = mapped_column(Boolean, default=True)
    default_project_category_id: Mapped[int | None] = mapped_column(BigInteger)
    voucher_sequence_id: Mapped[int | None] = mapped_column(BigInteger)
    journal_sequence_id: Mapped[int | None] = mapped_column(BigInteger)
    expense_integration_account_id: Mapped[int | None] = mapped_column(BigInteger)
    procurement_integration_account_id: Mapped[int | None] = mapped_column(BigInteger)
    project_cost_account_id: Mapped[int | None] = mapped_column(BigInteger)
    wip_sales_value_account_id: Mapped[int | None] = mapped_column(BigInteger)
    accrued_revenue_account_id: Mapped[int | None] = mapped_column(BigInteger)
    input_tax_account_id: Mapped[int | None] = mapped_column(BigInteger)
    employee_payable_account_id: Mapped[int | None] = mapped_column(BigInteger)
    vendor_payable_account_id: Mapped[int | None] = mapped_column(BigInteger)
    round_off_account_id: Mapped[int | None] = mapped_column(BigInteger)
    __table_args__ = (
        CheckConstraint(check_in("journal_period_unit", PeriodUnit), name="period_unit"),
        CheckConstraint("lines_per_journal BETWEEN 1 AND 100000", name="lines_per_journal"),
        CheckConstraint("batch_threshold BETWEEN 0 AND 1000000", name="batch_threshold"),
        same_entity_fk("default_project_category_id", "project_category"),
        same_entity_fk("voucher_sequence_id", "number_sequence"),
        same_entity_fk("journal_sequence_id", "number_sequence"),
        *(same_entity_fk(f"{role}_account_id", "account") for role in ACCOUNT_ROLES),
    )


class LinePropertyMapping(Base):
    """Billing type -> journal line property (M7, J3)."""

    __tablename__ = "line_property_mapping"
    legal_entity_id: Mapped[int] = mapped_column(
        ForeignKey("legal_entity.id", ondelete="CASCADE"), primary_key=True
    )
    billing_type: Mapped[str] = mapped_column(String(30), primary_key=True)
    line_property: Mapped[str] = mapped_column(String(30))
    __table_args__ = (
        CheckConstraint(check_in("billing_type", BillingType), name="billing_type"),
        CheckConstraint(check_in("line_property", LineProperty), name="line_property"),
    )
