"""The typed error of a request that ran out of its time budget (REQUEST_TIMEOUT_SECONDS),
however it ran out: its execution (schema/request_limits.py), a statement the database
stopped (resolvers/extensions.py) or the compiled read's statement (compiler/asgi.py)."""

from __future__ import annotations

from graphql import GraphQLError

TIMEOUT = "TIMEOUT"
TIMED_OUT = (
    "The request ran out of its time budget (REQUEST_TIMEOUT_SECONDS) and was stopped;"
    " ask for less, or narrow its filters."
)


def timed_out() -> GraphQLError:
    return GraphQLError(TIMED_OUT, extensions={"code": TIMEOUT})
