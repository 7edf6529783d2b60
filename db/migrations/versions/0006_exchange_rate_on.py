"""One definition of the rate valid on a date (M6), used by Python and by set-based SQL.

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The pair's latest rate valid on the date; else the inverse of the opposite pair's, at the
# rate column's 6 places (round() is half away from zero: half-up for positive rates); 1 for
# one currency; NULL when there is none, or when the inverse is too small to keep (never 0).
# A single SQL expression, so the planner inlines it into set-based statements.
FUNCTION = """
CREATE FUNCTION exchange_rate_on(from_currency text, to_currency text, on_date date)
RETURNS numeric LANGUAGE sql STABLE PARALLEL SAFE AS $$
SELECT CASE WHEN from_currency = to_currency THEN 1::numeric(19, 6) ELSE coalesce(
    (SELECT r.rate FROM exchange_rate r
      WHERE r.from_currency = $1 AND r.to_currency = $2 AND r.valid_from <= $3
      ORDER BY r.valid_from DESC LIMIT 1),
    nullif(round(1 / (SELECT r.rate FROM exchange_rate r
      WHERE r.from_currency = $2 AND r.to_currency = $1 AND r.valid_from <= $3
      ORDER BY r.valid_from DESC LIMIT 1), 6), 0)) END
$$
"""


def upgrade() -> None:
    op.execute(FUNCTION)


def downgrade() -> None:
    op.execute("DROP FUNCTION exchange_rate_on(text, text, date)")
