"""The one way a mutation field turns its input and outcome into a payload.

`decoded` runs the input's conversion (global ids, domain values) and hands a failure back as
the payload's typed errors, like any domain failure; `errors_of` makes those errors. They are
the only ones: no mutation decodes an id or builds a UserError any other way, and resolvers
take domain values, never a conversion to run (tests/schema/test_mutation_shape.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from domain.errors import DomainError, DomainErrors
from resolvers.mutations import Outcome
from schema.errors import UserError

T = TypeVar("T")


async def decoded(convert: Callable[[], T], call: Callable[[T], Awaitable[Outcome[Any]]]) -> Any:
    """`call(convert())`, or the outcome of the conversion's failure: nothing is written."""
    try:
        value = convert()
    except DomainError as error:
        return Outcome(errors=[error])
    except DomainErrors as errors:
        return Outcome(errors=errors.errors)
    return await call(value)


def errors_of(outcome: Outcome[Any]) -> list[UserError]:
    return [UserError.from_domain(error) for error in outcome.errors]
