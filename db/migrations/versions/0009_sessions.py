"""Sign-in sessions (issue 12): short access tokens name a session, revocable, with an absolute
lifetime; its refresh token rotates on each use and the rotated ones are remembered so that
their reuse revokes the session. Only SHA-256 hashes of refresh tokens are stored.

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _timestamp(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "user_session",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("refresh_token_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        _timestamp("expires_at"),
        _timestamp("last_used_at"),
        _timestamp("revoked_at", nullable=True),
        sa.Column("revoked_because", sa.String(length=30), nullable=True),
        sa.CheckConstraint(
            "revoked_because IN ('signed_out', 'refresh_token_reused', 'revoked_by_admin')",
            name=op.f("ck_user_session_revoked_because"),
        ),
        sa.CheckConstraint(
            "(revoked_at IS NULL) = (revoked_because IS NULL)",
            name=op.f("ck_user_session_revoked_with_reason"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["app_user.id"],
            name=op.f("fk_user_session_user_id_app_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_session")),
        sa.UniqueConstraint("refresh_token_hash", name=op.f("uq_user_session_refresh_token_hash")),
    )
    op.create_index(op.f("ix_user_session_user_id"), "user_session", ["user_id"])
    op.create_table(
        "rotated_refresh_token",
        sa.Column("token_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("session_id", sa.Uuid(), nullable=False),
        _timestamp("rotated_at"),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["user_session.id"],
            name=op.f("fk_rotated_refresh_token_session_id_user_session"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_rotated_refresh_token")),
    )
    op.create_index(
        op.f("ix_rotated_refresh_token_session_id"), "rotated_refresh_token", ["session_id"]
    )


def downgrade() -> None:
    op.drop_table("rotated_refresh_token")
    op.drop_table("user_session")
