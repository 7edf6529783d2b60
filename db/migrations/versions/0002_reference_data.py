"""Reference data: ISO currencies with their decimals.

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CURRENCIES = [
    ("USD", "US dollar", 2),
    ("EUR", "Euro", 2),
    ("GBP", "Pound sterling", 2),
    ("DKK", "Danish krone", 2),
    ("SEK", "Swedish krona", 2),
    ("NOK", "Norwegian krone", 2),
    ("CHF", "Swiss franc", 2),
    ("CAD", "Canadian dollar", 2),
    ("AUD", "Australian dollar", 2),
    ("JPY", "Japanese yen", 0),
]


def upgrade() -> None:
    currency = sa.table("currency", sa.column("code"), sa.column("name"), sa.column("decimals"))
    op.bulk_insert(currency, [{"code": c, "name": n, "decimals": d} for c, n, d in CURRENCIES])


def downgrade() -> None:
    op.execute("DELETE FROM currency")
