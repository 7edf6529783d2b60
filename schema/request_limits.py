"""What one request may cost, checked before it costs it: the selections of its document
(before validation), the nodes its operation may return (before any resolver runs) and its time.

The compiled read path (compiler/plan.py, compiler/asgi.py) applies the same limits with the
same functions; what it refuses it leaves to this path, which answers the error.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import Any

from graphql import DocumentNode, GraphQLError, GraphQLSchema, OperationDefinitionNode
from graphql.execution.values import VariableValues, get_variable_values
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from config import Settings
from observability import ERRORS
from resolvers.context import Context
from resolvers.time_budget import TIMEOUT, timed_out
from schema.document_rules import selection_count
from schema.query_cost import operation_cost, too_costly


def too_many_selections(count: int, limit: int) -> GraphQLError | None:
    if count <= limit:
        return None
    return GraphQLError(
        f"The document makes {count:,} selections (fields and fragments); at most {limit:,}"
        " are allowed.",
        extensions={"code": "GRAPHQL_VALIDATION_FAILED"},
    )


def cost_of(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: dict[str, Any] | None,
) -> int | None:
    """The operation's cost with its variables coerced as execution will coerce them; None
    when they cannot be: execution then refuses them (BAD_USER_INPUT) before any resolver."""
    operation = _operation(document, operation_name)
    if operation is None:
        return None  # no such operation: execution refuses the request
    values = get_variable_values(schema, operation.variable_definitions or (), variables or {})
    if not isinstance(values, VariableValues):
        return None
    return operation_cost(schema, document, operation_name, values)


def _operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    named = [o for o in operations if name is None or (o.name and o.name.value == name)]
    return named[0] if len(named) == 1 else None


class RequestLimits(SchemaExtension):
    """Listed before the caches: its parse hook runs after the document is parsed (whether
    the parser cache or strawberry parsed it) and refuses it before validation runs; its
    execute hook refuses a costly operation before any resolver runs, and stops a query at
    the end of its time budget (mutations keep to their statements' budget, the database's
    statement_timeout: a cancelled COMMIT could not say whether it committed)."""

    def __init__(self, settings: Settings) -> None:
        self.defaults = settings

    @property
    def settings(self) -> Settings:
        """The app's settings (an app may be built with its own), else the process's."""
        context = self.execution_context.context
        return context.settings if isinstance(context, Context) else self.defaults

    def on_parse(self) -> Iterator[None]:
        yield
        document = self.execution_context.graphql_document
        if document is None:
            return
        refused = too_many_selections(selection_count(document), self.settings.max_query_selections)
        if refused is not None:
            ERRORS.labels(code="GRAPHQL_VALIDATION_FAILED").inc()
            raise refused

    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context
        assert context.graphql_document is not None
        schema = context.schema._schema
        cost = cost_of(schema, context.graphql_document, context.operation_name, context.variables)
        if cost is not None and cost > self.settings.max_query_cost:
            ERRORS.labels(code="QUERY_TOO_COSTLY").inc()
            raise too_costly(cost, self.settings.max_query_cost)
        if context.operation_type is not OperationType.QUERY:
            yield
            return
        budget = self.settings.request_timeout_seconds
        try:
            async with asyncio.timeout(budget):
                yield
        except TimeoutError:
            ERRORS.labels(code=TIMEOUT).inc()
            raise timed_out() from None
