"""Connection arguments into a keyset window, and a resolver's page into a Relay connection."""

from __future__ import annotations

from typing import Annotated, TypeVar

import strawberry

from domain.errors import DomainError, ErrorCode
from resolvers.cursors import decode_cursor_of
from resolvers.pagination import DEFAULT_PAGE, Page, Window, check_size
from schema.orders import ORDERINGS, OrderBy, OrderDirection
from schema.relay import Connection, Edge, PageInfo

T = TypeVar("T")

First = Annotated[
    int | None,
    strawberry.argument(
        description=f"The first n rows (after `after`), 1 to 100; {DEFAULT_PAGE} when neither"
        " first nor last is given."
    ),
]
After = Annotated[
    str | None, strawberry.argument(description="Rows after this cursor (an edge's `cursor`).")
]
Last = Annotated[
    int | None,
    strawberry.argument(
        description="The last n rows (before `before`), 1 to 100, still in the connection's"
        " order; not together with first."
    ),
]
Before = Annotated[
    str | None, strawberry.argument(description="Rows before this cursor (an edge's `cursor`).")
]


def window(
    type_name: str,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
    order: tuple[str, bool] | None,
    default: tuple[str, bool] | None = None,
) -> Window:
    """The page the arguments ask for; `order`: (orderBy field, descending), else `default`,
    else the connection's own. BAD_USER_INPUT for first with last, a size out of 1..100 or a
    cursor that is not one of this order."""
    if first is not None and last is not None:
        message = "Give 'first' or 'last', not both."
        raise DomainError(ErrorCode.INVALID, message, ["last"])
    if last is not None:
        size = check_size(last, "last")
    else:
        size = check_size(DEFAULT_PAGE if first is None else first)
    declared = ORDERINGS[type_name]
    field, descending = order or default or declared.default
    sort = declared.sorts[field]
    return Window(
        size,
        sort,
        descending,
        backward=last is not None,
        after=decode_cursor_of(sort, after, "after"),
        before=decode_cursor_of(sort, before, "before"),
    )


def order_of(order_by: OrderBy | None) -> tuple[str, bool] | None:
    """(field, descending) of an `orderBy` argument."""
    if order_by is None:
        return None
    return str(order_by.field.value), order_by.direction == OrderDirection.DESC


def to_connection(page: Page[T]) -> Connection[T]:
    edges = [
        Edge(cursor=cursor, node=node) for cursor, node in zip(page.cursors, page.rows, strict=True)
    ]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=page.has_next_page,
            has_previous_page=page.has_previous_page,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        count=page.count,
    )
