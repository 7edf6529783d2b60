"""The books made readable and the accounting fixes of issue 10: voucher lines keep their
project, tax groups and dimension distribution (J5), financial dimensions are master data
(J4), expense categories and lines have units (M3, M4), idempotency keys for postings.

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# L3: a posted distribution is as immutable as its voucher line (function of 0004).
IMMUTABLE = """
CREATE TRIGGER voucher_line_dimension_immutable BEFORE UPDATE OR DELETE ON voucher_line_dimension
 FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
"""


def _entity_columns() -> list[sa.Column[int]]:
    return [
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("legal_entity_id", sa.BigInteger(), nullable=False),
    ]


def _entity_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["legal_entity_id"],
        ["legal_entity.id"],
        name=op.f(f"fk_{table}_legal_entity_id_legal_entity"),
    )


def _idempotency_keys() -> None:
    op.create_table(
        "idempotency_key",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("operation", sa.String(60), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("response", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["app_user.id"],
            name=op.f("fk_idempotency_key_user_id_app_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotency_key")),
        sa.UniqueConstraint(
            "user_id", "operation", "key", name=op.f("uq_idempotency_key_user_id_operation_key")
        ),
    )
    op.create_index(op.f("ix_idempotency_key_created_at"), "idempotency_key", ["created_at"])


def _dimensions() -> None:
    op.create_table(
        "financial_dimension",
        *_entity_columns(),
        sa.Column("code", sa.String(30), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        _entity_fk("financial_dimension"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_financial_dimension")),
        sa.UniqueConstraint(
            "legal_entity_id", "code", name=op.f("uq_financial_dimension_legal_entity_id_code")
        ),
        sa.UniqueConstraint(
            "legal_entity_id", "id", name="uq_financial_dimension_legal_entity_id_id"
        ),
    )
    op.create_index(
        op.f("ix_financial_dimension_legal_entity_id"), "financial_dimension", ["legal_entity_id"]
    )
    op.create_table(
        "financial_dimension_value",
        *_entity_columns(),
        sa.Column("dimension_id", sa.BigInteger(), nullable=False),
        sa.Column("value", sa.String(60), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["legal_entity_id", "dimension_id"],
            ["financial_dimension.legal_entity_id", "financial_dimension.id"],
            name=op.f(
                "fk_financial_dimension_value_legal_entity_id_dimension_id_financial_dimension"
            ),
            ondelete="CASCADE",
        ),
        _entity_fk("financial_dimension_value"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_financial_dimension_value")),
        sa.UniqueConstraint(
            "dimension_id", "value", name=op.f("uq_financial_dimension_value_dimension_id_value")
        ),
        sa.UniqueConstraint(
            "legal_entity_id", "id", name="uq_financial_dimension_value_legal_entity_id_id"
        ),
    )
    for column in ("dimension_id", "legal_entity_id"):
        op.create_index(
            op.f(f"ix_financial_dimension_value_{column}"), "financial_dimension_value", [column]
        )


def _voucher_lines() -> None:
    op.create_unique_constraint(
        "uq_voucher_line_legal_entity_id_id", "voucher_line", ["legal_entity_id", "id"]
    )
    op.create_table(
        "voucher_line_dimension",
        *_entity_columns(),
        sa.Column("voucher_line_id", sa.BigInteger(), nullable=False),
        sa.Column("dimension", sa.String(30), nullable=False),
        sa.Column("value", sa.String(60), nullable=False),
        sa.Column("share_percent", sa.Numeric(7, 4), nullable=False),
        sa.CheckConstraint(
            "share_percent > 0 AND share_percent <= 100",
            name=op.f("ck_voucher_line_dimension_share_range"),
        ),
        sa.ForeignKeyConstraint(
            ["legal_entity_id", "voucher_line_id"],
            ["voucher_line.legal_entity_id", "voucher_line.id"],
            name=op.f("fk_voucher_line_dimension_legal_entity_id_voucher_line_id_voucher_line"),
        ),
        _entity_fk("voucher_line_dimension"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_voucher_line_dimension")),
    )
    for column in ("legal_entity_id", "voucher_line_id"):
        op.create_index(
            op.f(f"ix_voucher_line_dimension_{column}"), "voucher_line_dimension", [column]
        )
    op.add_column("voucher_line", sa.Column("project_id", sa.BigInteger(), nullable=True))
    for column in ("billing_sales_tax_group", "billing_item_sales_tax_group"):
        op.add_column("voucher_line", sa.Column(column, sa.String(30), nullable=True))
    op.create_index(op.f("ix_voucher_line_project_id"), "voucher_line", ["project_id"])
    op.create_foreign_key(
        op.f("fk_voucher_line_legal_entity_id_project_id_project"),
        "voucher_line",
        "project",
        ["legal_entity_id", "project_id"],
        ["legal_entity_id", "id"],
    )
    op.create_index(
        "ix_voucher_legal_entity_id_accounting_date",
        "voucher",
        ["legal_entity_id", "accounting_date"],
    )
    op.execute(IMMUTABLE)


def _units() -> None:
    op.add_column("expense_category", sa.Column("unit_group_id", sa.BigInteger(), nullable=True))
    op.add_column("expense_category", sa.Column("default_unit_id", sa.BigInteger(), nullable=True))
    op.create_foreign_key(
        op.f("fk_expense_category_default_unit_id_unit"),
        "expense_category",
        "unit",
        ["default_unit_id"],
        ["id"],
    )
    op.create_foreign_key(
        op.f("fk_expense_category_unit_group_id_unit_group"),
        "expense_category",
        "unit_group",
        ["unit_group_id"],
        ["id"],
    )
    op.add_column("expense_line", sa.Column("unit_id", sa.BigInteger(), nullable=True))
    op.create_foreign_key(
        op.f("fk_expense_line_unit_id_unit"), "expense_line", "unit", ["unit_id"], ["id"]
    )


def upgrade() -> None:
    _idempotency_keys()
    _dimensions()
    _voucher_lines()
    _units()


def downgrade() -> None:
    op.drop_constraint(op.f("fk_expense_line_unit_id_unit"), "expense_line", type_="foreignkey")
    op.drop_column("expense_line", "unit_id")
    for name in ("unit_group_id_unit_group", "default_unit_id_unit"):
        op.drop_constraint(
            op.f(f"fk_expense_category_{name}"), "expense_category", type_="foreignkey"
        )
    op.drop_column("expense_category", "default_unit_id")
    op.drop_column("expense_category", "unit_group_id")
    op.drop_index("ix_voucher_legal_entity_id_accounting_date", table_name="voucher")
    op.drop_constraint(
        op.f("fk_voucher_line_legal_entity_id_project_id_project"),
        "voucher_line",
        type_="foreignkey",
    )
    op.drop_index(op.f("ix_voucher_line_project_id"), table_name="voucher_line")
    for column in ("billing_item_sales_tax_group", "billing_sales_tax_group", "project_id"):
        op.drop_column("voucher_line", column)
    op.drop_table("voucher_line_dimension")  # its trigger goes with it
    op.drop_constraint("uq_voucher_line_legal_entity_id_id", "voucher_line", type_="unique")
    op.drop_table("financial_dimension_value")
    op.drop_table("financial_dimension")
    op.drop_table("idempotency_key")
