"""`node(id:)`: every Node type registers the model it is loaded from."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from db.base import Base
from domain.errors import DomainError
from schema.relay import Node, parse_id

M = TypeVar("M", bound=Base)
T = TypeVar("T")

_REGISTRY: dict[str, tuple[type[Base], Callable[[Any], Node]]] = {}


def register_node(type_name: str, model: type[Base], convert: Callable[[Any], Node]) -> None:
    _REGISTRY[type_name] = (model, convert)


def node_types() -> list[str]:
    """The names of every type `node(id:)` can return."""
    return sorted(_REGISTRY)


def node_source(global_id: str) -> tuple[type[Base], Callable[[Any], Node], int] | None:
    try:
        type_name, pk = parse_id(global_id)
    except DomainError as error:
        raise DomainError(error.code, error.message, ["id"]) from error
    entry = _REGISTRY.get(type_name)
    if entry is None:
        return None
    return entry[0], entry[1], pk


async def related(info: Any, model: type[M], pk: int | None, convert: Callable[[M], T]) -> T | None:
    """The object a row points at, loaded through the request's DataLoader (one statement per
    resolver level) and scoped like every load; None when there is no reference or no row."""
    if pk is None:
        return None
    row = await info.context.loaders.by_id(model).load(pk)
    return convert(row) if row is not None else None


async def node_of_row(info: Any, table: str, pk: int | None) -> Node | None:
    """The Node of a row named by its table (`journal_line`, 42), if that kind is a Node and
    the caller may see the row."""
    type_name = "".join(part.title() for part in table.split("_"))
    entry = _REGISTRY.get(type_name)
    if entry is None or pk is None:
        return None
    model, convert = entry
    return await related(info, model, pk, convert)
