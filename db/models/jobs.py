"""Job runs of the periodic processes and their execution log (K1)."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, check_in, created_at_column, pk_column


class JobStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class LogLevel(enum.StrEnum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


class JobRun(Base):
    __tablename__ = "job_run"
    id: Mapped[int] = pk_column()
    task_name: Mapped[str] = mapped_column(String(100), index=True)
    procrastinate_job_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    legal_entity_id: Mapped[int | None] = mapped_column(ForeignKey("legal_entity.id"), index=True)
    requested_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    status: Mapped[str] = mapped_column(String(20), default=JobStatus.QUEUED)
    progress_done: Mapped[int] = mapped_column(Integer, default=0)
    progress_total: Mapped[int | None] = mapped_column(Integer)
    attempt: Mapped[int] = mapped_column(Integer, default=1)
    arguments: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    error: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = created_at_column()
    __table_args__ = (
        CheckConstraint(check_in("status", JobStatus), name="status"),
        CheckConstraint("progress_done >= 0", name="progress_non_negative"),
    )


class JobLogEntry(Base):
    __tablename__ = "job_log_entry"
    id: Mapped[int] = pk_column()
    job_run_id: Mapped[int] = mapped_column(
        ForeignKey("job_run.id", ondelete="CASCADE"), index=True
    )
    level: Mapped[str] = mapped_column(String(10))
    message: Mapped[str] = mapped_column(Text)
    entity_type: Mapped[str | None] = mapped_column(String(40))
    entity_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[dt.datetime] = created_at_column()
    __table_args__ = (CheckConstraint(check_in("level", LogLevel), name="level"),)
