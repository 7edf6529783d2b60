"""Resolvers of the users mutations: one transaction each (run_mutation)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from db.models.master_data import AppUser, Role
from domain import users, users_access
from domain.actors import Actor
from resolvers.access import forget_user
from resolvers.context import Context
from resolvers.mutations import Outcome, run_mutation

Change = Callable[[AsyncSession, Actor, int, Sequence[Role]], Awaitable[AppUser]]
EntityChange = Callable[[AsyncSession, Actor, int, Sequence[str]], Awaitable[AppUser]]


async def create_user(context: Context, data: users.NewUser) -> Outcome[AppUser]:
    return await run_mutation(
        context, lambda session, actor: users.create_user(session, actor, data)
    )


async def update_user(
    context: Context, user_id: int, changes: users.UserChanges
) -> Outcome[AppUser]:
    return await run_mutation(
        context, lambda session, actor: users.update_user(session, actor, user_id, changes)
    )


async def _access_changed(context: Context, outcome: Outcome[AppUser]) -> Outcome[AppUser]:
    """This process forgets the user's cached access as soon as the change is committed; the
    others when the database's announcement reaches them (resolvers/access.py)."""
    if outcome.value is not None:
        forget_user(outcome.value.id)
    return outcome


async def change_roles(
    context: Context, change: Change, user_id: int, roles: Sequence[Role]
) -> Outcome[AppUser]:
    """`change` is users_access.grant_roles or revoke_roles."""
    outcome = await run_mutation(
        context, lambda session, actor: change(session, actor, user_id, roles)
    )
    return await _access_changed(context, outcome)


async def change_legal_entities(
    context: Context, change: EntityChange, user_id: int, codes: Sequence[str]
) -> Outcome[AppUser]:
    """`change` is users_access.grant_legal_entities or revoke_legal_entities."""
    outcome = await run_mutation(
        context, lambda session, actor: change(session, actor, user_id, codes)
    )
    return await _access_changed(context, outcome)


GRANT_ROLES: Change = users_access.grant_roles
REVOKE_ROLES: Change = users_access.revoke_roles
GRANT_LEGAL_ENTITIES: EntityChange = users_access.grant_legal_entities
REVOKE_LEGAL_ENTITIES: EntityChange = users_access.revoke_legal_entities
