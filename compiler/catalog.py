"""How GraphQL object types map to SQL: a table (or row source) and an expression per field.

The per-domain modules (`expenses.py`, `journals.py`, `master_data.py`, ...) register their
types here. A field missing from its type's map is not planned: the operation falls back.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from graphql import FieldNode

from compiler.sql import Statement, where


class Builder(Protocol):
    """What a field's SQL needs from the planner (`selection.Selection`)."""

    statement: Statement

    def object(self, type_name: str, alias: str, nodes: list[FieldNode]) -> str: ...

    def argument(self, parent: str, nodes: list[FieldNode], name: str, pg_type: str) -> str: ...

    def first(self, parent: str, nodes: list[FieldNode]) -> str | None: ...


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


def limited(source: str, alias: str, order: str, first: str | None) -> str:
    """`FROM ... WHERE ...` over the row `alias`, as the first `first` rows in `order` (the
    bound of a nested list: LIMIT in the subquery, so no more rows are built).

    The parent's rows are found first, behind `OFFSET 0` (a fence the planner does not
    flatten), then sorted and cut. Otherwise the prepared statement's generic plan, which
    cannot see the LIMIT's value, walked the child table's primary key in id order and
    filtered each row by its parent: every journal's lines cost a scan of all journal lines
    (1,000 rows for 20, 4.2 ms instead of 1.9 in bench_reads' journals)."""
    if first is None:
        return source
    parents_rows = f"(SELECT {alias}.* {source} OFFSET 0) {alias}"
    return f"FROM (SELECT {alias}.* FROM {parents_rows} ORDER BY {order} LIMIT {first}) {alias}"


@dataclass(frozen=True)
class ToOne:
    """The `target` row whose id is `{t}.<fk>`, if the caller may see it; else null."""

    target: str
    fk: str

    def sql(self, builder: Builder, alias: str, nodes: list[FieldNode]) -> str:
        return object_by_id(builder, self.target, f"{alias}.{self.fk}", nodes)


@dataclass(frozen=True)
class Children:
    """The visible `target` rows whose `parent` column is this row's id, as a list in `order`
    (the first `first` of them when the field takes `first`: LIMIT in the subquery); with
    `single`, the first of them or null. `owner`, the type whose field this is, is set by
    TableType."""

    target: str
    parent: str
    order: str = "id"
    single: bool = False
    owner: str = ""
    takes_arguments: bool = True

    def sql(self, builder: Builder, alias: str, nodes: list[FieldNode]) -> str:
        table = TYPES[self.target]
        inner = builder.statement.alias()
        conditions = [f"{inner}.{self.parent} = {alias}.id"]
        conditions += builder.statement.visible(table.model, inner)
        order = f"{inner}.{self.order}, {inner}.id"
        source = f"FROM {table.table} {inner} WHERE {where(conditions)}"
        first = None if self.single else builder.first(self.owner, nodes)
        body = builder.object(self.target, inner, nodes)
        if self.single:
            return f"(SELECT {body} {source} ORDER BY {order} LIMIT 1)"
        source = limited(source, inner, order, first)
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
        owned = {
            name: replace(sql, owner=self.name) if isinstance(sql, Children) else sql
            for name, sql in self.fields.items()
        }
        object.__setattr__(self, "fields", owned)


TYPES: dict[str, TableType] = {}


def register(*types: TableType) -> None:
    for table_type in types:
        TYPES[table_type.name] = table_type
