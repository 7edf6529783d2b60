"""Schema extensions: error masking with an error id, and per-operation metrics."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

from graphql import GraphQLError, specified_rules, validate
from strawberry.exceptions import MissingQueryError
from strawberry.extensions import MaskErrors, SchemaExtension
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError

from config import get_settings
from db import outage
from db.guards import is_data_exception
from db.statement_budget import is_statement_timeout
from domain.errors import DomainError
from observability import ERRORS, log, log_operation
from resolvers.context import ApiError, Context
from resolvers.time_budget import TIMED_OUT, TIMEOUT

VALIDATION = {"code": "GRAPHQL_VALIDATION_FAILED"}
# Raised out of the operation on purpose: strawberry's view answers them with an HTTP 400.
REQUEST_EXCEPTIONS = (MissingQueryError, CannotGetOperationTypeError, InvalidOperationTypeError)


def is_expected(error: GraphQLError) -> bool:
    original = error.original_error
    # A GraphQLError as the cause: graphql-core refusing a variable's value (coercion).
    if original is not None and is_data_exception(original):
        return True
    if original is not None and outage.is_outage(original):  # typed by _typed, not masked
        return True
    if original is not None and is_statement_timeout(original):  # TIMEOUT, by _typed
        return True
    return original is None or isinstance(original, GraphQLError | DomainError)


class MaskUnexpectedErrors(MaskErrors):
    """Expected errors keep their message and code; anything else becomes an error id."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=lambda error: not is_expected(error))

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        error_id = uuid.uuid4().hex
        log.error(
            "unexpected_error",
            error_id=error_id,
            path=error.path,
            exc_info=error.original_error,
        )
        ERRORS.labels(code="INTERNAL_SERVER_ERROR").inc()
        return GraphQLError(
            message=f"Unexpected error; quote error id {error_id}.",
            nodes=error.nodes,
            path=error.path,
            extensions={"code": "INTERNAL_SERVER_ERROR", "errorId": error_id},
        )

    def _process_result(self, result: object) -> None:
        """strawberry's checks `result` against a runtime-checkable Protocol, and that
        isinstance walks the Protocol's members: for each event of a subscription, once per
        subscriber, it was 7 % of the CPU an API process spent delivering it. A result with
        errors is all that matters here."""
        errors = getattr(result, "errors", None)
        if errors:
            result.errors = self._process_errors(errors)  # type: ignore[attr-defined]

    def on_operation(self) -> Iterator[None]:
        try:
            yield from super().on_operation()
        except GraphQLError as error:
            # ParserCache parses inside its on_parse hook, so a syntax error (the token limit
            # is one) leaves the operation as an exception and never reaches the result
            # processing above: give it its code on the way out.
            if not error.extensions:
                error.extensions = {"code": "GRAPHQL_PARSE_FAILED"}
                ERRORS.labels(code="GRAPHQL_PARSE_FAILED").inc()
            raise
        except REQUEST_EXCEPTIONS:
            raise
        except Exception as error:
            # Anything else escaping parsing, validation or a hook would reach the client as
            # its bare message, with no code: strawberry coerces it outside this extension.
            raise self._invalid_or_masked(error) from error

    def _invalid_or_masked(self, error: Exception) -> GraphQLError:
        """A validation rule that fails on an invalid document (the depth limiter raises
        KeyError on a spread of an unknown fragment) is the document's first validation
        error, as graphql-core's own rules find it; any other failure is masked."""
        context = self.execution_context
        document = context.graphql_document
        invalid = validate(context.schema._schema, document, specified_rules) if document else []
        if not invalid:
            return self.anonymise_error(GraphQLError(str(error), original_error=error))
        ERRORS.labels(code="GRAPHQL_VALIDATION_FAILED").inc()
        first = invalid[0]
        return GraphQLError(first.message, first.nodes, extensions=dict(VALIDATION))

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        return [self._typed(error) for error in super()._process_errors(errors)]

    @staticmethod
    def _typed(error: GraphQLError) -> GraphQLError:
        """A DomainError raised by a query resolver is bad user input with its reason."""
        original = error.original_error
        if original is not None and outage.is_outage(original):
            return unavailable(error)
        if original is not None and is_statement_timeout(original):
            return out_of_time(error)
        if isinstance(original, DomainError):
            ERRORS.labels(code="BAD_USER_INPUT").inc()
            return GraphQLError(
                message=original.message,
                nodes=error.nodes,
                path=error.path,
                extensions={
                    "code": "BAD_USER_INPUT",
                    "reason": original.code.value.upper(),
                    "field": original.field,
                },
            )
        if error.original_error is None and (error.extensions or VALIDATION) == VALIDATION:
            # A repeated document's errors come from the validation cache: the same objects,
            # typed the first time already, and counted every time.
            ERRORS.labels(code="GRAPHQL_VALIDATION_FAILED").inc()
            error.extensions = dict(VALIDATION)
        elif isinstance(original, ApiError):
            ERRORS.labels(code=str((original.extensions or {}).get("code"))).inc()
        elif original is not None and is_data_exception(original):
            ERRORS.labels(code="BAD_USER_INPUT").inc()
            return GraphQLError(
                message="The database refused a value of this request.",
                nodes=error.nodes,
                path=error.path,
                extensions={"code": "BAD_USER_INPUT"},
            )
        elif isinstance(original, GraphQLError) and not error.extensions:
            ERRORS.labels(code="BAD_USER_INPUT").inc()
            error.extensions = {"code": "BAD_USER_INPUT"}
        return error


def unavailable(error: GraphQLError) -> GraphQLError:
    """The database is out of reach: a typed error the client retries, not a fault to mask."""
    log.warning("database_unavailable", path=error.path, error=repr(error.original_error))
    ERRORS.labels(code=outage.CODE).inc()
    return GraphQLError(
        message=outage.MESSAGE,
        nodes=error.nodes,
        path=error.path,
        extensions={"code": outage.CODE, "retryable": True},
    )


def out_of_time(error: GraphQLError) -> GraphQLError:
    """A statement stopped by statement_timeout: the request's time budget, not a fault."""
    log.warning("statement_timeout", path=error.path)
    ERRORS.labels(code=TIMEOUT).inc()
    return GraphQLError(TIMED_OUT, error.nodes, path=error.path, extensions={"code": TIMEOUT})


class OperationMetrics(SchemaExtension):
    """One log line and the metrics of each operation strawberry answers (compiler/asgi.py
    logs those it answers itself). Listed first: its operation hook ends last, once
    MaskUnexpectedErrors has given every error the code the client gets."""

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        codes: list[str] = []
        try:
            yield
        except REQUEST_EXCEPTIONS:  # answered with an HTTP 400 (strict_view.py)
            codes = ["BAD_REQUEST"]
            raise
        except GraphQLError as error:  # a parse error, a limit, a masked failure
            codes = [_code(error)]
            raise
        else:
            errors = getattr(self.execution_context.result, "errors", None) or []
            codes = [_code(error) for error in errors]
        finally:
            context = self.execution_context
            try:
                kind = context.operation_type.value
            except Exception:  # invalid documents have no operation type
                kind = "invalid"
            app_context = context.context
            actor = app_context.actor_or_none if isinstance(app_context, Context) else None
            log_operation(
                app_context.settings if isinstance(app_context, Context) else get_settings(),
                name=context.operation_name,
                kind=kind,
                started=started,
                codes=codes,
                user_id=actor.user_id if actor is not None else None,
                compiled=False,
            )


def _code(error: GraphQLError) -> str:
    return str((error.extensions or {}).get("code", "GRAPHQL_VALIDATION_FAILED"))
