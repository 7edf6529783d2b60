"""Integrity the reviews asked for: one price list line per category and unit, "no unit"
included (M4); actuals and project expenses may only name a task of their project.

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PRICE_LINE_KEY = "uq_price_list_line_price_list_id_transaction_category_id_unit_id"
TASK_KEYS = {
    "actual": "fk_actual_project_id_task_id_task",
    "project_expense": "fk_project_expense_project_id_task_id_task",
}


def upgrade() -> None:
    op.drop_constraint(op.f(PRICE_LINE_KEY), "price_list_line", type_="unique")
    op.create_unique_constraint(
        op.f(PRICE_LINE_KEY),
        "price_list_line",
        ["price_list_id", "transaction_category_id", "unit_id"],
        postgresql_nulls_not_distinct=True,
    )
    for table, name in TASK_KEYS.items():
        op.create_foreign_key(name, table, "task", ["project_id", "task_id"], ["project_id", "id"])


def downgrade() -> None:
    for table, name in TASK_KEYS.items():
        op.drop_constraint(name, table, type_="foreignkey")
    op.drop_constraint(op.f(PRICE_LINE_KEY), "price_list_line", type_="unique")
    op.create_unique_constraint(
        op.f(PRICE_LINE_KEY),
        "price_list_line",
        ["price_list_id", "transaction_category_id", "unit_id"],
    )
