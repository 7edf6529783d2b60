"""`node(id:)`: every Node type registers the model it is loaded from."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from db.base import Base
from schema.relay import Node, parse_id

_REGISTRY: dict[str, tuple[type[Base], Callable[[Any], Node]]] = {}


def register_node(type_name: str, model: type[Base], convert: Callable[[Any], Node]) -> None:
    _REGISTRY[type_name] = (model, convert)


def node_source(global_id: str) -> tuple[type[Base], Callable[[Any], Node], int] | None:
    type_name, pk = parse_id(global_id)
    entry = _REGISTRY.get(type_name)
    if entry is None:
        return None
    return entry[0], entry[1], pk
