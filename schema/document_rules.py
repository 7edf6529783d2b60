"""Validation rules of ours beside graphql-core's: the depth and alias limits, that an invalid
document cannot crash, and the non-empty selection sets that graphql-core's parser does not
require.

The limits measure each fragment once (`Measure`): strawberry's QueryDepthLimiter and
MaxAliasesLimiter expanded every spread, so 24 fragments that each spread the one before twice
(300 bytes) cost 2^24 visits, 52 s of CPU, before any token was checked.
"""

from __future__ import annotations

from collections.abc import Callable

from graphql import (
    ASTValidationRule,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
)


def document_rules(max_depth: int, max_aliases: int) -> list[type[ASTValidationRule]]:
    return [NonEmptySelectionSets, depth_limit(max_depth), alias_limit(max_aliases)]


class NonEmptySelectionSets(ASTValidationRule):
    """`{}`: the GraphQL grammar wants one selection at least, graphql-core parses none."""

    def enter_selection_set(self, node: SelectionSetNode, *_: object) -> None:
        if not node.selections:
            self.report_error(GraphQLError("A selection set must select a field.", node))


def is_introspection(field: FieldNode) -> bool:
    """`__schema`, `__type`, `__typename`: their size is the schema's, not the data's."""
    return field.name.value.startswith("__")


class Measure:
    """A number per selection set, each fragment measured once (a spread of a fragment that
    is not defined, or that spreads itself, counts `missing`: graphql-core's own rules refuse
    such documents)."""

    def __init__(
        self,
        document: DocumentNode,
        field: Callable[[FieldNode, int], int],
        combine: Callable[[list[int]], int],
        missing: int = 0,
    ) -> None:
        self.fragments = {
            definition.name.value: definition
            for definition in document.definitions
            if isinstance(definition, FragmentDefinitionNode)
        }
        self.field, self.combine, self.missing = field, combine, missing
        self.known: dict[str, int] = {}
        self.open: set[str] = set()

    def of(self, selection_set: SelectionSetNode | None) -> int:
        if selection_set is None:
            return self.combine([])
        parts = []
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                parts.append(self.field(selection, self.of(selection.selection_set)))
            elif isinstance(selection, InlineFragmentNode):
                parts.append(self.of(selection.selection_set))
            elif isinstance(selection, FragmentSpreadNode):
                parts.append(self.fragment(selection.name.value))
        return self.combine(parts)

    def fragment(self, name: str) -> int:
        if name in self.known:
            return self.known[name]
        definition = self.fragments.get(name)
        if definition is None or name in self.open:
            return self.missing
        self.open.add(name)
        self.known[name] = self.of(definition.selection_set)
        self.open.discard(name)
        return self.known[name]


def _operations(document: DocumentNode) -> list[OperationDefinitionNode]:
    return [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]


def depth_limit(max_depth: int) -> type[ASTValidationRule]:
    """At most `max_depth` levels of fields on any path of an operation: the root field is
    level 1, so `{ me { roles } }` has two and MAX_QUERY_DEPTH=12 allows twelve exactly.
    Introspection fields are not counted (as strawberry's limiter did not count them): the
    standard introspection query nests fifteen levels of the schema's own types. A document
    nested past what Python's stack can measure is over the limit."""

    def field(node: FieldNode, below: int) -> int:
        return 0 if is_introspection(node) else 1 + below

    def deepest(parts: list[int]) -> int:
        return max(parts, default=0)

    class DepthLimit(ASTValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            measure = Measure(context.document, field, deepest)
            for operation in _operations(context.document):
                try:
                    depth = measure.of(operation.selection_set)
                except RecursionError:
                    depth = max_depth + 1
                if depth > max_depth:
                    name = operation.name.value if operation.name else "anonymous"
                    message = f"'{name}' exceeds maximum operation depth of {max_depth}"
                    context.report_error(GraphQLError(message, operation))

    return DepthLimit


def alias_limit(max_aliases: int) -> type[ASTValidationRule]:
    """At most `max_aliases` aliased fields in the document, with each spread counting its
    fragment's aliases (strawberry's MaxAliasesLimiter's count, and its message)."""

    def field(node: FieldNode, below: int) -> int:
        return (1 if node.alias else 0) + below

    class AliasLimit(ASTValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            measure = Measure(context.document, field, sum)
            try:
                total = sum(measure.of(o.selection_set) for o in _operations(context.document))
            except RecursionError:
                total = max_aliases + 1
            if total > max_aliases:
                context.report_error(GraphQLError(f"{total} aliases found. Allowed: {max_aliases}"))

    return AliasLimit


def selection_count(document: DocumentNode) -> int:
    """The fields, fragment spreads and inline fragments written in the document (not
    expanded): what validation's work grows with, as the square for fields that must merge."""
    count = 0
    stack: list[SelectionSetNode] = []
    for definition in document.definitions:
        selection_set = getattr(definition, "selection_set", None)
        if isinstance(selection_set, SelectionSetNode):
            stack.append(selection_set)
    while stack:
        for selection in stack.pop().selections:
            count += 1
            selection_set = getattr(selection, "selection_set", None)
            if selection_set is not None:
                stack.append(selection_set)
    return count
