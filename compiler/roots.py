"""The root query fields this path plans, each as `prepare` (arguments checked by the same
functions as the reference path; a refusal sends the request there) and `sql`."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any, Protocol

from graphql import FieldNode, GraphQLObjectType

from compiler.catalog import TYPES, object_by_id
from compiler.selection import Selection
from compiler.sql import Unsupported, present_or_fail
from domain.actors import Actor
from schema.relay import decode_id, parse_id


class Prepared(Protocol):
    @property
    def shape(self) -> Hashable:
        """What of the arguments changes the statement (not their values)."""
        ...


class Root(Protocol):
    def prepare(self, arguments: dict[str, Any], actor: Actor) -> Prepared: ...

    def sql(self, selection: Selection, key: str, nodes: list[FieldNode], args: Any) -> str: ...


@dataclass(frozen=True)
class ById:
    type_name: str
    pk: int

    @property
    def shape(self) -> Hashable:
        return self.type_name


def row_by_id(selection: Selection, key: str, nodes: list[FieldNode], args: ById) -> str:
    """The object of one row by primary key, null when missing or not the caller's."""
    pk = selection.statement.argument(key, "pk", "bigint")
    return object_by_id(selection, args.type_name, pk, nodes)


class Node:
    """`node(id:)`: planned for the id's type, when that type is planned."""

    def prepare(self, arguments: dict[str, Any], actor: Actor) -> ById:
        type_name, pk = parse_id(arguments["id"])
        table = TYPES.get(type_name)
        if table is None or not table.node:
            raise Unsupported(f"node of type {type_name}")
        return ById(type_name, pk)

    def sql(self, selection: Selection, key: str, nodes: list[FieldNode], args: ById) -> str:
        return row_by_id(selection, key, nodes, args)


@dataclass(frozen=True)
class Lookup:
    """`expenseReport(id:)` and the like: one row of a fixed type."""

    type_name: str

    def prepare(self, arguments: dict[str, Any], actor: Actor) -> ById:
        return ById(self.type_name, decode_id(arguments["id"], self.type_name))

    def sql(self, selection: Selection, key: str, nodes: list[FieldNode], args: ById) -> str:
        return row_by_id(selection, key, nodes, args)


@dataclass(frozen=True)
class NoArguments:
    shape: Hashable = None


class Typename:
    def prepare(self, arguments: dict[str, Any], actor: Actor) -> Prepared:
        return NoArguments()

    def sql(self, selection: Selection, key: str, nodes: list[FieldNode], args: Any) -> str:
        query = selection.schema.query_type
        assert isinstance(query, GraphQLObjectType)
        return f"'{query.name}'::text"


class Me:
    """`me`: the caller's own user row (always visible to them, `domain.scope`)."""

    def prepare(self, arguments: dict[str, Any], actor: Actor) -> Prepared:
        return NoArguments()

    def sql(self, selection: Selection, key: str, nodes: list[FieldNode], args: Any) -> str:
        user = selection.statement.param("actor.user", lambda b: b.actor.user_id, "bigint")
        # A user deleted since their session was checked: the reference path's error.
        found = f"(SELECT u.id FROM app_user u WHERE u.id = {user})"
        return present_or_fail(found, object_by_id(selection, "User", user, nodes))


ROOTS: dict[str, Root] = {
    "me": Me(),
    "__typename": Typename(),
    "node": Node(),
    "expenseReport": Lookup("ExpenseReport"),
}


def register_root(name: str, root: Root) -> None:
    ROOTS[name] = root


__all__ = ["ROOTS", "Root", "register_root"]
