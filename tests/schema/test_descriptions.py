"""Every schema element a client sees is described (issue 11, "The schema as a product").

Walks the schema as printed (graphql-core's type map, without the `__` introspection types
and the built-in scalars) and names each type, field, argument, input field and enum value
whose description is missing, empty or merely its own name. Names are written `Type`,
`Type.field`, `Type.field(argument)`, `Input.field` and `Enum.VALUE`.
"""

from __future__ import annotations

import enum
import re

import strawberry
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
)
from graphql.type import specified_scalar_types

from schema import schema

_ARTICLES = re.compile(r"^(the|a|an) ")


def _words(text: str) -> str:
    """Text reduced for comparison: `startCursor`, "Start cursor." and "the start_cursor"
    all become "startcursor"."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", text).replace("_", " ").lower().strip()
    return re.sub(r"[^a-z0-9]", "", _ARTICLES.sub("", spaced))


def _lacks(description: str | None, name: str) -> bool:
    """No description, an empty one, or one that only repeats the element's name."""
    return not (description and description.strip()) or _words(description) == _words(name)


def undescribed(graphql_schema: GraphQLSchema) -> set[str]:
    found: set[str] = set()
    for type_name, graphql_type in graphql_schema.type_map.items():
        if type_name.startswith("__") or type_name in specified_scalar_types:
            continue
        if _lacks(graphql_type.description, type_name):
            found.add(type_name)
        if isinstance(graphql_type, GraphQLObjectType | GraphQLInterfaceType):
            for field_name, field in graphql_type.fields.items():
                if _lacks(field.description, field_name):
                    found.add(f"{type_name}.{field_name}")
                for arg_name, arg in field.args.items():
                    if _lacks(arg.description, arg_name):
                        found.add(f"{type_name}.{field_name}({arg_name})")
        elif isinstance(graphql_type, GraphQLInputObjectType):
            for field_name, input_field in graphql_type.fields.items():
                if _lacks(input_field.description, field_name):
                    found.add(f"{type_name}.{field_name}")
        elif isinstance(graphql_type, GraphQLEnumType):
            for value_name, value in graphql_type.values.items():
                if _lacks(value.description, value_name):
                    found.add(f"{type_name}.{value_name}")
    return found


def test_every_schema_element_is_described() -> None:
    missing = sorted(undescribed(schema._schema))
    assert not missing, "Undescribed (or described only by their name):\n" + "\n".join(missing)


def test_the_check_refuses_empty_descriptions_and_bare_names() -> None:
    assert _lacks(None, "startCursor")
    assert _lacks("  ", "startCursor")
    assert _lacks("Start cursor.", "startCursor")
    assert _lacks("The start_cursor", "startCursor")
    assert _lacks("Draft", "DRAFT")
    assert not _lacks("Cursor of the first edge; null when the page is empty.", "startCursor")


@strawberry.enum(name="Colour")
class _Colour(enum.Enum):
    RED = "red"
    BLUE = strawberry.enum_value("blue", description="The colour of the sky.")


@strawberry.input(name="Filter", description="What to look for.")
class _Filter:
    colour: _Colour | None = None
    name: str | None = strawberry.field(default=None, description="Name")


@strawberry.type(name="Query")
class _Query:
    @strawberry.field(description="The things the filter lets through.")
    def things(self, filter: _Filter | None = None) -> list[str]:
        return []

    @strawberry.field
    def count(self) -> int:
        return 0


def test_the_walk_names_each_kind_of_undescribed_element() -> None:
    """Types, fields, arguments, input fields and enum values, and a description that is only
    the name ('Name' on `name`); the described ones are not named."""
    found = undescribed(strawberry.Schema(query=_Query)._schema)
    assert found == {
        "Query",
        "Query.count",
        "Query.things(filter)",
        "Colour",
        "Colour.RED",
        "Filter.colour",
        "Filter.name",
    }
