"""What an open session grants now: its user's roles and legal entities as the database has
them, whatever the access token says (its claims are hints, minted minutes ago)."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Text, cast, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.selectable import ScalarSelect

from db.models.master_data import AppUser, LegalEntity, UserLegalEntity
from db.models.sessions import UserSession
from domain.actors import Actor


def _entity_codes() -> ScalarSelect[list[str] | None]:
    """The user's legal entity codes; NULL for none (array_agg of no rows). As text[]: asyncpg
    knows its codec, where a varchar[] costs a type introspection per new connection."""
    return (
        select(func.array_agg(cast(LegalEntity.code, Text)))
        .join(UserLegalEntity, UserLegalEntity.legal_entity_id == LegalEntity.id)
        .where(UserLegalEntity.user_id == AppUser.id)
        .scalar_subquery()
    )


# Marks the statement (tests/support/counter.py leaves it out of a request's statements: it
# runs on the first request of a token and then once per AUTH_CACHE_SECONDS, whatever the
# request asks for).
ACCESS_CHECK_MARK = "/* access check */"

# One statement: the session, its user and the user's legal entity codes.
_ACCESS = (
    select(UserSession.user_id, AppUser.roles, _entity_codes())
    .prefix_with(ACCESS_CHECK_MARK)
    .join(AppUser, AppUser.id == UserSession.user_id)
    .where(UserSession.revoked_at.is_(None))
)


async def session_actor(
    session: AsyncSession, session_id: uuid.UUID, now: dt.datetime
) -> Actor | None:
    """The actor of an open session; None when it is unknown, revoked or past its lifetime."""
    statement = _ACCESS.where(UserSession.id == session_id, UserSession.expires_at > now)
    row = (await session.execute(statement)).one_or_none()
    if row is None:
        return None
    user_id, roles, codes = row
    return Actor(user_id=user_id, roles=frozenset(roles), legal_entities=frozenset(codes or ()))
