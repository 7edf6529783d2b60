"""Turn a resolver's keyset page into a Relay connection."""

from __future__ import annotations

from typing import TypeVar

from resolvers.pagination import Page
from schema.relay import Connection, Edge, PageInfo, encode_cursor

T = TypeVar("T")


def to_connection(page: Page[T]) -> Connection[T]:
    edges = [
        Edge(cursor=encode_cursor(str(key)), node=node)
        for key, node in zip(page.keys, page.rows, strict=True)
    ]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=page.has_next_page,
            has_previous_page=page.has_previous_page,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
    )


def after_key(after: str | None) -> int | None:
    """The id inside an `after` cursor, or None on the first page."""
    from domain.errors import DomainError, ErrorCode
    from schema.relay import MAX_PK, decode_cursor

    if after is None:
        return None
    key = decode_cursor(after)
    # ASCII digits only ('²'.isdigit() holds but int() refuses it), within BIGINT.
    if not (key.isascii() and key.isdigit() and len(key) <= 19) or int(key) > MAX_PK:
        raise DomainError(ErrorCode.INVALID, "The cursor is not valid.", ["after"])
    return int(key)
