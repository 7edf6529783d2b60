"""Relay conventions: global ids, the Node interface, connections with keyset cursors."""

from __future__ import annotations

import base64
import binascii
from typing import Generic, TypeVar

import strawberry

from domain.errors import DomainError, ErrorCode

NodeType = TypeVar("NodeType")
MAX_PK = 2**63 - 1  # primary keys are BIGINT: a larger number names no row and fails to bind


def encode_id(type_name: str, pk: int) -> strawberry.ID:
    return strawberry.ID(base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode())


def parse_id(global_id: str) -> tuple[str, int]:
    """(type name, primary key) of a global id; a typed error when it is not one of ours."""
    try:
        type_name, _, raw_pk = base64.urlsafe_b64decode(global_id.encode()).decode().partition(":")
        pk = int(raw_pk)
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise DomainError(ErrorCode.INVALID, f"'{global_id}' is not a valid id.") from exc
    if not type_name or not 0 < pk <= MAX_PK:
        raise DomainError(ErrorCode.INVALID, f"'{global_id}' is not a valid id.")
    return type_name, pk


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
            f"'{global_id}' is {_article(type_name)} {type_name} id, not {_article(expected_type)} "
            f"{expected_type} id.",
            [field],
        )
    return pk


@strawberry.interface(description="An object with a global id (Relay).")
class Node:
    pk: strawberry.Private[int]

    @strawberry.field(description="Global id, usable with `node(id:)`.")
    def id(self) -> strawberry.ID:
        return encode_id(type(self).__name__, self.pk)


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[NodeType]):
    cursor: str
    node: NodeType


@strawberry.type(description="A page of results; `first` is capped at 100.")
class Connection(Generic[NodeType]):
    edges: list[Edge[NodeType]]
    page_info: PageInfo

    @strawberry.field
    def nodes(self) -> list[NodeType]:
        return [edge.node for edge in self.edges]


def encode_cursor(key: str) -> str:
    return base64.urlsafe_b64encode(f"cursor:{key}".encode()).decode()


def decode_cursor(cursor: str) -> str:
    try:
        prefix, _, key = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise DomainError(ErrorCode.INVALID, "The cursor is not valid.", ["after"]) from exc
    if prefix != "cursor" or not key:
        raise DomainError(ErrorCode.INVALID, "The cursor is not valid.", ["after"])
    return key
