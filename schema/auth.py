"""Sessions over the API: refreshing tokens, signing out, and an admin ending a user's sessions.

How a client gets its first session: `cli.py token <email>` (`make token`) or `make run`'s
demo printout; the README's Tokens section tells the whole flow.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

import strawberry

from resolvers import sessions as resolvers
from resolvers.context import Info
from resolvers.mutations import Outcome
from schema.errors import UserError
from schema.mutations import decoded, errors_of
from schema.relay import decode_id

WHY = "Why nothing was done."


@strawberry.input(description="The refresh token to trade for new tokens.")
class RefreshTokenInput:
    refresh_token: str = strawberry.field(
        description="The refresh token of your sign-in or last refresh; it works once."
    )


@strawberry.type(description="Your session's next tokens; all null when `errors` says why not.")
class RefreshTokenPayload:
    access_token: str | None = strawberry.field(
        description="Send as 'Authorization: Bearer <token>' until accessTokenExpiresAt."
    )
    access_token_expires_at: dt.datetime | None = strawberry.field(
        description="When the access token stops working: refresh before then."
    )
    refresh_token: str | None = strawberry.field(
        description="The next refresh token. The one you sent no longer works; sent again, it"
        " ends the session (a stolen refresh token is caught so)."
    )
    session_expires_at: dt.datetime | None = strawberry.field(
        description="The session's absolute end, fixed at sign-in: refreshing never extends it."
    )
    errors: list[UserError] = strawberry.field(description=WHY)

    @classmethod
    def of(cls, outcome: Outcome[resolvers.IssuedTokens]) -> RefreshTokenPayload:
        issued = outcome.value
        return cls(
            access_token=issued.access_token if issued else None,
            access_token_expires_at=issued.access_token_expires_at if issued else None,
            refresh_token=issued.refresh_token if issued else None,
            session_expires_at=issued.session_expires_at if issued else None,
            errors=errors_of(outcome),
        )


@strawberry.input(description="The session to end: `{}` for the one you call with.")
class RevokeSessionInput:
    refresh_token: str | None = strawberry.field(
        default=None,
        description="The session of this refresh token (signing out with an expired access"
        " token); omitted: the session of your access token.",
    )


@strawberry.type(description="Whether the session ended; its tokens stop working at once.")
class RevokeSessionPayload:
    session_id: strawberry.ID | None = strawberry.field(
        description="The session that is ended now (`sid` of its access tokens)."
    )
    errors: list[UserError] = strawberry.field(description=WHY)


@strawberry.input(description="The user whose every open session ends.")
class RevokeUserSessionsInput:
    user_id: strawberry.ID = strawberry.field(description="The User (its global id).")

    def to_domain(self) -> int:
        return decode_id(self.user_id, "User", "userId")


@strawberry.type(description="How many sessions ended; their tokens stop working at once.")
class RevokeUserSessionsPayload:
    revoked_sessions: int | None = strawberry.field(
        description="The user's sessions that were open and are ended now."
    )
    errors: list[UserError] = strawberry.field(description=WHY)


def _session_id(value: uuid.UUID | None) -> strawberry.ID | None:
    return strawberry.ID(str(value)) if value is not None else None


@strawberry.type
class AuthMutation:
    @strawberry.mutation(
        description="New access and refresh tokens for a refresh token (no access token"
        " needed): a new access token carries your current roles and legal entities."
    )
    async def refresh_token(
        self,
        info: Info,
        input: Annotated[RefreshTokenInput, strawberry.argument(description="The token.")],
    ) -> RefreshTokenPayload:
        return RefreshTokenPayload.of(await resolvers.refresh(info.context, input.refresh_token))

    @strawberry.mutation(description="Sign out: end a session of yours and all its tokens.")
    async def revoke_session(
        self,
        info: Info,
        input: Annotated[RevokeSessionInput, strawberry.argument(description="Which session.")],
    ) -> RevokeSessionPayload:
        outcome = await resolvers.revoke_session(info.context, input.refresh_token)
        return RevokeSessionPayload(
            session_id=_session_id(outcome.value), errors=errors_of(outcome)
        )

    @strawberry.mutation(
        description="Admin: end every open session of a user of your legal entities (after"
        " removing their rights, say); they sign in again."
    )
    async def revoke_user_sessions(
        self,
        info: Info,
        input: Annotated[RevokeUserSessionsInput, strawberry.argument(description="The user.")],
    ) -> RevokeUserSessionsPayload:
        outcome: Outcome[list[uuid.UUID]] = await decoded(
            input.to_domain, lambda user_id: resolvers.revoke_user_sessions(info.context, user_id)
        )
        revoked = len(outcome.value) if outcome.value is not None else None
        return RevokeUserSessionsPayload(revoked_sessions=revoked, errors=errors_of(outcome))
