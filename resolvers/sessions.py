"""Signing in (the CLI, the demo, the tests), refreshing and revoking sessions (mutations).

A client holds two tokens: an access token (a JWT, ACCESS_TOKEN_MINUTES) it sends with every
request, and a refresh token (opaque) it trades with refreshToken for a new pair before the
access token expires, until its session's absolute end (SESSION_DAYS after sign-in).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from config import Settings
from db.models.sessions import RevokedBecause
from domain import sessions
from domain.errors import DomainError
from domain.master_data import user_claims
from resolvers.access import forget_session, forget_user
from resolvers.auth import access_token_expiry, mint_token
from resolvers.context import Context
from resolvers.mutations import Outcome, run_mutation


@dataclass(frozen=True)
class IssuedTokens:
    session_id: uuid.UUID
    access_token: str
    access_token_expires_at: dt.datetime
    refresh_token: str
    session_expires_at: dt.datetime


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def _issued(
    session: AsyncSession, settings: Settings, opened: sessions.OpenedSession, now: dt.datetime
) -> IssuedTokens:
    """The tokens of an opened or refreshed session; the access token's claims carry the
    user's rights as hints (the server reads them from the database on each request)."""
    user, codes = await user_claims(session, opened.user_id)
    access = mint_token(
        settings,
        user_id=user.id,
        session_id=opened.id,
        roles=user.roles,
        legal_entities=codes,
        now=now,
    )
    expires = access_token_expiry(settings, now)
    return IssuedTokens(opened.id, access, expires, opened.refresh_token, opened.expires_at)


async def sign_in(session: AsyncSession, settings: Settings, user_id: int) -> IssuedTokens:
    """A new session of `user_id` and its first tokens (the caller commits)."""
    now = _now()
    lifetime = dt.timedelta(days=settings.session_days)
    opened = await sessions.open_session(session, user_id, lifetime=lifetime, now=now)
    return await _issued(session, settings, opened, now)


async def refresh(context: Context, refresh_token: str) -> Outcome[IssuedTokens]:
    """New tokens for a current refresh token; no access token needed (it may have expired).
    A rotated refresh token presented again revokes its session, and that is committed."""
    now = _now()
    async with context.db() as session:
        try:
            opened = await sessions.rotate(session, refresh_token, now)
            issued = await _issued(session, context.settings, opened, now)
            await session.commit()
        except sessions.RefreshTokenReused as reused:
            await session.rollback()
            await sessions.revoke(
                session, reused.session_id, RevokedBecause.REFRESH_TOKEN_REUSED, now
            )
            await session.commit()
            forget_session(reused.session_id)
            return Outcome(errors=[reused])
        except DomainError as error:
            await session.rollback()
            return Outcome(errors=[error])
    return Outcome(value=issued)


async def revoke_session(context: Context, refresh_token: str | None) -> Outcome[uuid.UUID]:
    """Sign out: end the session of `refresh_token`, or else of the caller's access token."""
    own: uuid.UUID | None = None
    if refresh_token is None:
        context.actor  # noqa: B018  (UNAUTHENTICATED without an open session's access token)
        assert context.credentials is not None
        own = context.credentials.session_id
    async with context.db() as session:
        try:
            session_id = own or await sessions.session_of_refresh_token(
                session, refresh_token or ""
            )
            await sessions.revoke(session, session_id, RevokedBecause.SIGNED_OUT, _now())
            await session.commit()
        except DomainError as error:
            await session.rollback()
            return Outcome(errors=[error])
    forget_session(session_id)
    return Outcome(value=session_id)


async def revoke_user_sessions(context: Context, user_id: int) -> Outcome[list[uuid.UUID]]:
    """Admin: end every open session of a user of one of the admin's legal entities."""
    outcome = await run_mutation(
        context,
        lambda session, actor: sessions.revoke_users_sessions(session, actor, user_id, _now()),
    )
    if outcome.value is not None:
        forget_user(user_id)
    return outcome
