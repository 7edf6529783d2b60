"""Who calls: how a request's or a WebSocket's context learns it (issue 12, point 4).

A token is verified when the request arrives (`present`: signature and expiry, no database);
what its session grants is asked of the database (resolvers/access.py, cached for seconds)
only when an operation is about to execute (`AccessCheck`), so an invalid document costs no
statement, and again before each operation of a WebSocket, which keeps its context as long as
it is open. Context (resolvers/context.py) is a Caller.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.extensions import SchemaExtension

from config import Settings
from db import outage
from domain.actors import Actor
from observability import log
from resolvers.access import authenticate
from resolvers.api_error import ApiError
from resolvers.auth import AccessToken, AuthenticationError, bearer_token, verify_token

UNAUTHENTICATED = "UNAUTHENTICATED"
SIGN_IN = "Sign in: send 'Authorization: Bearer <token>'."


class Caller:
    """The caller's part of the context; the fields are Context's (a dataclass)."""

    settings: Settings
    reads: AsyncSession | None
    actor_or_none: Actor | None
    auth_failure: tuple[str, str] | None
    token: str | None
    credentials: AccessToken | None
    connection_params: dict[str, Any] | None

    def access_session(self) -> AbstractAsyncContextManager[AsyncSession]:
        """Where check_access reads (Context's)."""
        raise NotImplementedError

    @property
    def actor(self) -> Actor:
        if self.auth_failure is not None:
            message, code = self.auth_failure
            retry = {"retryable": True} if code == outage.CODE else {}
            raise ApiError(message, code, **retry)
        if self.actor_or_none is None:
            raise ApiError(SIGN_IN, UNAUTHENTICATED)
        return self.actor_or_none

    def present(self, authorization: str | None) -> None:
        """Take the caller's Authorization header: its token's signature and expiry are
        checked here, its session and rights by check_access."""
        self.actor_or_none = self.token = self.credentials = self.auth_failure = None
        try:
            token = bearer_token(authorization)
            if token is not None:
                self.credentials, self.token = verify_token(self.settings, token), token
        except AuthenticationError as error:
            self.auth_failure = (str(error), UNAUTHENTICATED)

    async def check_access(self) -> tuple[str, str] | None:
        """The actor of the token's session as the database says now (resolvers/access.py:
        cached for seconds); the failure, if any, is also what `actor` raises."""
        if self.credentials is None or self.token is None:
            return self.auth_failure
        try:
            actor = await authenticate(
                self.settings, self.token, self.credentials, self.access_session
            )
        except AuthenticationError as error:
            self.actor_or_none, self.auth_failure = None, (str(error), UNAUTHENTICATED)
        except Exception as error:
            if not outage.is_outage(error):
                raise
            log.warning("database_unavailable", path="access_check", error=repr(error))
            self.actor_or_none, self.auth_failure = None, (outage.MESSAGE, outage.CODE)
        else:
            self.actor_or_none, self.auth_failure = actor, None
        return self.auth_failure

    async def authenticate_connection(self) -> None:
        """graphql-transport-ws's connection_init: the token of its payload, checked; an
        ApiError refuses the connection. An outage does not: each operation checks again."""
        params = self.connection_params or {}
        header = params.get("Authorization") or params.get("authorization")
        self.present(str(header) if header else None)
        failure = await self.check_access()
        if failure is not None and failure[1] == outage.CODE:
            return
        self.actor  # noqa: B018  (raises the refusal)


class AccessCheck(SchemaExtension):
    """Before an operation executes, the database (or its cache, seconds old) says what the
    caller's session grants now."""

    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context.context
        if isinstance(context, Caller):
            await context.check_access()
        yield
