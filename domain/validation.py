"""Input checks shared by every domain: text, codes, amounts, dates."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import TypeVar

from domain.errors import DomainError, ErrorCode

CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,29}$")
MIN_DATE = dt.date(1900, 1, 1)
MAX_DATE = dt.date(2999, 12, 31)
MAX_AMOUNT = Decimal("999999999999999")  # NUMERIC(19,4) holds 15 integer digits

T = TypeVar("T")


def require_text(value: str, field: list[str], max_length: int = 200) -> str:
    stripped = value.strip()
    if not stripped:
        raise DomainError(ErrorCode.REQUIRED, f"{field[-1]} must not be empty.", field)
    if "\x00" in stripped:  # PostgreSQL text cannot hold NUL: refused here, not by the driver
        raise DomainError(ErrorCode.INVALID, f"{field[-1]} contains a NUL character.", field)
    if len(stripped) > max_length:
        raise DomainError(
            ErrorCode.OUT_OF_RANGE, f"{field[-1]} is longer than {max_length} characters.", field
        )
    return stripped


def require_code(value: str, field: list[str]) -> str:
    code = value.strip()
    if not CODE_PATTERN.match(code):
        raise DomainError(
            ErrorCode.INVALID,
            f"{field[-1]} must be 1-30 letters, digits, '_', '.' or '-'.",
            field,
        )
    return code


def check_decimal(
    value: Decimal,
    field: list[str],
    *,
    places: int,
    minimum: Decimal | None = Decimal(0),
    exclusive_minimum: bool = False,
    maximum: Decimal = MAX_AMOUNT,
) -> Decimal:
    """Refuse NaN, infinities, more decimals than the column keeps, and out-of-range values."""
    if not value.is_finite():
        raise DomainError(ErrorCode.INVALID, f"{field[-1]} must be a finite number.", field)
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        raise DomainError(
            ErrorCode.TOO_PRECISE, f"{field[-1]} has more than {places} decimals.", field
        )
    too_small = minimum is not None and (value <= minimum if exclusive_minimum else value < minimum)
    if too_small or abs(value) > maximum:
        bound = "greater than" if exclusive_minimum else "at least"
        raise DomainError(
            ErrorCode.OUT_OF_RANGE,
            f"{field[-1]} must be {bound} {minimum} and at most {maximum}.",
            field,
        )
    return value


def check_date(value: dt.date, field: list[str]) -> dt.date:
    if not MIN_DATE <= value <= MAX_DATE:
        raise DomainError(
            ErrorCode.OUT_OF_RANGE, f"{field[-1]} must be between {MIN_DATE} and {MAX_DATE}.", field
        )
    return value


class Collector:
    """Runs the independent checks and keeps every failure, so one reply lists them all."""

    def __init__(self) -> None:
        self.errors: list[DomainError] = []

    def run(self, check: Callable[[], T]) -> T | None:
        try:
            return check()
        except DomainError as error:
            self.errors.append(error)
            return None

    async def run_async(self, check: Awaitable[T]) -> T | None:
        try:
            return await check
        except DomainError as error:
            self.errors.append(error)
            return None
