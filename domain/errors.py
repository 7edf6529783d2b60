"""Expected failures of the business rules, returned to clients as typed data."""

from __future__ import annotations

import enum
from collections.abc import Sequence


class ErrorCode(enum.StrEnum):
    INVALID = "invalid"
    REQUIRED = "required"
    NOT_FOUND = "not_found"
    DUPLICATE = "duplicate"
    IN_USE = "in_use"
    FORBIDDEN = "forbidden"
    OUT_OF_RANGE = "out_of_range"
    TOO_PRECISE = "too_precise"
    INVALID_STATE = "invalid_state"
    OTHER_LEGAL_ENTITY = "other_legal_entity"
    NOT_EXPENSE_CLASS = "not_expense_class"
    NOT_USABLE_IN_EXPENSE = "not_usable_in_expense"
    PERIOD_NOT_OPEN = "period_not_open"
    PERIOD_CLOSED_PERMANENTLY = "period_closed_permanently"
    MISSING_EXCHANGE_RATE = "missing_exchange_rate"
    MISSING_ACCOUNT = "missing_account"
    UNBALANCED = "unbalanced"
    SELF_APPROVAL = "self_approval"
    ALREADY_REVERSED = "already_reversed"
    INCOMPATIBLE_UNITS = "incompatible_units"
    OVERLAPPING_PRICE_LIST = "overlapping_price_list"
    # An idempotency key that already answered another input: nothing was done.
    CONFLICT = "conflict"
    # A financial dimension or value that the legal entity does not have, or not active (J4).
    INVALID_DIMENSION = "invalid_dimension"


class DomainError(Exception):
    """One expected failure: a code, the input field path it concerns, and a readable message."""

    def __init__(self, code: ErrorCode, message: str, field: Sequence[str] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = list(field) if field is not None else None


class DomainErrors(Exception):
    """Several failures found together (validation of a whole input)."""

    def __init__(self, errors: Sequence[DomainError]) -> None:
        super().__init__("; ".join(error.message for error in errors))
        self.errors = list(errors)
