"""The request-level error of the API (a top-level GraphQL error, not a payload's)."""

from __future__ import annotations

from graphql import GraphQLError


class ApiError(GraphQLError):
    """A request-level error with an `extensions.code` clients can switch on."""

    def __init__(self, message: str, code: str, **extensions: object) -> None:
        super().__init__(message, extensions={"code": code, **extensions})
