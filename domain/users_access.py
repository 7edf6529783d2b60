"""Granting and revoking a user's roles and legal entities (an admin's, M1).

Each is a difference, not a whole new set: granting what the user holds, or revoking what they
do not, changes nothing and is no error, and two admins granting different things at once both
keep theirs. Refused: an admin handing out or taking away a legal entity it does not hold
itself, or changing the roles of a user who works in one (roles hold in all of them); revoking
its own admin role, and taking away a user's last legal entity: an admin could otherwise lock
itself, or leave a user nobody can administer, out of the API. The
database announces each change (migration 0010): the user's cached access ends at once in
every process (resolvers/access.py).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.master_data import AppUser, Role, UserLegalEntity
from domain.actors import Actor
from domain.errors import DomainError, ErrorCode
from domain.users import admins_user, audited, entity_ids, snapshot


def _named(values: Collection[object], field: str, what: str) -> None:
    if not values:
        raise DomainError(ErrorCode.REQUIRED, f"Name at least one {what}.", [field])


async def _set_roles(
    session: AsyncSession, actor: Actor, user: AppUser, roles: set[str], action: str
) -> AppUser:
    before = await snapshot(session, user)
    if set(user.roles) != roles:  # an unchanged row is not written: nothing is announced
        user.roles = sorted(roles)
        await session.flush()
        session.add(audited(actor, action, user.id, before, await snapshot(session, user)))
    return user


async def grant_roles(
    session: AsyncSession, actor: Actor, user_id: int, roles: Sequence[Role]
) -> AppUser:
    user = await admins_user(session, actor, user_id, whole=True)
    _named(roles, "roles", "role")
    wanted = set(user.roles) | {role.value for role in roles}
    return await _set_roles(session, actor, user, wanted, "user_roles_granted")


async def revoke_roles(
    session: AsyncSession, actor: Actor, user_id: int, roles: Sequence[Role]
) -> AppUser:
    user = await admins_user(session, actor, user_id, whole=True)
    _named(roles, "roles", "role")
    if user.id == actor.user_id and Role.ADMIN in roles:
        raise DomainError(
            ErrorCode.INVALID,
            "You cannot revoke your own admin role: another admin may (no lock-out).",
            ["roles"],
        )
    wanted = set(user.roles) - {role.value for role in roles}
    return await _set_roles(session, actor, user, wanted, "user_roles_revoked")


async def _held(session: AsyncSession, user_id: int) -> set[int]:
    """Every legal entity of the user, the admin's or not."""
    held = await session.scalars(
        select(UserLegalEntity.legal_entity_id).where(UserLegalEntity.user_id == user_id)
    )
    return set(held)


async def grant_legal_entities(
    session: AsyncSession, actor: Actor, user_id: int, codes: Sequence[str]
) -> AppUser:
    user = await admins_user(session, actor, user_id)
    _named(codes, "legalEntities", "legal entity")
    entities = await entity_ids(session, actor, codes, "legalEntities")
    added = set(entities) - await _held(session, user.id)
    if added:
        before = await snapshot(session, user)
        await session.execute(
            pg_insert(UserLegalEntity)
            .values([{"user_id": user.id, "legal_entity_id": pk} for pk in sorted(added)])
            .on_conflict_do_nothing()
        )
        after = await snapshot(session, user)
        session.add(audited(actor, "user_legal_entities_granted", user.id, before, after))
    return user


async def revoke_legal_entities(
    session: AsyncSession, actor: Actor, user_id: int, codes: Sequence[str]
) -> AppUser:
    user = await admins_user(session, actor, user_id)
    _named(codes, "legalEntities", "legal entity")
    entities = await entity_ids(session, actor, codes, "legalEntities")
    held = await _held(session, user.id)
    removed = held & set(entities)
    if not removed:
        return user
    if not held - removed:
        whose = "your own" if user.id == actor.user_id else "a user's"
        raise DomainError(
            ErrorCode.INVALID,
            f"You cannot revoke {whose} last legal entity: grant another one first.",
            ["legalEntities"],
        )
    before = await snapshot(session, user)
    await session.execute(
        delete(UserLegalEntity).where(
            UserLegalEntity.user_id == user.id, UserLegalEntity.legal_entity_id.in_(removed)
        )
    )
    after = await snapshot(session, user)
    session.add(audited(actor, "user_legal_entities_revoked", user.id, before, after))
    return user
