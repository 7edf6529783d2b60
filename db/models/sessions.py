"""Sign-in sessions and their refresh tokens (issue 12: a token never outlives its access).

A session is what a refresh token stands for: access tokens are minted for it, name it (`sid`)
and die with it. Its lifetime is absolute (`expires_at`, set at sign-in); each refresh replaces
its refresh token, and the replaced one is kept (its hash only) so that presenting it again
can be told from a guess: reuse of a rotated refresh token means it was stolen, and revokes
the session (OAuth 2.1, RFC 6819 5.2.2.3). Tokens are random; only their SHA-256 is stored.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid

from sqlalchemy import BigInteger, CheckConstraint, DateTime, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, check_in, created_at_column


class RevokedBecause(enum.StrEnum):
    SIGNED_OUT = "signed_out"
    REFRESH_TOKEN_REUSED = "refresh_token_reused"
    REVOKED_BY_ADMIN = "revoked_by_admin"


class UserSession(Base):
    __tablename__ = "user_session"
    # Random, not a sequence: access tokens carry it, and it keys caches of any database.
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("app_user.id", ondelete="CASCADE"), index=True
    )
    # SHA-256 of the current refresh token.
    refresh_token_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    created_at: Mapped[dt.datetime] = created_at_column()
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_because: Mapped[str | None] = mapped_column(String(30))
    __table_args__ = (
        CheckConstraint(check_in("revoked_because", RevokedBecause), name="revoked_because"),
        CheckConstraint(
            "(revoked_at IS NULL) = (revoked_because IS NULL)", name="revoked_with_reason"
        ),
    )


class RotatedRefreshToken(Base):
    """A refresh token already exchanged for the next one of its session."""

    __tablename__ = "rotated_refresh_token"
    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    session_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("user_session.id", ondelete="CASCADE"), index=True
    )
    rotated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
