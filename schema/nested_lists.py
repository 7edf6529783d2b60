"""The `first` of a nested list (`Journal.lines(first:)`, `JobRun.log(first:)`, ...): bounded
like a page of a connection, so that no query can read an unbounded number of rows below each
of its nodes (schema/query_cost.py counts it)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from resolvers.pagination import MAX_PAGE, check_first

NestedFirst = Annotated[
    int,
    strawberry.argument(
        description=f"The first items, 1 to {MAX_PAGE} (default {MAX_PAGE}), in the list's order."
    ),
]
ALL = MAX_PAGE  # the default: every item, up to the cap


def nested_first(first: int) -> int:
    """`first` if within 1..100, else the typed OUT_OF_RANGE error of a connection's `first`."""
    return check_first(first)
