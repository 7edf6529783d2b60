"""The typed error every mutation payload carries (`errors: [UserError!]!`)."""

from __future__ import annotations

import strawberry

from domain.errors import DomainError
from domain.errors import ErrorCode as DomainErrorCode
from schema.projects_totals import described_enum

ErrorCode = described_enum(
    DomainErrorCode,
    "ErrorCode",
    "Why a mutation refused its input: branch on the code, show the message.",
    {
        "INVALID": "A value is malformed or not allowed (a bad id, cursor, date or amount).",
        "REQUIRED": "A value that must be given is missing or empty.",
        "NOT_FOUND": "The id names nothing you can see (or nothing at all).",
        "DUPLICATE": "The code, number or date range is taken already: choose another.",
        "IN_USE": "Other rows still refer to it, so it cannot be deleted or changed that way.",
        "FORBIDDEN": "Your roles or legal entities do not allow this action on this row.",
        "OUT_OF_RANGE": "A number, date or text is outside its bounds (`first` over 100, a "
        "quantity not above 0, a share over 100 %, a text longer than allowed); the message "
        "gives the bounds.",
        "TOO_PRECISE": "A number has more decimals than it may have (amounts, quantities, "
        "rates, prices); the message says how many are allowed.",
        "INVALID_STATE": "The row's current status does not allow this action; the message "
        "names the status (E1, V1, J6).",
        "OTHER_LEGAL_ENTITY": "A referenced row belongs to another legal entity than the row "
        "being written (M1).",
        "NOT_EXPENSE_CLASS": "The shared category is not of class Expense (M2).",
        "NOT_USABLE_IN_EXPENSE": "The shared category may not be used in expenses (M2).",
        "PERIOD_NOT_OPEN": "The accounting date falls in a ledger period that is not Open, or "
        "in none (M5, L4).",
        "PERIOD_CLOSED_PERMANENTLY": "The ledger period is permanently closed and never "
        "reopens (M5).",
        "MISSING_EXCHANGE_RATE": "No exchange rate between the two currencies is valid on the "
        "date (M6).",
        "MISSING_ACCOUNT": "A ledger account the posting needs is not set in the legal "
        "entity's parameters (M7).",
        "UNBALANCED": "The voucher's debits and credits would not be equal (L1).",
        "SELF_APPROVAL": "You may not approve your own expense report without the admin role (E2).",
        "ALREADY_REVERSED": "The actual has been reversed already; it has at most one "
        "reversal (A1).",
        "INCOMPATIBLE_UNITS": "The units are in different unit groups, so no conversion "
        "exists (M3).",
        "OVERLAPPING_PRICE_LIST": "Another price list of the same context and currency is "
        "valid on some of these dates (M4).",
        "CONFLICT": "The idempotency key answered another input already: nothing was done; "
        "use a new key.",
        "INVALID_DIMENSION": "The financial dimension or value does not exist in the legal "
        "entity or is not active (J4).",
    },
)


@strawberry.type(description="An expected failure: nothing was written.")
class UserError:
    code: ErrorCode = strawberry.field(  # type: ignore[valid-type]
        description="What went wrong, as a stable code to branch on."
    )
    field: list[str] | None = strawberry.field(
        description='Path of the input field at fault (`["lines", "2", "quantity"]`), '
        "in the input's GraphQL names; null when the error concerns the input as a whole."
    )
    message: str = strawberry.field(
        description="A sentence for a person, in English; may change, so never parse it."
    )

    @classmethod
    def from_domain(cls, error: DomainError) -> UserError:
        return cls(code=error.code, field=error.field, message=error.message)
