"""How GraphQL object types map to SQL: a table (or row source) and an expression per field.

The per-domain modules (`expenses.py`, `journals.py`, `master_data.py`, ...) register their
types here. A field missing from its type's map is not planned: the operation falls back.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from graphql import FieldNode

from compiler.sql import Statement, where


class Builder(Protocol):
    """What a field's SQL needs from the planner (`selection.Selection`)."""

    statement: Statement

    def object(self, type_name: str, alias: str, nodes: list[FieldNode]) -> str: ...

    def argument(self, parent: str, nodes: list[FieldNode], name: str, pg_type: str) -> str: ...


class FieldSql(Protocol):
    def sql(self, builder: Builder, alias: str, nodes: list[FieldNode]) -> str: ...


@dataclass(frozen=True)
class Scalar:
    """A value of the row: `template` with `{t}` for the row's alias."""

    template: str

    def sql(self, builder: Builder, alias: str, nodes: list[FieldNode]) -> str:
        return self.template.format(t=alias)


def object_by_id(builder: Builder, type_name: str, pk: str, nodes: list[FieldNode]) -> str:
    """The object of the `type_name` row whose id is the SQL expression `pk`, if the caller
    may see it; else null."""
    table = TYPES[type_name]
    alias = builder.statement.alias()
    conditions = [f"{alias}.id = {pk}", *builder.statement.visible(table.model, alias)]
    body = builder.object(type_name, alias, nodes)
    return f"(SELECT {body} FROM {table.table} {alias} WHERE {where(conditions)})"


@dataclass(frozen=True)
class ToOne:
    """The `target` row whose id is `{t}.<fk>`, if the caller may see it; else null."""

    target: str
    fk: str

    def sql(self, builder: Builder, alias: str, nodes: list[FieldNode]) -> str:
        return object_by_id(builder, self.target, f"{alias}.{self.fk}", nodes)


@dataclass(frozen=True)
class Children:
    """The visible `target` rows whose `parent` column is this row's id, as a list in `order`;
    with `single`, the first of them or null."""

    target: str
    parent: str
    order: str = "id"
    single: bool = False

    def sql(self, builder: Builder, alias: str, nodes: list[FieldNode]) -> str:
        table = TYPES[self.target]
        inner = builder.statement.alias()
        conditions = [f"{inner}.{self.parent} = {alias}.id"]
        conditions += builder.statement.visible(table.model, inner)
        body = builder.object(self.target, inner, nodes)
        order = f"{inner}.{self.order}, {inner}.id"
        source = f"FROM {table.table} {inner} WHERE {where(conditions)}"
        if self.single:
            return f"(SELECT {body} {source} ORDER BY {order} LIMIT 1)"
        return f"(SELECT coalesce(json_agg({body} ORDER BY {order}), '[]'::json) {source})"


@dataclass(frozen=True)
class Custom:
    """Anything else: a function of the builder, the row's alias and the field's nodes; with
    `takes_arguments`, a field whose arguments it reads (`Builder.argument`)."""

    build: Callable[[Builder, str, list[FieldNode]], str]
    takes_arguments: bool = False

    def sql(self, builder: Builder, alias: str, nodes: list[FieldNode]) -> str:
        return self.build(builder, alias, nodes)


@dataclass(frozen=True)
class TableType:
    """A GraphQL object type read from `model`'s table; `node` types get their global `id`."""

    name: str
    model: Any
    fields: Mapping[str, FieldSql]
    node: bool = True
    table: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "table", self.model.__table__.name)


TYPES: dict[str, TableType] = {}


def register(*types: TableType) -> None:
    for table_type in types:
        TYPES[table_type.name] = table_type
