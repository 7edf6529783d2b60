"""One mutation = one transaction: commit on success, roll back on any expected failure."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from db.guards import Guard, guard_of, is_data_exception, sqlstate
from domain.actors import Actor
from domain.errors import DomainError, DomainErrors, ErrorCode
from resolvers.context import Context

T = TypeVar("T")
UNIQUE_VIOLATION, FOREIGN_KEY_VIOLATION = "23505", "23503"


@dataclass
class Outcome(Generic[T]):
    value: T | None = None
    errors: list[DomainError] = field(default_factory=list)


def _integrity_error(exc: IntegrityError) -> DomainError:
    """A constraint the code did not check first (usually a race): still a typed error."""
    cause = getattr(exc.orig, "__cause__", None)
    constraint = getattr(cause, "constraint_name", None) or ""
    state = sqlstate(exc)
    if state == UNIQUE_VIOLATION or constraint.startswith("uq_"):
        return DomainError(
            ErrorCode.DUPLICATE, f"This conflicts with existing data ({constraint})."
        )
    if state == FOREIGN_KEY_VIOLATION and "update or delete" in str(exc.orig):
        # Something was added meanwhile that still points at the row being removed.
        user = getattr(cause, "table_name", None) or "other rows"
        return DomainError(ErrorCode.IN_USE, f"It is still in use by {user} ({constraint}).")
    return DomainError(ErrorCode.INVALID, f"The database refused the change ({constraint}).")


_GUARD_CODES = {
    Guard.UNBALANCED: ErrorCode.UNBALANCED,
    Guard.POSTED_IMMUTABLE: ErrorCode.INVALID_STATE,
    Guard.ACTUAL_IMMUTABLE: ErrorCode.INVALID_STATE,
    Guard.UNKNOWN_SEQUENCE: ErrorCode.NOT_FOUND,
}


def _guard_error(exc: DBAPIError) -> DomainError | None:
    """A ledger guard of the database (L1, L3, A1) refused the change, or the database refused
    a value the checks let through (class 22, a data exception): a typed error either way."""
    if is_data_exception(exc):
        return DomainError(ErrorCode.INVALID, f"The database refused a value: {_first_line(exc)}")
    guard = guard_of(exc)
    if guard is None:
        return None
    return DomainError(_GUARD_CODES[guard], _first_line(exc).split(": ", 1)[-1])


def _first_line(exc: DBAPIError) -> str:
    return str(exc.orig).split("\n")[0]


def refusal(exc: Exception) -> list[DomainError] | None:
    """The typed errors of an expected failure, or None for one that is a bug (re-raise it)."""
    if isinstance(exc, DomainError):
        return [exc]
    if isinstance(exc, DomainErrors):
        return exc.errors
    if isinstance(exc, IntegrityError):
        return [_integrity_error(exc)]
    if isinstance(exc, DBAPIError):
        guarded = _guard_error(exc)
        return [guarded] if guarded is not None else None
    return None


async def run_mutation(
    context: Context, operation: Callable[[AsyncSession, Actor], Awaitable[T]]
) -> Outcome[T]:
    actor = context.actor
    async with context.db() as session:
        try:
            value = await operation(session, actor)
            await session.commit()
        except (DomainError, DomainErrors, DBAPIError) as exc:
            await session.rollback()
            errors = refusal(exc)
            if errors is None:
                raise
            return Outcome(errors=errors)
    return Outcome(value=value)
