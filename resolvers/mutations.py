"""One mutation = one transaction: commit on success, roll back on any expected failure."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actors import Actor
from domain.errors import DomainError, DomainErrors, ErrorCode
from resolvers.context import Context

T = TypeVar("T")


@dataclass
class Outcome(Generic[T]):
    value: T | None = None
    errors: list[DomainError] = field(default_factory=list)


def _integrity_error(exc: IntegrityError) -> DomainError:
    """A constraint the code did not check first (usually a race): still a typed error."""
    constraint = getattr(getattr(exc.orig, "__cause__", None), "constraint_name", None)
    if "unique" in str(exc.orig).lower() or (constraint or "").startswith("uq_"):
        return DomainError(
            ErrorCode.DUPLICATE, f"This conflicts with existing data ({constraint})."
        )
    return DomainError(ErrorCode.INVALID, f"The database refused the change ({constraint}).")


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
    return Outcome(value=value)
