"""Sessions: signing in, refreshing (with rotation and reuse detection) and revoking.

Times come from the caller (the application's clock, as the access tokens' `exp`), not from
PostgreSQL's now(): that is the start of the transaction, frozen for a long one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from dataclasses import dataclass

from sqlalchemy import delete, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.master_data import AppUser, Role
from db.models.sessions import RevokedBecause, RotatedRefreshToken, UserSession
from domain.actors import Actor
from domain.errors import DomainError, ErrorCode
from domain.scope import callers_row

SIGN_IN_AGAIN = "Sign in again."
MAX_REFRESH_TOKEN_CHARS = 200  # ours are 43; a longer one is not worth hashing
# How long an ended session (revoked, or past its lifetime) is kept, for an admin asking who
# was signed in; then the purge (jobs/sessions.py) removes it and its rotated refresh tokens.
ENDED_RETENTION = dt.timedelta(days=7)


class RefreshTokenReused(DomainError):
    """A rotated refresh token came back: whoever holds the session's tokens, one of them
    is not its owner. The caller revokes the session (and commits that, refusal or not)."""

    def __init__(self, session_id: uuid.UUID) -> None:
        super().__init__(
            ErrorCode.INVALID,
            f"This refresh token was already used; the session is revoked. {SIGN_IN_AGAIN}",
            ["refreshToken"],
        )
        self.session_id = session_id


@dataclass(frozen=True)
class OpenedSession:
    """A session as its client gets it: the refresh token exists only here, never stored."""

    id: uuid.UUID
    user_id: int
    refresh_token: str
    expires_at: dt.datetime


def token_hash(refresh_token: str) -> bytes:
    return hashlib.sha256(refresh_token.encode()).digest()


def _new_refresh_token() -> str:
    return secrets.token_urlsafe(32)  # 256 random bits


async def open_session(
    session: AsyncSession, user_id: int, *, lifetime: dt.timedelta, now: dt.datetime
) -> OpenedSession:
    """Sign `user_id` in: a new session that ends `lifetime` from now, whatever happens."""
    token = _new_refresh_token()
    row = UserSession(
        id=uuid.uuid4(),
        user_id=user_id,
        refresh_token_hash=token_hash(token),
        expires_at=now + lifetime,
        last_used_at=now,
    )
    session.add(row)
    await session.flush()
    return OpenedSession(row.id, user_id, token, row.expires_at)


async def rotate(session: AsyncSession, refresh_token: str, now: dt.datetime) -> OpenedSession:
    """The session of a current refresh token, with its next refresh token. One conditional
    update: of two concurrent refreshes with one token, the second finds it rotated."""
    presented = token_hash(refresh_token[:MAX_REFRESH_TOKEN_CHARS])
    token = _new_refresh_token()
    rotated = (
        await session.execute(
            update(UserSession)
            .where(
                UserSession.refresh_token_hash == presented,
                UserSession.revoked_at.is_(None),
                UserSession.expires_at > now,
            )
            .values(refresh_token_hash=token_hash(token), last_used_at=now)
            .returning(UserSession.id, UserSession.user_id, UserSession.expires_at)
        )
    ).one_or_none()
    if rotated is None:
        raise await _refusal(session, presented, now)
    await session.execute(
        insert(RotatedRefreshToken).values(
            token_hash=presented, session_id=rotated.id, rotated_at=now
        )
    )
    return OpenedSession(rotated.id, rotated.user_id, token, rotated.expires_at)


async def _refusal(session: AsyncSession, presented: bytes, now: dt.datetime) -> DomainError:
    """Why a refresh token is not current: reused, of an ended session, or unknown."""
    reused = await session.scalar(
        select(RotatedRefreshToken.session_id).where(RotatedRefreshToken.token_hash == presented)
    )
    if reused is not None:
        return RefreshTokenReused(reused)
    current = await session.scalar(
        select(UserSession).where(UserSession.refresh_token_hash == presented)
    )
    if current is not None and current.revoked_at is not None:
        reason = f"This session was revoked ({current.revoked_because}). {SIGN_IN_AGAIN}"
    elif current is not None:
        reason = f"This session ended at {current.expires_at.isoformat()}. {SIGN_IN_AGAIN}"
    else:
        reason = f"This refresh token is not valid. {SIGN_IN_AGAIN}"
    return DomainError(ErrorCode.INVALID, reason, ["refreshToken"])


async def revoke(
    session: AsyncSession, session_id: uuid.UUID, because: RevokedBecause, now: dt.datetime
) -> bool:
    """End a session now; False when it had ended already."""
    revoked = await session.execute(
        update(UserSession)
        .where(UserSession.id == session_id, UserSession.revoked_at.is_(None))
        .values(revoked_at=now, revoked_because=because.value)
        .returning(UserSession.id)
    )
    return revoked.first() is not None


async def session_of_refresh_token(session: AsyncSession, refresh_token: str) -> uuid.UUID:
    """The session a refresh token (current or rotated) belongs to, else INVALID."""
    presented = token_hash(refresh_token[:MAX_REFRESH_TOKEN_CHARS])
    current = await session.scalar(
        select(UserSession.id).where(UserSession.refresh_token_hash == presented)
    )
    found = current or await session.scalar(
        select(RotatedRefreshToken.session_id).where(RotatedRefreshToken.token_hash == presented)
    )
    if found is None:
        raise DomainError(ErrorCode.INVALID, "This refresh token is not valid.", ["refreshToken"])
    return found


async def revoke_users_sessions(
    session: AsyncSession, actor: Actor, user_id: int, now: dt.datetime
) -> list[uuid.UUID]:
    """Admin: end every open session of a user who shares a legal entity with the admin (a
    user of other legal entities is as unknown as a missing one, M1)."""
    actor.require_role(Role.ADMIN)
    await callers_row(
        session, actor, AppUser, user_id, missing="The user does not exist.", field=["userId"]
    )
    revoked = await session.scalars(
        update(UserSession)
        .where(
            UserSession.user_id == user_id,
            UserSession.revoked_at.is_(None),
            UserSession.expires_at > now,
        )
        .values(revoked_at=now, revoked_because=RevokedBecause.REVOKED_BY_ADMIN.value)
        .returning(UserSession.id)
    )
    return list(revoked)


async def purge_ended(session: AsyncSession, now: dt.datetime) -> int:
    """Remove sessions that ended more than ENDED_RETENTION before `now` (their rotated
    refresh tokens go with them, ON DELETE CASCADE); how many were removed."""
    before = now - ENDED_RETENTION
    result = await session.execute(
        delete(UserSession)
        .where(or_(UserSession.expires_at < before, UserSession.revoked_at < before))
        .returning(UserSession.id)
    )
    return len(result.all())
