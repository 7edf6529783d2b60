"""Relay connections as SQL: one keyset page (`first + 1` rows after the cursor, as
`resolvers.pagination.keyset_page` reads it), with edges, nodes and pageInfo."""

from __future__ import annotations

import enum
from collections.abc import Hashable
from dataclasses import dataclass, field, fields
from typing import Any

from graphql import FieldNode, GraphQLObjectType

from compiler.catalog import TYPES, TableType
from compiler.selection import Selection
from compiler.sql import Statement, Unsupported, cursor, where
from domain.actors import Actor
from resolvers.pagination import check_first
from schema.pages import after_key


def upper(code: str | None) -> str | None:
    """A code argument (legal entity, currency) as the resolvers compare it: upper-cased."""
    return code.upper() if code is not None else None


def plain(value: Any) -> Any:
    """An enum argument's stored value: graphql-core gives the member for a literal in the
    document and the value for a variable."""
    return value.value if isinstance(value, enum.Enum) else value


@dataclass(frozen=True)
class Page:
    """The paging arguments, checked like the reference path checks them; subclasses add
    their filters. A filter that is None adds no condition, so presence is the shape."""

    first: int
    after: int | None
    newest_first: bool = field(default=False, kw_only=True)

    @classmethod
    def paging(cls, arguments: dict[str, Any]) -> dict[str, Any]:
        return {"first": check_first(arguments["first"]), "after": after_key(arguments["after"])}

    @property
    def shape(self) -> Hashable:
        values = (getattr(self, f.name) for f in fields(self) if f.name != "first")
        # A flag's value changes the SQL; any other value only whether there is a condition.
        return tuple(
            value if value is None or isinstance(value, bool) else True for value in values
        )


def _pairs(
    selection: Selection, type_name: str, nodes: list[FieldNode]
) -> dict[str, list[FieldNode]]:
    runtime = selection.schema.get_type(type_name)
    if not isinstance(runtime, GraphQLObjectType):
        raise Unsupported(type_name)
    return selection.collect(runtime, nodes)


def connection(
    selection: Selection,
    key: str,
    nodes: list[FieldNode],
    page: Page,
    type_name: str,
    conditions: list[str],
    alias: str,
    order: tuple[str, ...] = (),
) -> str:
    """The connection object of the visible `type_name` rows (as `alias`) that meet
    `conditions`, in id order (or newest first); with `order`, by those expressions first
    (templates over the row `{t}`), then id, as `resolvers.pagination.ordered_page` reads it."""
    statement = selection.statement
    table = TYPES[type_name]
    first = statement.param((key, "first"), lambda b: b.arguments[key].first, "int")
    direction = "DESC" if page.newest_first else "ASC"
    keys = [*(template.format(t=alias) for template in order), f"{alias}.id"]
    if page.after is not None:
        after = statement.param((key, "after"), lambda b: b.arguments[key].after, "bigint")
        position = _position(statement, table, order, after)
        listed_keys = f"({', '.join(keys)})" if order else keys[0]
        conditions = [*conditions, f"{listed_keys} {'<' if page.newest_first else '>'} {position}"]
    rows = statement.alias()
    sorted_by = [f"{k} AS order_{n}__" for n, k in enumerate(keys[:-1])]
    limited = (
        f"SELECT {', '.join([f'{alias}.*', *sorted_by])} FROM {table.table} {alias}"
        f" WHERE {where(conditions)}"
        f" ORDER BY {', '.join(f'{k} {direction}' for k in keys)} LIMIT {first} + 1"
    )
    numbering = [*(f"{rows}.order_{n}__" for n in range(len(order))), f"{rows}.id"]
    numbered = (
        f"SELECT {rows}.*, row_number() OVER"
        f" (ORDER BY {', '.join(f'{k} {direction}' for k in numbering)}) AS row_number__"
        f" FROM ({limited}) {rows}"
    )
    on_page = f"FILTER (WHERE {rows}.row_number__ <= {first})"

    def listed(body: str) -> str:
        return f"coalesce(json_agg({body} ORDER BY {rows}.row_number__) {on_page}, '[]'::json)"

    def edge(edge_nodes: list[FieldNode]) -> str:
        pairs = []
        for edge_key, parts in _pairs(selection, f"{type_name}Edge", edge_nodes).items():
            name = parts[0].name.value
            if name == "cursor":
                pairs.append(f"'{edge_key}', {cursor(f'{rows}.id')}")
            elif name == "node":
                pairs.append(f"'{edge_key}', {selection.object(type_name, rows, parts)}")
            elif name == "__typename":
                pairs.append(f"'{edge_key}', '{type_name}Edge'::text")
            else:
                raise Unsupported(f"{type_name}Edge.{name}")
        return f"json_build_object({', '.join(pairs)})"

    first_id = f"(array_agg({rows}.id ORDER BY {rows}.row_number__))[1]"
    last_id = f"(array_agg({rows}.id ORDER BY {rows}.row_number__ DESC) {on_page})[1]"
    page_info = {
        "hasNextPage": f"count(*) > {first}",
        "hasPreviousPage": "true" if page.after is not None else "false",
        "startCursor": cursor(first_id),
        "endCursor": cursor(last_id),
        "__typename": "'PageInfo'::text",
    }
    pairs = []
    for field_key, parts in _pairs(selection, f"{type_name}Connection", nodes).items():
        name = parts[0].name.value
        if name == "edges":
            pairs.append(f"'{field_key}', {listed(edge(parts))}")
        elif name == "nodes":
            pairs.append(f"'{field_key}', {listed(selection.object(type_name, rows, parts))}")
        elif name == "pageInfo":
            info = [
                f"'{info_key}', {page_info[info_parts[0].name.value]}"
                for info_key, info_parts in _pairs(selection, "PageInfo", parts).items()
            ]
            pairs.append(f"'{field_key}', json_build_object({', '.join(info)})")
        elif name == "__typename":
            pairs.append(f"'{field_key}', '{type_name}Connection'::text")
        else:
            raise Unsupported(f"{type_name}Connection.{name}")
    # GROUP BY (): one object for the page even when no aggregate is selected.
    return f"(SELECT json_build_object({', '.join(pairs)}) FROM ({numbered}) {rows} GROUP BY ())"


def _position(statement: Statement, table: TableType, order: tuple[str, ...], after: str) -> str:
    """Where the page continues: after the cursor's id, or, with `order`, after the position
    of the visible row the cursor names (none, and so no row, for an id the caller may not
    see). The cursor stays an id, so `order` may only read what never changes (L3)."""
    if not order:
        return after
    named = statement.alias()
    values = [*(template.format(t=named) for template in order), f"{named}.id"]
    found = [f"{named}.id = {after}", *statement.visible(table.model, named)]
    return f"(SELECT {', '.join(values)} FROM {table.table} {named} WHERE {where(found)})"


@dataclass(frozen=True)
class CodePage(Page):
    code: str | None = None


@dataclass(frozen=True)
class GlobalRows:
    """The connection of a global type (no legal entity, any signed-in caller), filtered by
    its code exactly as given: `transactionCategories`, `unitGroups`."""

    type_name: str

    def prepare(self, arguments: dict[str, Any], actor: Actor) -> CodePage:
        return CodePage(**Page.paging(arguments), code=arguments.get("code"))

    def sql(self, selection: Selection, key: str, nodes: list[FieldNode], page: Any) -> str:
        statement = selection.statement
        t = statement.alias()
        conditions = []
        if page.code is not None:
            conditions.append(f"{t}.code = {statement.argument(key, 'code', 'text')}")
        return connection(selection, key, nodes, page, self.type_name, conditions, t)
