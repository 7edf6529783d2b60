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


async def run_mutation(
    context: Context, operation: Callable[[AsyncSession, Actor], Awaitable[T]]
) -> Outcome[T]:
    actor = context.actor
    async with context.db() as session:
        try:
            value = await operation(session, actor)
            await session.commit()
        except DomainError as error:
            await session.rollback()
            return Outcome(errors=[error])
        except DomainErrors as errors:
            await session.rollback()
            return Outcome(errors=errors.errors)
        except IntegrityError as exc:
            await session.rollback()
            return Outcome(errors=[_integrity_error(exc)])
        except DBAPIError as exc:
            await session.rollback()
            guarded = _guard_error(exc)
            if guarded is None:
                raise
            return Outcome(errors=[guarded])
    return Outcome(value=value)
