"""Calls of every root field of the printed schema (schema.graphql), built from its types: the
tests that walk the whole API (authorization matrix, foreign ids) use them, so a field added
to the schema is walked without anyone writing its call.

An argument gets a placeholder of its type (a date today, a decimal 1, an enum's first value,
an input object with its required fields); an ID gets the global id the caller names for its
path. Which type an ID must be of is learned from the server (`learn_id_types`): an id of
the made-up type `Probe` is refused with "... is a Probe id, not a Task id"."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    Undefined,
    build_schema,
    get_named_type,
)

from schema.relay import encode_id
from tests.support.client import GraphQLClient

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schema.graphql"
KINDS = ("query", "mutation", "subscription")
IdPath = tuple[str | int, ...]  # ("input", "lines", 0, "projectId")
PROBE = "Probe"
_PROBED = re.compile(r"'([^']+)' is an? Probe id, not an? (\w+) id")


@cache
def printed_schema() -> GraphQLSchema:
    """schema.graphql, read once per test session (building it takes half a second)."""
    return build_schema(SCHEMA_FILE.read_text())


def root_type(schema: GraphQLSchema, kind: str) -> GraphQLObjectType:
    root = {"query": schema.query_type, "mutation": schema.mutation_type}.get(kind)
    root = root if kind != "subscription" else schema.subscription_type
    assert root is not None, kind
    return root


def root_fields(schema: GraphQLSchema, kind: str) -> list[str]:
    return list(root_type(schema, kind).fields)


def _required(field: GraphQLArgument | GraphQLInputField) -> bool:
    return isinstance(field.type, GraphQLNonNull) and field.default_value is Undefined


def _unwrapped(type_: GraphQLInputType) -> GraphQLInputType:
    return type_.of_type if isinstance(type_, GraphQLNonNull) else type_


def id_paths(
    schema: GraphQLSchema, kind: str, field: str, *, required_only: bool = False
) -> list[IdPath]:
    """Every path of an ID in the field's arguments, through input objects and lists; with
    `required_only`, those the call cannot leave out."""
    found: list[IdPath] = []

    def walk(type_: GraphQLInputType, path: IdPath, seen: frozenset[str]) -> None:
        type_ = _unwrapped(type_)
        if isinstance(type_, GraphQLList):
            walk(type_.of_type, (*path, 0), seen)
        elif isinstance(type_, GraphQLInputObjectType) and type_.name not in seen:
            for name, item in type_.fields.items():
                if _required(item) or not required_only:
                    walk(item.type, (*path, name), seen | {type_.name})
        elif get_named_type(type_).name == "ID":
            found.append(path)

    for name, argument in root_type(schema, kind).fields[field].args.items():
        if _required(argument) or not required_only:
            walk(argument.type, (name,), frozenset())
    return found


Leaf = Callable[[IdPath, str], Any]  # (path, scalar or enum type name) -> value


def placeholder(entity: str) -> Leaf:
    """A value of a scalar that passes the usual checks, by its type and its name."""

    def leaf(path: IdPath, type_name: str) -> Any:
        name = str(path[-1] if not isinstance(path[-1], int) else path[-2]).lower()
        if type_name == "String":
            if name in ("legalentity", "legalentities"):
                return entity
            if name == "email":
                return "matrix@example.com"
            if "currency" in name:
                return "USD"
            return "Matrix reason" if name in ("reason", "description", "name") else "MX1"
        return {
            "Int": 1,
            "Float": 1.0,
            "Boolean": False,
            "Decimal": "1",
            "Date": dt.date.today().isoformat(),
            "DateTime": dt.datetime.now(dt.UTC).isoformat(),
        }.get(type_name, "MX1")

    return leaf


@dataclass(frozen=True)
class Call:
    kind: str
    field: str
    document: str
    variables: dict[str, Any]


def _value(
    type_: GraphQLInputType, path: IdPath, ids: Mapping[IdPath, str | None], leaf: Leaf
) -> Any:
    type_ = _unwrapped(type_)
    if isinstance(type_, GraphQLList):
        return [_value(type_.of_type, (*path, 0), ids, leaf)]
    if isinstance(type_, GraphQLInputObjectType):
        value = {}
        for name, item in type_.fields.items():
            inner = (*path, name)
            if _required(item) or _names_an_id(inner, ids):
                value[name] = _value(item.type, inner, ids, leaf)
        return value
    if isinstance(type_, GraphQLEnumType):
        return next(iter(type_.values))
    named = get_named_type(type_).name
    return ids.get(path) if named == "ID" else leaf(path, named)


def _names_an_id(prefix: IdPath, ids: Mapping[IdPath, str | None]) -> bool:
    return any(path[: len(prefix)] == prefix and gid is not None for path, gid in ids.items())


def _selection(schema: GraphQLSchema, kind: str, field: str) -> str:
    returned = get_named_type(root_type(schema, kind).fields[field].type)
    if not isinstance(returned, GraphQLObjectType | GraphQLInterfaceType):
        return ""
    if isinstance(returned, GraphQLObjectType) and "errors" in returned.fields:
        return " { errors { code field message } }"
    return " { __typename }"


def build_call(
    schema: GraphQLSchema,
    kind: str,
    field: str,
    ids: Mapping[IdPath, str | None],
    leaf: Leaf,
    optional: frozenset[str] = frozenset(),
) -> Call:
    """The field called with its required arguments, every ID path `ids` names and the
    `optional` arguments it has."""
    arguments = root_type(schema, kind).fields[field].args
    variables, declared = {}, []
    for name, argument in arguments.items():
        if _required(argument) or _names_an_id((name,), ids) or name in optional:
            variables[name] = _value(argument.type, (name,), ids, leaf)
            declared.append((name, str(argument.type)))
    head = "".join(f"${name}: {type_}, " for name, type_ in declared).rstrip(", ")
    passed = ", ".join(f"{name}: ${name}" for name, _ in declared)
    document = (
        f"{kind} Call{f'({head})' if head else ''} "
        f"{{ {field}{f'({passed})' if passed else ''}{_selection(schema, kind, field)} }}"
    )
    return Call(kind, field, document, variables)


def errors_of(call: Call, body: dict[str, Any]) -> list[dict[str, Any]]:
    """The payload's typed errors and the response's GraphQL errors, in one list."""
    payload = (body.get("data") or {}).get(call.field)
    typed = list(payload.get("errors", [])) if isinstance(payload, dict) else []
    return typed + list(body.get("errors") or [])


async def learn_id_types(
    gql: GraphQLClient,
    token: str,
    call_of: Callable[[Mapping[IdPath, str | None]], Call],
    paths: list[IdPath],
    ids_of: Callable[[str], str | None],
) -> dict[IdPath, str]:
    """The Node type each ID path must name, as the server refuses an id of type Probe.
    The server may stop at the first wrong id: each round resolves at least one path."""
    known: dict[IdPath, str] = {}
    for _ in range(len(paths)):
        probes = {
            path: str(encode_id(PROBE, 900_000_001 + index))
            for index, path in enumerate(paths)
            if path not in known
        }
        if not probes:
            break
        ids = {path: ids_of(known[path]) if path in known else probes[path] for path in paths}
        call = call_of(ids)
        body = await gql.execute(call.document, call.variables, token)
        by_probe = {gid: path for path, gid in probes.items()}
        learned = {
            by_probe[match[1]]: match[2]
            for error in errors_of(call, body)
            for match in [_PROBED.search(str(error.get("message", "")))]
            if match is not None and match[1] in by_probe
        }
        if not learned:
            break
        known.update(learned)
    return known
