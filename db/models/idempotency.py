"""Idempotency keys of the mutations that post (an Idempotency-Key, as Stripe has it)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import BigInteger, DateTime, ForeignKey, String, UniqueConstraint, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, pk_column


class IdempotencyKey(Base):
    """The first answer to (user, operation, key), replayed to a retry with the same input;
    `request_hash` tells a retry from a different request under the same key."""

    __tablename__ = "idempotency_key"
    id: Mapped[int] = pk_column()
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("app_user.id", ondelete="CASCADE"))
    operation: Mapped[str] = mapped_column(String(60))
    key: Mapped[str] = mapped_column(String(200))
    request_hash: Mapped[str] = mapped_column(String(64))
    response: Mapped[dict[str, Any]] = mapped_column(JSONB)
    # Indexed: keys older than the retention period are purged by age.
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), index=True
    )
    __table_args__ = (UniqueConstraint("user_id", "operation", "key"),)
