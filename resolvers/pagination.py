"""Keyset pagination, never OFFSET: a page is the rows after (or before) a cursor in the order
of the connection's sort keys, the last of them the row's id, so ties never break the walk.
The cursor carries the sort key values of its row (`resolvers.cursors`), so a page continues
from a position, not from a row that may have changed or gone."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select, tuple_

from domain.errors import DomainError, ErrorCode
from resolvers.context import Context
from resolvers.cursors import Sort, encode_cursor_of

Row = TypeVar("Row")
Out = TypeVar("Out")
MAX_PAGE = 100
DEFAULT_PAGE = 50  # the page size when neither `first` nor `last` is given


@dataclass(frozen=True)
class Window:
    """Which page of a connection: `size` rows after `after` (forward) or the last `size`
    before `before` (backward), in `sort` ascending or descending. `after`/`before` are
    the sort key values a cursor carries (ending with the id), already checked."""

    size: int
    sort: Sort
    descending: bool = False
    backward: bool = False
    after: tuple[Any, ...] | None = None
    before: tuple[Any, ...] | None = None

    @property
    def shape(self) -> tuple[Any, ...]:
        """What changes the SQL (not the values bound in it)."""
        bounds = (self.after is not None, self.before is not None)
        return (self.sort.name, self.descending, self.backward, *bounds)

    @property
    def fetch_descending(self) -> bool:
        """A backward page reads from its cursor away, against the connection's order."""
        return self.descending != self.backward


@dataclass(frozen=True)
class Page(Generic[Row]):
    rows: Sequence[Row]
    cursors: Sequence[str]
    has_next_page: bool
    has_previous_page: bool
    # totalCount: one more statement, run only when a client selects it.
    count: Callable[[], Awaitable[int]]

    def map(self, convert: Callable[[Row], Out]) -> Page[Out]:
        return Page(
            [convert(row) for row in self.rows],
            self.cursors,
            self.has_next_page,
            self.has_previous_page,
            self.count,
        )


def check_size(size: int, name: str = "first") -> int:
    if size < 1 or size > MAX_PAGE:
        raise DomainError(
            ErrorCode.OUT_OF_RANGE, f"'{name}' must be between 1 and {MAX_PAGE}.", [name]
        )
    return size


def check_first(first: int) -> int:
    return check_size(first, "first")


async def keyset_page(context: Context, statement: Select[Any], window: Window) -> Page[Any]:
    """One statement per page: `statement`'s rows (one entity each) past the window's cursors
    in its order, one extra to see whether more follow; `totalCount` counts `statement`."""
    keys = [key.column for key in window.sort.keys]
    bounded = statement
    if window.after is not None:
        past = tuple_(*keys) < window.after if window.descending else tuple_(*keys) > window.after
        bounded = bounded.where(past)
    if window.before is not None:
        ahead = (
            tuple_(*keys) > window.before if window.descending else tuple_(*keys) < window.before
        )
        bounded = bounded.where(ahead)
    order = [key.desc() if window.fetch_descending else key.asc() for key in keys]
    limited = bounded.add_columns(*keys).order_by(*order).limit(window.size + 1)
    found = list((await context.read(lambda session: session.execute(limited))).all())
    more = len(found) > window.size
    found = found[: window.size]
    if window.backward:
        found.reverse()  # back in the connection's order

    async def count() -> int:
        counted = select(func.count()).select_from(statement.order_by(None).subquery())
        found: int | None = await context.read(lambda session: session.scalar(counted))
        return found or 0

    return Page(
        [row[0] for row in found],
        [encode_cursor_of(window.sort, tuple(row[1:])) for row in found],
        # The side a cursor was given on has rows (the cursor's own row at least).
        more if not window.backward else window.before is not None,
        more if window.backward else window.after is not None,
        count,
    )
