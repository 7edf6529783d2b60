"""A GraphQL selection set as one `json_build_object(...)` over a row alias.

Fields are collected as the specification's CollectFields does (response keys in first-seen
order, fragments whose type condition applies, each fragment once per selection set).
Directives (`@skip`, `@include`, ...) are not planned: such operations fall back, and so are
fields with arguments unless their SQL reads them (`takes_arguments`, through `argument`).
"""

from __future__ import annotations

from dataclasses import dataclass

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    SelectionSetNode,
)
from graphql.execution.values import get_argument_values

from compiler.catalog import TYPES
from compiler.sql import Statement, Unsupported, global_id
from resolvers.pagination import check_first

# PostgreSQL functions take at most 100 arguments: 50 key/value pairs per object.
MAX_KEYS = 50


@dataclass
class Selection:
    schema: GraphQLSchema
    fragments: dict[str, FragmentDefinitionNode]
    statement: Statement

    def collect(
        self, runtime: GraphQLObjectType, nodes: list[FieldNode]
    ) -> dict[str, list[FieldNode]]:
        fields: dict[str, list[FieldNode]] = {}
        for node in nodes:
            if node.directives:
                raise Unsupported("directives")
            if node.selection_set is not None:
                self.collect_into(runtime, node.selection_set, fields)
        return fields

    def collect_into(
        self,
        runtime: GraphQLObjectType,
        selection_set: SelectionSetNode,
        fields: dict[str, list[FieldNode]],
    ) -> None:
        self._collect(runtime, selection_set, fields, set())

    def _collect(
        self,
        runtime: GraphQLObjectType,
        selection_set: SelectionSetNode,
        fields: dict[str, list[FieldNode]],
        visited: set[str],
    ) -> None:
        for selection in selection_set.selections:
            if selection.directives:
                raise Unsupported("directives")
            if isinstance(selection, FieldNode):
                key = selection.alias.value if selection.alias else selection.name.value
                fields.setdefault(key, []).append(selection)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                if condition is None or self._applies(condition.name.value, runtime):
                    self._collect(runtime, selection.selection_set, fields, visited)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if name in visited or fragment is None:
                    continue
                visited.add(name)
                if self._applies(fragment.type_condition.name.value, runtime):
                    self._collect(runtime, fragment.selection_set, fields, visited)

    def _applies(self, condition: str, runtime: GraphQLObjectType) -> bool:
        if condition == runtime.name:
            return True
        return any(interface.name == condition for interface in runtime.interfaces)

    def argument(self, parent: str, nodes: list[FieldNode], name: str, pg_type: str) -> str:
        """The bind parameter of the argument `name` of the field `nodes` of type `parent`,
        coerced from the document's literal or the request's variables as the reference path
        coerces it (merged nodes have the same arguments in a valid document)."""
        runtime = self.schema.get_type(parent)
        if not isinstance(runtime, GraphQLObjectType):
            raise Unsupported(parent)
        definition, node = runtime.fields[nodes[0].name.value], nodes[0]
        return self.statement.param(
            ("field argument", id(node), name),
            lambda b: get_argument_values(definition, node, b.variables)[name],
            pg_type,
        )

    def first(self, parent: str, nodes: list[FieldNode]) -> str | None:
        """The bind parameter of the list field's `first`, checked as the reference path
        checks it (out of 1..100: the request falls back, and strawberry refuses it); None
        when the field takes no `first`."""
        runtime = self.schema.get_type(parent)
        if not isinstance(runtime, GraphQLObjectType):
            raise Unsupported(parent)
        definition, node = runtime.fields[nodes[0].name.value], nodes[0]
        if "first" not in definition.args:
            return None
        return self.statement.param(
            ("field argument", id(node), "first"),
            lambda b: check_first(get_argument_values(definition, node, b.variables)["first"]),
            "int",
        )

    def object(self, type_name: str, alias: str, nodes: list[FieldNode]) -> str:
        """The JSON object of the row `alias` of type `type_name` for the merged `nodes`."""
        runtime = self.schema.get_type(type_name)
        table_type = TYPES.get(type_name)
        if not isinstance(runtime, GraphQLObjectType) or table_type is None:
            raise Unsupported(type_name)
        pairs = []
        for key, field_nodes in self.collect(runtime, nodes).items():
            name = field_nodes[0].name.value
            if name == "__typename":
                pairs.append(f"'{key}', '{type_name}'::text")
                continue
            mapped = table_type.fields.get(name)
            takes_arguments = getattr(mapped, "takes_arguments", False)
            if any(node.arguments for node in field_nodes) and not takes_arguments:
                raise Unsupported(f"{type_name}.{name} with arguments")
            if name == "id" and table_type.node:
                pairs.append(f"'{key}', {global_id(type_name, f'{alias}.id')}")
                continue
            if mapped is None:
                raise Unsupported(f"{type_name}.{name}")
            pairs.append(f"'{key}', {mapped.sql(self, alias, field_nodes)}")
        if not pairs or len(pairs) > MAX_KEYS:
            raise Unsupported("object size")
        return f"json_build_object({', '.join(pairs)})"
