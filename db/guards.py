"""The SQLSTATEs raised by the ledger guards of migration 0004, and how to recognise them.

The triggers raise in class "PJ" (unused by PostgreSQL) so that code can tell a guard from any
other database error without parsing messages. Mapping to a typed domain error happens above
`db/` (the domain or resolver layer); this module only says which guard fired.
"""

from __future__ import annotations

import enum


class Guard(enum.StrEnum):
    UNBALANCED = "PJ001"  # L1: voucher does not balance or has fewer than two lines
    POSTED_IMMUTABLE = "PJ002"  # L3: voucher, voucher_line, subledger_transaction
    ACTUAL_IMMUTABLE = "PJ003"  # A1: actual changed beyond description/adjustment status
    UNKNOWN_SEQUENCE = "PJ004"  # next_number() of a number_sequence id that does not exist


def sqlstate(error: BaseException) -> str | None:
    """The SQLSTATE of a driver error, wrapped by SQLAlchemy or not (asyncpg and psycopg)."""
    for candidate in (getattr(error, "orig", None), error):
        code = getattr(candidate, "sqlstate", None) or getattr(candidate, "pgcode", None)
        if isinstance(code, str):
            return code
    return None


def guard_of(error: BaseException) -> Guard | None:
    """Which ledger guard refused the statement, or None for any other error."""
    code = sqlstate(error)
    try:
        return Guard(code) if code is not None else None
    except ValueError:
        return None


def is_data_exception(error: BaseException) -> bool:
    """SQLSTATE class 22: a value PostgreSQL cannot take (a NUL in text, a number or date out
    of its type's range) — bad input, not a server fault."""
    code = sqlstate(error)
    return code is not None and code.startswith("22")
