"""The authorization matrix (docs/authorization.md) as data, and what its words mean to a test:
who calls for each role column, how a row's condition is made to hold or fail on the sample
rows, and whether an answer is an allowed or a refused call."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from tests.support.schema_calls import Call

MATRIX_FILE = Path(__file__).resolve().parents[2] / "docs" / "authorization.md"
# Role column -> the world's user who holds that one role (None: no token).
CALLERS = {
    "anonymous": None,
    "employee": "employee",
    "project_manager": "manager2",
    "accountant": "accountant",
    "admin": "admin",
}
CELLS = frozenset({"yes", "no", "if"})
ENTITY_RULES = frozenset({"yours", "all", "filtered", "none"})
ONE_ENTITY_ADMIN = "outsider"  # admin and accountant of DEPM only
SOMEONE_ELSE = "employee2"  # a USPM employee who is none of the callers
REFUSALS = frozenset({"FORBIDDEN", "UNAUTHENTICATED"})
# graphql-transport-ws refuses a connection_init by closing the socket: 4401 Unauthorized,
# 4403 Forbidden (no token, an expired or revoked one).
CLOSED = frozenset({"CLOSED_4401", "CLOSED_4403"})
Answer = tuple[list[dict[str, Any]], bool]  # the errors, and whether any row changed

_OWN = "UPDATE expense_report SET employee_user_id = :who WHERE id = :report"
_MANAGES = """UPDATE project SET manager_user_id = :who
    WHERE id IN (SELECT project_id FROM expense_line WHERE report_id = :report)"""
_MANAGES_LINE = """UPDATE project SET manager_user_id = :who
    WHERE id = (SELECT project_id FROM vendor_invoice_line WHERE id = :invoice_line)"""
# Condition -> whether it holds -> the statements that make it so, each with who it names:
# the caller, or someone else (never the caller, so no one decides on their own report).
Setting = list[tuple[str, str]]
CONDITIONS: dict[str, dict[bool, Setting]] = {
    "—": {True: [], False: []},
    "own report": {True: [(_OWN, "caller")], False: [(_OWN, "other")]},
    "approver": {
        True: [(_OWN, "other"), (_MANAGES, "caller")],
        False: [(_OWN, "other"), (_MANAGES, "other")],
    },
    "own report or approver": {
        True: [(_OWN, "caller")],
        False: [(_OWN, "other"), (_MANAGES, "other")],
    },
    "line's project manager": {
        True: [(_MANAGES_LINE, "caller")],
        False: [(_MANAGES_LINE, "other")],
    },
    "refresh token": {True: [], False: []},  # on the input: see with_condition_input
}
# Conditions on the call's input, not on rows: the input field given while the condition holds.
INPUT_CONDITIONS = {"refresh token": "refreshToken"}


@dataclass(frozen=True)
class Rule:
    """One row of the matrix: `cells` by role column, a condition, a legal entity rule."""

    kind: str  # Query, Mutation or Subscription
    field: str
    cells: dict[str, str]
    condition: str
    entities: str


def read_matrix() -> dict[tuple[str, str], Rule]:
    """Every row of the matrix's table, by (kind, field); a row written twice is an error."""
    rules: dict[tuple[str, str], Rule] = {}
    for line in MATRIX_FILE.read_text().splitlines():
        if not line.startswith("| `"):
            continue
        name, *cells, condition, entities, _notes = (cell.strip() for cell in line.split("|")[1:-1])
        kind, _, field = name.strip("`").partition(".")
        assert (kind, field) not in rules, f"{name} has two rows"
        rules[kind, field] = Rule(
            kind, field, dict(zip(CALLERS, cells, strict=True)), condition, entities
        )
    return rules


async def make_condition(
    connection: AsyncConnection, setting: Setting, who: dict[str, int], rows: dict[str, int]
) -> None:
    """Runs the statements of a condition's setting on the sample rows `rows`."""
    for statement, person in setting:
        names = {"who": who[person], "report": rows.get("ExpenseReport", 0)}
        names["invoice_line"] = rows.get("VendorInvoiceLine", 0)
        await connection.execute(text(statement), names)


def codes(errors: list[dict[str, Any]]) -> set[str]:
    """The codes of an answer's typed and GraphQL errors."""
    return {str(error.get("code") or error.get("extensions", {}).get("code")) for error in errors}


def verdict(errors: list[dict[str, Any]]) -> str:
    """ "no" when the answer is a refusal for who calls and nothing else, "yes" when nothing
    in it refuses the caller, "mixed" otherwise (a refusal beside other errors)."""
    found = codes(errors)
    if not found & REFUSALS:
        return "yes"
    return "no" if len(found) == 1 else "mixed"


def wrong_answer(
    rule: Rule, who: str, expected: str, answer: Answer, closed: frozenset[str] = frozenset()
) -> str | None:
    """Why the answer breaks the row, or None: refused is the one refusal and nothing written
    (UNAUTHENTICATED without a token, FORBIDDEN with one, or a socket `closed` with one of
    those codes); allowed refuses nobody."""
    errors, written = answer
    if "INTERNAL_SERVER_ERROR" in codes(errors):
        return f"{rule.kind}.{rule.field} as {who}: an internal error {errors}"
    if expected == "no":
        wanted = "UNAUTHENTICATED" if who.startswith("anonymous") else "FORBIDDEN"
        if len(codes(errors)) == 1 and codes(errors) <= {wanted, *closed} and not written:
            return None
    elif verdict(errors) == "yes":
        return None
    return f"{rule.kind}.{rule.field} as {who}: expected {expected}, got {errors} {written=}"


def not_found(error: dict[str, Any]) -> bool:
    """NOT_FOUND, as a payload's or a request's error (BAD_USER_INPUT for the reason)."""
    extensions = error.get("extensions", {})
    return "NOT_FOUND" in (error.get("code"), extensions.get("code"), extensions.get("reason"))


def with_condition_input(call: Call, condition: str, holds: bool, value: str) -> Call:
    """The call with the condition's input field set to `value` while it holds (a refresh
    token of someone's open session), else as it is."""
    name = INPUT_CONDITIONS.get(condition)
    if name is None or not holds:
        return call
    variables = call.variables | {"input": call.variables.get("input", {}) | {name: value}}
    return Call(call.kind, call.field, call.document, variables)
