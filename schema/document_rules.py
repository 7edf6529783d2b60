"""Validation rules of ours beside graphql-core's: the depth limit, that an invalid document
cannot crash, and the non-empty selection sets that graphql-core's parser does not require."""

from __future__ import annotations

from graphql import (
    ASTValidationRule,
    DocumentNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    SelectionSetNode,
    ValidationContext,
    Visitor,
    visit,
)
from strawberry.extensions import QueryDepthLimiter


def document_rules(max_depth: int) -> list[type[ASTValidationRule]]:
    return [NonEmptySelectionSets, depth_limit(max_depth)]


class NonEmptySelectionSets(ASTValidationRule):
    """`{}`: the GraphQL grammar wants one selection at least, graphql-core parses none."""

    def enter_selection_set(self, node: SelectionSetNode, *_: object) -> None:
        if not node.selections:
            self.report_error(GraphQLError("A selection set must select a field.", node))


def depth_limit(max_depth: int) -> type[ASTValidationRule]:
    """The rule of QueryDepthLimiter(max_depth), skipped on a document it cannot measure: one
    that spreads a fragment it does not define (KeyError; graphql-core's KnownFragmentNamesRule
    refuses it) or has an empty selection set (ValueError; NonEmptySelectionSets refuses it).
    The operation failed with a bare message over HTTP and with no error over WebSocket."""
    (limiter,) = QueryDepthLimiter(max_depth=max_depth).validation_rules

    class DepthLimit(ASTValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            if _measurable(context.document):
                limiter(context)  # it measures and reports when built: it visits nothing

    return DepthLimit


def _measurable(document: DocumentNode) -> bool:
    defined = {
        definition.name.value
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    spread: set[str] = set()
    empty = False

    class Walk(Visitor):
        def enter_fragment_spread(self, node: FragmentSpreadNode, *_: object) -> None:
            spread.add(node.name.value)

        def enter_selection_set(self, node: SelectionSetNode, *_: object) -> None:
            nonlocal empty
            empty = empty or not node.selections

    visit(document, Walk())
    return spread <= defined and not empty
