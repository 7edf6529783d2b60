"""One execution of a status change's selection for all its subscribers (K3 at scale).

graphql-core executes a subscription's selection once per event and per subscriber. A
StatusChange is plain data shared by every subscriber of its event (schema/events.py), so the
result of one operation (the same parsed document, operation and variables) over one event is
the same for all of them: it is executed once and the result reused (issue 12: graphql-core's
execution was a fifth of the CPU an API process spent per delivered message). Only results
without errors are reused, and only for StatusChange roots, whose fields read nothing else.
"""

from __future__ import annotations

import json
from typing import Any

from graphql import ExecutionResult
from graphql.execution.values import VariableValues
from graphql.language import OperationType
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from schema.events import StatusChange

# Where an event's results live: on its StatusChange, so they go when it goes.
_RESULTS = "_shared_results"
MAX_PER_EVENT = 64  # distinct documents kept per event; others execute as usual
EXECUTIONS = {"count": 0}  # selections executed over a StatusChange (tests count them)


class SharedEventResults(StrawberryGraphQLCoreExecutionContext):
    def execute_operation(self, serially: bool | None = None) -> Any:
        event = self.root_value
        if not isinstance(event, StatusChange) or self.operation.operation != (
            OperationType.SUBSCRIPTION
        ):
            return super().execute_operation(serially)
        results: dict[tuple[int, str], tuple[Any, Any]] = event.__dict__.setdefault(_RESULTS, {})
        key = (id(self.operation), _variables_key(self.variable_values))
        cached = results.get(key)
        if cached is not None and cached[0] is self.operation:  # the id not reused meanwhile
            return cached[1]
        EXECUTIONS["count"] += 1
        result = super().execute_operation(serially)
        reusable = isinstance(result, ExecutionResult) and not result.errors
        if reusable and len(results) < MAX_PER_EVENT:
            results[key] = (self.operation, result)  # the node kept: its id stays its own
        return result


def _variables_key(variables: VariableValues) -> str:
    return json.dumps(variables.coerced, sort_keys=True, default=str)
