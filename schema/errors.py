"""The typed error every mutation payload carries (`errors: [UserError!]!`)."""

from __future__ import annotations

import strawberry

from domain.errors import DomainError, DomainErrors
from domain.errors import ErrorCode as DomainErrorCode

ErrorCode = strawberry.enum(DomainErrorCode, name="ErrorCode")


@strawberry.type(description="An expected failure: nothing was written.")
class UserError:
    code: ErrorCode  # type: ignore[valid-type]
    field: list[str] | None
    message: str

    @classmethod
    def from_domain(cls, error: DomainError) -> UserError:
        return cls(code=error.code, field=error.field, message=error.message)

    @classmethod
    def from_exception(cls, error: DomainError | DomainErrors) -> list[UserError]:
        if isinstance(error, DomainErrors):
            return [cls.from_domain(item) for item in error.errors]
        return [cls.from_domain(error)]
