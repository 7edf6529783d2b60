"""Vendor invoices made usable (V1-V9): what a subcontract line ordered, where a line's
defaults came from, the matching of lines to recorded costs, and status events (K3).

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Like journals and job runs (0004): a vendor invoice's status change is published.
EVENT_TRIGGERS = """
CREATE TRIGGER vendor_invoice_status_inserted AFTER INSERT ON vendor_invoice
 FOR EACH ROW EXECUTE FUNCTION projops_notify_status();
CREATE TRIGGER vendor_invoice_status_changed AFTER UPDATE OF status ON vendor_invoice
 FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status)
 EXECUTE FUNCTION projops_notify_status();
"""


def _match_table() -> None:
    op.create_table(
        "vendor_invoice_line_match",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("legal_entity_id", sa.BigInteger(), nullable=False),
        sa.Column("invoice_line_id", sa.BigInteger(), nullable=False),
        sa.Column("actual_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["legal_entity_id", "actual_id"],
            ["actual.legal_entity_id", "actual.id"],
            name=op.f("fk_vendor_invoice_line_match_legal_entity_id_actual_id_actual"),
        ),
        sa.ForeignKeyConstraint(
            ["legal_entity_id", "invoice_line_id"],
            ["vendor_invoice_line.legal_entity_id", "vendor_invoice_line.id"],
            name=op.f(
                "fk_vendor_invoice_line_match_legal_entity_id_invoice_line_id_vendor_invoice_line"
            ),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["legal_entity_id"],
            ["legal_entity.id"],
            name=op.f("fk_vendor_invoice_line_match_legal_entity_id_legal_entity"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vendor_invoice_line_match")),
        sa.UniqueConstraint("actual_id", name=op.f("uq_vendor_invoice_line_match_actual_id")),
        sa.UniqueConstraint(
            "legal_entity_id", "id", name="uq_vendor_invoice_line_match_legal_entity_id_id"
        ),
    )
    for column in ("invoice_line_id", "legal_entity_id"):
        op.create_index(
            op.f(f"ix_vendor_invoice_line_match_{column}"), "vendor_invoice_line_match", [column]
        )


def upgrade() -> None:
    _match_table()
    op.add_column("subcontract_line", sa.Column("quantity", sa.Numeric(19, 4), nullable=True))
    op.add_column("subcontract_line", sa.Column("unit_id", sa.BigInteger(), nullable=True))
    op.add_column("subcontract_line", sa.Column("unit_price", sa.Numeric(19, 6), nullable=True))
    op.create_foreign_key(
        op.f("fk_subcontract_line_unit_id_unit"), "subcontract_line", "unit", ["unit_id"], ["id"]
    )
    op.add_column("vendor", sa.Column("currency_code", sa.String(3), nullable=True))
    op.create_foreign_key(
        op.f("fk_vendor_currency_code_currency"), "vendor", "currency", ["currency_code"], ["code"]
    )
    invoice_columns: list[sa.Column[Any]] = [
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("status_before_hold", sa.String(20), nullable=True),
        sa.Column("accounting_date", sa.Date(), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("canceled_at", sa.DateTime(timezone=True), nullable=True),
    ]
    for column in invoice_columns:
        op.add_column("vendor_invoice", column)
    line_columns: list[sa.Column[Any]] = [
        sa.Column("name", sa.Text(), server_default="", nullable=False),
        sa.Column("unit_group_id", sa.BigInteger(), nullable=True),
        sa.Column("price_list_id", sa.BigInteger(), nullable=True),
        sa.Column("price_unit_id", sa.BigInteger(), nullable=True),
        sa.Column("price_warning", sa.Text(), nullable=True),
    ]
    for column in line_columns:
        op.add_column("vendor_invoice_line", column)
    op.create_foreign_key(
        op.f("fk_vendor_invoice_line_price_unit_id_unit"),
        "vendor_invoice_line",
        "unit",
        ["price_unit_id"],
        ["id"],
    )
    op.create_foreign_key(
        op.f("fk_vendor_invoice_line_legal_entity_id_price_list_id_price_list"),
        "vendor_invoice_line",
        "price_list",
        ["legal_entity_id", "price_list_id"],
        ["legal_entity_id", "id"],
    )
    op.create_foreign_key(
        op.f("fk_vendor_invoice_line_unit_group_id_unit_group"),
        "vendor_invoice_line",
        "unit_group",
        ["unit_group_id"],
        ["id"],
    )
    op.execute(EVENT_TRIGGERS)


def downgrade() -> None:
    op.execute("DROP TRIGGER vendor_invoice_status_changed ON vendor_invoice")
    op.execute("DROP TRIGGER vendor_invoice_status_inserted ON vendor_invoice")
    for name in ("unit_group_id_unit_group", "legal_entity_id_price_list_id_price_list"):
        op.drop_constraint(
            op.f(f"fk_vendor_invoice_line_{name}"), "vendor_invoice_line", type_="foreignkey"
        )
    op.drop_constraint(
        op.f("fk_vendor_invoice_line_price_unit_id_unit"), "vendor_invoice_line", type_="foreignkey"
    )
    for column in ("price_warning", "price_unit_id", "price_list_id", "unit_group_id", "name"):
        op.drop_column("vendor_invoice_line", column)
    for column in (
        "canceled_at",
        "confirmed_at",
        "accounting_date",
        "status_before_hold",
        "description",
    ):
        op.drop_column("vendor_invoice", column)
    op.drop_constraint(op.f("fk_vendor_currency_code_currency"), "vendor", type_="foreignkey")
    op.drop_column("vendor", "currency_code")
    op.drop_constraint(
        op.f("fk_subcontract_line_unit_id_unit"), "subcontract_line", type_="foreignkey"
    )
    for column in ("unit_price", "unit_id", "quantity"):
        op.drop_column("subcontract_line", column)
    op.drop_table("vendor_invoice_line_match")
