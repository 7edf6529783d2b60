"""Which operation of a document runs is the request's to say (GraphQL over HTTP): a
document with several operations needs `operationName`. strawberry ran the first of them
when none was named; graphql-core's own execution refuses it, and so does this extension,
with the request error strawberry gives for a name the document does not have (an HTTP 400,
strict_view.py). The compiled read path plans no such request (compiler/plan.py:
get_operation_ast finds no operation), so it reaches this extension on either path.
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import OperationDefinitionNode
from strawberry.extensions import SchemaExtension
from strawberry.schema.exceptions import CannotGetOperationTypeError


class OperationNameRequired(SchemaExtension):
    """Listed before the parser cache: its parse hook ends once the document is parsed, and
    before strawberry picks the operation."""

    def on_parse(self) -> Iterator[None]:
        yield
        context = self.execution_context
        document = context.graphql_document
        if document is None or context._provided_operation_name is not None:
            return
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        if len(operations) > 1:
            raise CannotGetOperationTypeError(None)
