"""Relay connections as SQL: one keyset page (`size + 1` rows past the cursors, as
`resolvers.pagination.keyset_page` reads it), with edges, nodes, pageInfo and totalCount."""

from __future__ import annotations

import enum
from collections.abc import Hashable
from dataclasses import dataclass, fields
from typing import Any

from graphql import FieldNode, GraphQLObjectType

from compiler.catalog import TYPES
from compiler.selection import Selection
from compiler.sql import Getter, Statement, Unsupported, cursor, datetime, where
from domain.actors import Actor
from resolvers.pagination import Window
from schema.pages import window


def upper(code: str | None) -> str | None:
    """A code argument (legal entity, currency) as the resolvers compare it: upper-cased."""
    return code.upper() if code is not None else None


def plain(value: Any) -> Any:
    """An enum argument's stored value: graphql-core gives the member for a literal in the
    document and the value for a variable."""
    return value.value if isinstance(value, enum.Enum) else value


@dataclass(frozen=True)
class Page:
    """The paging arguments as a keyset window, checked like the reference path checks them
    (`schema.pages.window`); subclasses add their filters. A filter that is None adds no
    condition, so presence is the shape."""

    window: Window

    @classmethod
    def paging(
        cls, arguments: dict[str, Any], type_name: str, default: tuple[str, bool] | None = None
    ) -> dict[str, Any]:
        order = arguments.get("orderBy")
        chosen = (plain(order["field"]), plain(order["direction"]) == "DESC") if order else None
        first, after, last, before = (
            arguments.get(n) for n in ("first", "after", "last", "before")
        )
        return {"window": window(type_name, first, after, last, before, chosen, default)}

    @property
    def shape(self) -> Hashable:
        values = (getattr(self, f.name) for f in fields(self) if f.name != "window")
        # A flag's value changes the SQL; any other value only whether there is a condition.
        filters = tuple(
            value if value is None or isinstance(value, bool) else True for value in values
        )
        return (self.window.shape, filters)


def _pairs(
    selection: Selection, type_name: str, nodes: list[FieldNode]
) -> dict[str, list[FieldNode]]:
    runtime = selection.schema.get_type(type_name)
    if not isinstance(runtime, GraphQLObjectType):
        raise Unsupported(type_name)
    return selection.collect(runtime, nodes)


# How a sort key is written in a cursor, as resolvers.cursors writes it in Python.
_TEXTS = {
    "int": "({})::text",
    "date": "to_char({}, 'YYYY-MM-DD')",
    "decimal": "({})::text",
    "text": "({})",
}
_TYPES = {"int": "bigint", "date": "date", "datetime": "timestamptz", "decimal": "numeric"}


def _key_text(kind: str, expression: str) -> str:
    return datetime(expression) if kind == "datetime" else _TEXTS[kind].format(expression)


def _value(key: str, name: str, n: int) -> Getter:
    """The `n`th sort key value of the cursor `name` (after, before) of the root field `key`."""
    return lambda binding: getattr(binding.arguments[key].window, name)[n]


def _bounds(statement: Statement, key: str, window: Window, keys: list[str]) -> list[str]:
    """The rows past the window's cursors: a row comparison of the sort keys with the
    cursor's values, bound as parameters."""
    conditions = []
    for name, values, past in (
        ("after", window.after, "<" if window.descending else ">"),
        ("before", window.before, ">" if window.descending else "<"),
    ):
        if values is None:
            continue
        bound = [
            statement.param((key, name, n), _value(key, name, n), _TYPES.get(k.kind, "text"))
            for n, k in enumerate(window.sort.keys)
        ]
        conditions.append(f"({', '.join(keys)}) {past} ({', '.join(bound)})")
    return conditions


def connection(
    selection: Selection,
    key: str,
    nodes: list[FieldNode],
    page: Page,
    type_name: str,
    conditions: list[str],
    alias: str,
) -> str:
    """The connection object of the visible `type_name` rows (as `alias`) that meet
    `conditions`: the window's page in its sort keys' order, as
    `resolvers.pagination.keyset_page` reads it, and totalCount when selected."""
    statement = selection.statement
    window = page.window
    table = TYPES[type_name]
    size = statement.param((key, "size"), lambda b: b.arguments[key].window.size, "int")
    direction = "DESC" if window.fetch_descending else "ASC"
    sort_keys = window.sort.keys
    keys = [sort_key.sql.format(t=alias) for sort_key in sort_keys]
    bounded = [*conditions, *_bounds(statement, key, window, keys)]
    rows = statement.alias()
    sorted_by = [f"{k} AS order_{n}__" for n, k in enumerate(keys[:-1])]
    limited = (
        f"SELECT {', '.join([f'{alias}.*', *sorted_by])} FROM {table.table} {alias}"
        f" WHERE {where(bounded)}"
        f" ORDER BY {', '.join(f'{k} {direction}' for k in keys)} LIMIT {size} + 1"
    )
    numbering = [*(f"{rows}.order_{n}__" for n in range(len(keys) - 1)), f"{rows}.id"]
    numbered = (
        f"SELECT {rows}.*, row_number() OVER"
        f" (ORDER BY {', '.join(f'{k} {direction}' for k in numbering)}) AS row_number__"
        f" FROM ({limited}) {rows}"
    )
    on_page = f"FILTER (WHERE {rows}.row_number__ <= {size})"
    # A backward page was read from its cursor away: shown in the connection's order.
    shown = "DESC" if window.backward else "ASC"
    unshown = "ASC" if window.backward else "DESC"
    texts = [_key_text(k.kind, f"{rows}.order_{n}__") for n, k in enumerate(sort_keys[:-1])]
    position = " || ':' || ".join([f"{rows}.id::text", *texts])
    row_cursor = cursor(f"'{window.sort.name}:' || {position}" if texts else f"{rows}.id")

    def listed(body: str) -> str:
        ordered = f"ORDER BY {rows}.row_number__ {shown}"
        return f"coalesce(json_agg({body} {ordered}) {on_page}, '[]'::json)"

    def edge(edge_nodes: list[FieldNode]) -> str:
        pairs = []
        for edge_key, parts in _pairs(selection, f"{type_name}Edge", edge_nodes).items():
            name = parts[0].name.value
            if name == "cursor":
                pairs.append(f"'{edge_key}', {row_cursor}")
            elif name == "node":
                pairs.append(f"'{edge_key}', {selection.object(type_name, rows, parts)}")
            elif name == "__typename":
                pairs.append(f"'{edge_key}', '{type_name}Edge'::text")
            else:
                raise Unsupported(f"{type_name}Edge.{name}")
        return f"json_build_object({', '.join(pairs)})"

    def end(order: str) -> str:
        return f"(array_agg({row_cursor} ORDER BY {rows}.row_number__ {order}) {on_page})[1]"

    more = f"count(*) > {size}"
    page_info = {
        "hasNextPage": more if not window.backward else str(window.before is not None).lower(),
        "hasPreviousPage": more if window.backward else str(window.after is not None).lower(),
        "startCursor": end(shown),
        "endCursor": end(unshown),
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
        elif name == "totalCount":
            # The rows that meet the filters and visibility, past no cursor: in this statement.
            counted = f"SELECT count(*) FROM {table.table} {alias} WHERE {where(conditions)}"
            pairs.append(f"'{field_key}', ({counted})")
        elif name == "__typename":
            pairs.append(f"'{field_key}', '{type_name}Connection'::text")
        else:
            raise Unsupported(f"{type_name}Connection.{name}")
    # GROUP BY (): one object for the page even when no aggregate is selected.
    return f"(SELECT json_build_object({', '.join(pairs)}) FROM ({numbered}) {rows} GROUP BY ())"


@dataclass(frozen=True)
class CodePage(Page):
    code: str | None = None


@dataclass(frozen=True)
class GlobalRows:
    """The connection of a global type (no legal entity, any signed-in caller), filtered by
    its code exactly as given: `transactionCategories`, `unitGroups`."""

    type_name: str

    def prepare(self, arguments: dict[str, Any], actor: Actor) -> CodePage:
        return CodePage(**Page.paging(arguments, self.type_name), code=arguments.get("code"))

    def sql(self, selection: Selection, key: str, nodes: list[FieldNode], page: Any) -> str:
        statement = selection.statement
        t = statement.alias()
        conditions = []
        if page.code is not None:
            conditions.append(f"{t}.code = {statement.argument(key, 'code', 'text')}")
        return connection(selection, key, nodes, page, self.type_name, conditions, t)
