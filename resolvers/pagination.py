"""Keyset pagination: `WHERE id > :after ORDER BY id LIMIT first + 1`, never OFFSET (or an
order of several keys ending with the id, `ordered_page`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, tuple_
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.selectable import ScalarSelect

from domain.errors import DomainError, ErrorCode
from resolvers.context import Context

Row = TypeVar("Row")
Out = TypeVar("Out")
MAX_PAGE = 100


@dataclass(frozen=True)
class Page(Generic[Row]):
    rows: Sequence[Row]
    keys: Sequence[int]
    has_next_page: bool
    has_previous_page: bool

    def map(self, convert: Callable[[Row], Out]) -> Page[Out]:
        return Page(
            [convert(row) for row in self.rows],
            self.keys,
            self.has_next_page,
            self.has_previous_page,
        )


def check_first(first: int) -> int:
    if first < 1 or first > MAX_PAGE:
        raise DomainError(
            ErrorCode.OUT_OF_RANGE, f"'first' must be between 1 and {MAX_PAGE}.", ["first"]
        )
    return first


async def keyset_page(
    context: Context,
    statement: Select[Any],
    id_column: ColumnElement[int] | InstrumentedAttribute[int],
    *,
    first: int,
    after: int | None,
    newest_first: bool = False,
) -> Page[Any]:
    """One statement per page: rows in id order (or reverse) after the cursor, one extra to
    see whether more follow."""
    check_first(first)
    if after is not None:
        statement = statement.where(id_column < after if newest_first else id_column > after)
    order = id_column.desc() if newest_first else id_column
    return await _page(context, statement.order_by(order), first, after)


async def ordered_page(
    context: Context,
    statement: Select[Any],
    keys: Sequence[ColumnElement[Any] | InstrumentedAttribute[Any]],
    position: Callable[[int], ScalarSelect[Any]],
    *,
    first: int,
    after: int | None,
) -> Page[Any]:
    """A keyset page in the order of `keys`, the last of them the row's id (an account
    statement: date, voucher, line). The cursor stays the id: `position(after)` selects the
    keys of the row it names, none for a row the caller may not see (an empty page), so the
    keys may only be values that never change (L3)."""
    check_first(first)
    if after is not None:
        statement = statement.where(tuple_(*keys) > position(after))
    return await _page(context, statement.order_by(*keys), first, after)


async def _page(context: Context, ordered: Select[Any], first: int, after: int | None) -> Page[Any]:
    """The first `first` rows of `ordered`, and one more read to see whether more follow."""
    limited = ordered.limit(first + 1)
    rows = list((await context.read(lambda session: session.scalars(limited))).all())
    has_next = len(rows) > first
    rows = rows[:first]
    return Page(rows, [row.id for row in rows], has_next, after is not None)
