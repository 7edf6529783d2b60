"""strawberry's ASGI view, strict about what it takes (the base of app.GraphQLApp):

- its own refusals (an operation it cannot pick, a mutation over GET) are JSON errors with
  a code, like every other error of the API, instead of plain text;
- subscriptions only over graphql-transport-ws: over HTTP graphql-core would run one as a
  query and complete its event stream as an object (a masked internal error);
- WebSocket messages are strict JSON (request_json) of the shape graphql-transport-ws gives
  them, else the socket closes with 4400 as the protocol asks (not a TypeError deep in
  strawberry's handler).
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from cross_web import AsyncHTTPRequestAdapter, HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.exceptions import MissingQueryError
from strawberry.http import GraphQLRequestData
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import Message
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

import request_json
from request_checks import Refusal, checked, method_not_allowed, require_query
from resolvers.context import Context

# The context of the operation the current task runs (CheckedMessages.run_operation).
_OPERATION_CONTEXT: ContextVar[Context | None] = ContextVar("operation_context", default=None)


class CheckedMessages(BaseGraphQLTransportWSHandler[Context, None]):
    """graphql-transport-ws, with every message's shape checked before it is handled, and
    each operation run with a context of its own (Context.for_operation)."""

    @property
    def context(self) -> Context:
        """strawberry reads `self.context` in each operation's task: there it is that
        operation's context; elsewhere (connection_init) the socket's."""
        return _OPERATION_CONTEXT.get() or self._socket_context

    @context.setter
    def context(self, value: Context) -> None:
        self._socket_context = value

    async def run_operation(self, operation: Operation[Context, None]) -> None:
        async with self._socket_context.for_operation() as context:
            _OPERATION_CONTEXT.set(context)  # this task's own (each operation has a task)
            await super().run_operation(operation)

    async def handle_message(self, message: Message) -> None:
        problem = message_problem(message)
        if problem is not None:
            await self.handle_invalid_message(problem)
            return
        await super().handle_message(message)


class StrictGraphQL(GraphQL[Context, None]):
    graphql_transport_ws_handler_class = CheckedMessages

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        try:
            response = await self.run(Request(scope=scope, receive=receive))
        except HTTPException as error:
            response = refused_by_strawberry(error)
        await response(scope, receive, send)

    def decode_json(self, data: str | bytes) -> object:
        return request_json.loads(data)

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        """strawberry's, with the operation types of an HTTP method less subscriptions."""
        method = request_adapter.method
        allowed = OperationType.from_http(method) - {OperationType.SUBSCRIPTION}
        try:
            return await self.schema.execute(
                request_data.query,
                root_value=root_value,
                variable_values=request_data.variables,
                context_value=context,
                operation_name=request_data.operation_name,
                allowed_operation_types=allowed,
                operation_extensions=request_data.extensions,
            )
        except CannotGetOperationTypeError as error:
            raise HTTPException(400, error.as_http_error_reason()) from error
        except InvalidOperationTypeError as error:
            raise HTTPException(400, error.as_http_error_reason(method)) from error
        except MissingQueryError as error:
            raise HTTPException(400, "No GraphQL query found in the request") from error


def refused_by_strawberry(error: HTTPException) -> Response:
    """strawberry's refusal of a request that request_checks let through, as a JSON error."""
    refusal = Refusal(error.status_code, error.reason)
    cause = error.__cause__
    if isinstance(cause, CannotGetOperationTypeError):  # GraphQL over HTTP: a request error
        refusal.message = (
            f"The document has no operation named {cause.operation_name!r}."
            if cause.operation_name is not None
            else "The document has several operations (or none): name the one to run in"
            " `operationName`."
        )
    elif isinstance(cause, InvalidOperationTypeError):
        if cause.operation_type is OperationType.MUTATION:  # over GET
            refusal = method_not_allowed("POST", "A mutation needs a POST request.")
        else:
            refusal.message = "Subscriptions are served over WebSocket (graphql-transport-ws)."
    headers = {name.decode(): value.decode() for name, value in refusal.headers}
    return Response(refusal.body(), refusal.status, headers, media_type="application/json")


def message_problem(message: Any) -> str | None:
    """What is wrong with a graphql-transport-ws message's shape, if anything."""
    if not isinstance(message, dict) or not isinstance(message.get("type"), str):
        return "A message must be a JSON object with a `type`."
    kind, payload = message["type"], message.get("payload")
    if kind in ("subscribe", "complete") and not isinstance(message.get("id"), str):
        return f"A {kind} message needs an `id` string."
    if kind == "subscribe":
        try:
            require_query(checked(payload))
        except Refusal as refusal:
            return f"Subscribe payload: {refusal.message}"
    elif payload is not None and not isinstance(payload, dict):
        return "A message's `payload` must be an object."
    return None
