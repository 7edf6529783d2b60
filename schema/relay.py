"""Relay conventions: global ids, the Node interface, connections with keyset cursors."""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

import strawberry

from domain.errors import DomainError, ErrorCode
from resolvers.cursors import unbase64

NodeType = TypeVar("NodeType")
MAX_PK = 2**63 - 1  # primary keys are BIGINT: a larger number names no row and fails to bind


def encode_id(type_name: str, pk: int) -> strawberry.ID:
    return strawberry.ID(base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode())


def parse_id(global_id: str) -> tuple[str, int]:
    """(type name, primary key) of a global id; a typed error when it is not one of ours."""
    type_name, _, raw_pk = unbase64(global_id).partition(":")
    if not (type_name and _is_key(raw_pk)):
        raise DomainError(ErrorCode.INVALID, f"'{_shown(global_id)}' is not a valid id.")
    return type_name, int(raw_pk)


def _is_key(text: str) -> bool:
    """A primary key as we write it: ASCII digits ('²'.isdigit() holds, and int() takes
    '+1', ' 1' and '1_0'), no leading zero, within BIGINT."""
    return (
        text.isascii()
        and text.isdigit()
        and not text.startswith("0")
        and len(text) <= len(str(MAX_PK))
        and int(text) <= MAX_PK
    )


def _shown(text: str, limit: int = 80) -> str:
    """User input as an error message repeats it: cut short (an id can be a megabyte)."""
    return text if len(text) <= limit else f"{text[:limit]}..."


def _article(word: str) -> str:
    return "an" if word[:1].upper() in "AEIOU" else "a"


def decode_id(global_id: str, expected_type: str, field: str = "id") -> int:
    """The primary key of a global id of `expected_type`, else a typed error on `field`."""
    try:
        type_name, pk = parse_id(global_id)
    except DomainError as error:
        raise DomainError(error.code, error.message, [field]) from error
    if type_name != expected_type:
        raise DomainError(
            ErrorCode.INVALID,
            f"'{_shown(global_id)}' is {_article(type_name)} {_shown(type_name)} id, not "
            f"{_article(expected_type)} {expected_type} id.",
            [field],
        )
    return pk


def decode_optional_id(global_id: str | None, expected_type: str, field: str = "id") -> int | None:
    """`decode_id` of an optional argument or input field: None stays None."""
    return decode_id(global_id, expected_type, field) if global_id is not None else None


@strawberry.interface(description="An object with a global id (Relay).")
class Node:
    pk: strawberry.Private[int]

    @strawberry.field(description="Global id, usable with `node(id:)`.")
    def id(self) -> strawberry.ID:
        return encode_id(type(self).__name__, self.pk)


@strawberry.type(description="Where a page sits in the whole list, and the cursors to move on.")
class PageInfo:
    has_next_page: bool = strawberry.field(
        description="True when more items follow this page: pass `endCursor` as `after`."
    )
    has_previous_page: bool = strawberry.field(
        description="True when items come before this page: pass `startCursor` as `before`"
        " (a page asked `after` a cursor has some)."
    )
    start_cursor: str | None = strawberry.field(
        description="Cursor of the first item of the page; null when the page is empty."
    )
    end_cursor: str | None = strawberry.field(
        description="Cursor of the last item of the page, to pass as `after` for the next "
        "page; null when the page is empty."
    )


@strawberry.type(description="One item of a page, with its position in the list.")
class Edge(Generic[NodeType]):
    cursor: str = strawberry.field(
        description="Opaque position of this item: pass it as `after` to get the items after it."
    )
    node: NodeType = strawberry.field(description="The item itself.")


@strawberry.type(
    description="A page of results: `first` or `last` rows (at most 100) in the `orderBy` order,"
    " and `totalCount`, how many there are in all."
)
class Connection(Generic[NodeType]):
    edges: list[Edge[NodeType]] = strawberry.field(
        description="The page's items with their cursors, in the list's order."
    )
    page_info: PageInfo = strawberry.field(
        description="Whether more items follow or precede, and the cursors to get them."
    )

    # totalCount's statement, run only when a client selects it.
    count: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="The page's items without their cursors (same as `edges.node`).")
    def nodes(self) -> list[NodeType]:
        return [edge.node for edge in self.edges]

    @strawberry.field(
        description="How many items the whole list has (with its filters, of what you may see),"
        " not just this page."
    )
    async def total_count(self) -> int:
        return await self.count()
