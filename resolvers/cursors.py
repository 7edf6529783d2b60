"""Cursors of keyset pages: the sort key values of a row, as text both read paths write alike.

`cursor:<id>` in the id order; `cursor:<ORDER>:<id>:<value>...` in another order (`ORDER` its
`orderBy` field), the values in the order's keys; only the last may hold a colon. A cursor of
one order given to another is refused: its values would place the page wrongly.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from domain.errors import DomainError, ErrorCode

Kind = Literal["int", "date", "datetime", "decimal", "text"]
MAX_KEY = 2**63 - 1
MAX_TEXT = 1000  # longer than any sortable text column


@dataclass(frozen=True)
class Key:
    """One sort key: `column` (an SQLAlchemy expression, the reference path), `sql` (the same
    over the row alias `{t}`, the compiled path), `kind` (how its cursor text is written).
    Never null: a row comparison with null would drop rows."""

    column: Any
    kind: Kind
    sql: str


@dataclass(frozen=True)
class Sort:
    """An `orderBy` field: its name and keys, the row's id last."""

    name: str
    keys: tuple[Key, ...]
    description: str


def encode_cursor_of(sort: Sort, values: tuple[Any, ...]) -> str:
    """The cursor of a row whose sort key values are `values` (the id last)."""
    *ordered, key = values
    texts = [_text(sort.keys[n].kind, value) for n, value in enumerate(ordered)]
    body = ":".join([sort.name, str(key), *texts]) if texts else str(key)
    return id_cursor(body)


def id_cursor(body: object) -> str:
    """The cursor `cursor:<body>`: with an id alone, the row's in the id order."""
    return base64.urlsafe_b64encode(f"cursor:{body}".encode()).decode()


def unbase64(text: str) -> str:
    """The text `text` encodes in URL-safe base64; "" for anything else (a character that
    is not ASCII, a lone surrogate included, padding wrong, bytes that are not UTF-8). Global
    ids (schema/relay.py) and cursors are both read through it."""
    try:
        return base64.urlsafe_b64decode(text.encode("ascii")).decode()
    except (binascii.Error, UnicodeError):  # UnicodeError: encoding and decoding
        return ""


def decode_cursor_of(sort: Sort, cursor: str | None, argument: str) -> tuple[Any, ...] | None:
    """The sort key values of `cursor` (the id last), None for None; BAD_USER_INPUT when it is
    not a cursor, or one of another order."""
    if cursor is None:
        return None
    prefix, _, body = unbase64(cursor).partition(":")
    if prefix != "cursor" or not body:
        raise DomainError(ErrorCode.INVALID, "The cursor is not valid.", [argument])
    ordered = sort.keys[:-1]
    name = body.partition(":")[0] if ":" in body else "ID"
    if name != (sort.name if ordered else "ID"):
        if _order_name(name):
            raise _other_order(sort, argument)
        raise DomainError(ErrorCode.INVALID, "The cursor is not valid.", [argument])
    if ordered:
        body = body.partition(":")[2]
    parts = body.split(":", len(ordered))
    if len(parts) != len(ordered) + 1:
        raise DomainError(ErrorCode.INVALID, "The cursor is not valid.", [argument])
    try:
        values = [_value(key.kind, part) for key, part in zip(ordered, parts[1:], strict=True)]
        return (*values, _value("int", parts[0]))
    except ValueError as error:
        raise DomainError(ErrorCode.INVALID, "The cursor is not valid.", [argument]) from error


def _order_name(name: str) -> bool:
    """Whether `name` is written like an order's name (the cursor came from another order)."""
    return name.isascii() and name.replace("_", "").isalpha() and name.isupper()


def _other_order(sort: Sort, argument: str) -> DomainError:
    return DomainError(
        ErrorCode.INVALID,
        f"The cursor is of another order than {sort.name}: page with the orderBy it came from.",
        [argument],
    )


def _text(kind: Kind, value: Any) -> str:
    if kind == "datetime":
        return str(value.astimezone(dt.UTC).isoformat())
    if kind == "date":
        return str(value.isoformat())
    if kind == "decimal":
        return format(value, "f")  # as PostgreSQL writes NUMERIC: never an exponent
    return str(value)


def _value(kind: Kind, text: str) -> Any:
    """The value of a cursor's text; ValueError when it is not one `kind` could write."""
    if kind == "int":
        if not (text.isascii() and text.isdigit() and len(text) <= 19 and int(text) <= MAX_KEY):
            raise ValueError(text)
        return int(text)
    if kind == "date":
        return dt.date.fromisoformat(text)
    if kind == "datetime":
        moment = dt.datetime.fromisoformat(text)
        if moment.tzinfo is None:
            raise ValueError(text)
        return moment
    if kind == "decimal":
        try:
            number = Decimal(text)
        except InvalidOperation as error:
            raise ValueError(text) from error
        if not number.is_finite() or len(text) > 40:
            raise ValueError(text)
        return number
    if len(text) > MAX_TEXT:
        raise ValueError(text)
    return text
