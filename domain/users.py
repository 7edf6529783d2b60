"""Users over the API: an admin creates and edits the users of its legal entities (M1).

Only an admin does, and only on a user who shares a legal entity with it: anyone else's user
answers NOT_FOUND exactly like a missing id (`domain.scope.callers_row`), and what holds in
every legal entity of the user (roles, name, email) only an admin of all of them changes
(FORBIDDEN otherwise, `admins_user`). Every change leaves
an audit record with who, what and the user before and after (`audited`). Roles and legal
entities are granted and revoked in domain/users_access.py.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.audit import AuditRecord
from db.models.master_data import AppUser, LegalEntity, Role, UserLegalEntity
from domain.actors import Actor
from domain.errors import DomainError, DomainErrors, ErrorCode
from domain.master_data import entity_by_code
from domain.scope import callers_row
from domain.validation import Collector, require_text

MISSING = "The user does not exist."
MAX_EMAIL = 254  # the longest address SMTP carries (RFC 5321)
# One '@' between a local part and a dotted domain, no spaces: enough to catch a mistyped
# address; whether it receives mail is not ours to check.
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class NewUser:
    email: str
    name: str
    roles: Sequence[Role]
    legal_entities: Sequence[str]  # codes


@dataclass(frozen=True)
class UserChanges:
    """What `updateUser` changes; None keeps the value."""

    name: str | None = None
    email: str | None = None


def normalized_email(value: str, field: list[str]) -> str:
    """Trimmed and lower-cased: one person is one user however they type their address."""
    email = value.strip().lower()
    if not email:
        raise DomainError(ErrorCode.REQUIRED, "email must not be empty.", field)
    if len(email) > MAX_EMAIL:
        raise DomainError(
            ErrorCode.OUT_OF_RANGE, f"email is longer than {MAX_EMAIL} characters.", field
        )
    if not EMAIL.fullmatch(email) or "\x00" in email:
        raise DomainError(ErrorCode.INVALID, f"'{email[:60]}' is not an email address.", field)
    return email


async def _free_email(session: AsyncSession, email: str, user_id: int | None) -> None:
    """DUPLICATE when another user signs in with `email`, in any case: addresses written
    into the database by hand may not be lower-case."""
    statement = select(AppUser.id).where(func.lower(AppUser.email) == email)
    if user_id is not None:
        statement = statement.where(AppUser.id != user_id)
    if await session.scalar(statement.limit(1)) is not None:
        raise DomainError(ErrorCode.DUPLICATE, f"A user with email {email} exists.", ["email"])


async def admins_user(
    session: AsyncSession, actor: Actor, user_id: int, *, whole: bool = False
) -> AppUser:
    """The user `user_id`, locked, for an admin who shares a legal entity with them: two
    admins changing one user's rights at once apply their changes one after the other.
    `whole`: the change reaches every legal entity of the user (roles, name and email are the
    user's everywhere), so the admin must hold each of them, else FORBIDDEN: an admin of one
    company makes nobody an admin, or no accountant, of another."""
    actor.require_role(Role.ADMIN)
    user = await callers_row(
        session, actor, AppUser, user_id, missing=MISSING, field=["id"], for_update=True
    )
    if whole:
        elsewhere = await session.scalar(
            select(LegalEntity.code)
            .join(UserLegalEntity, UserLegalEntity.legal_entity_id == LegalEntity.id)
            .where(
                UserLegalEntity.user_id == user.id,
                LegalEntity.code.not_in(sorted(actor.legal_entities)),
            )
            .limit(1)
        )
        if elsewhere is not None:
            raise DomainError(
                ErrorCode.FORBIDDEN,
                "The user also works in legal entities that are not yours: only an admin of "
                "all of them changes their roles, name or email.",
            )
    return user


async def entity_ids(
    session: AsyncSession, actor: Actor, codes: Sequence[str], field: str
) -> dict[int, str]:
    """Id -> code of legal entities named by code, each one of the caller's (NOT_FOUND on its
    position otherwise, M1: an admin hands out only what it holds); all errors at once."""
    collector, found = Collector(), {}
    for index, code in enumerate(codes):
        entity = await collector.run_async(
            entity_by_code(session, actor, code, [field, str(index)])
        )
        if entity is not None:
            found[entity.id] = entity.code
    if collector.errors:
        raise DomainErrors(collector.errors)
    return found


async def snapshot(session: AsyncSession, user: AppUser) -> dict[str, Any]:
    """The user as the audit record keeps it: every legal entity, not only the admin's."""
    codes = await session.scalars(
        select(LegalEntity.code)
        .join(UserLegalEntity, UserLegalEntity.legal_entity_id == LegalEntity.id)
        .where(UserLegalEntity.user_id == user.id)
        .order_by(LegalEntity.code)
    )
    return {
        "email": user.email,
        "name": user.name,
        "roles": sorted(user.roles),
        "legalEntities": list(codes),
    }


def audited(
    actor: Actor, action: str, user_id: int, before: dict[str, Any] | None, after: dict[str, Any]
) -> AuditRecord:
    """A user belongs to no single legal entity: the record names none."""
    return AuditRecord(
        legal_entity_id=None,
        actor_user_id=actor.user_id,
        action=action,
        entity_type="user",
        entity_id=user_id,
        details={"before": before, "after": after},
    )


async def create_user(session: AsyncSession, actor: Actor, data: NewUser) -> AppUser:
    actor.require_role(Role.ADMIN)
    collector = Collector()
    email = collector.run(lambda: normalized_email(data.email, ["email"]))
    name = collector.run(lambda: require_text(data.name, ["name"]))
    if not data.legal_entities:
        collector.errors.append(
            DomainError(
                ErrorCode.REQUIRED, "A user works in at least one legal entity.", ["legalEntities"]
            )
        )
    entities: dict[int, str] = {}
    try:
        entities = await entity_ids(session, actor, data.legal_entities, "legalEntities")
    except DomainErrors as errors:
        collector.errors.extend(errors.errors)
    if email is not None:
        await collector.run_async(_free_email(session, email, None))
    if collector.errors or email is None or name is None:
        raise DomainErrors(collector.errors)
    user = AppUser(email=email, name=name, roles=sorted({role.value for role in data.roles}))
    session.add(user)
    await session.flush()
    session.add_all(UserLegalEntity(user_id=user.id, legal_entity_id=pk) for pk in entities)
    await session.flush()
    session.add(audited(actor, "user_created", user.id, None, await snapshot(session, user)))
    return user


async def update_user(
    session: AsyncSession, actor: Actor, user_id: int, changes: UserChanges
) -> AppUser:
    user = await admins_user(session, actor, user_id, whole=True)
    collector, name, email = Collector(), None, None
    if (given_name := changes.name) is not None:
        name = collector.run(lambda: require_text(given_name, ["name"]))
    if (given_email := changes.email) is not None:
        email = collector.run(lambda: normalized_email(given_email, ["email"]))
        if email is not None:
            await collector.run_async(_free_email(session, email, user.id))
    if collector.errors:
        raise DomainErrors(collector.errors)
    before = await snapshot(session, user)
    user.name = name or user.name
    user.email = email or user.email
    after = {**before, "name": user.name, "email": user.email}
    if after != before:  # nothing changed: nothing to record
        await session.flush()
        session.add(audited(actor, "user_updated", user.id, before, after))
    return user
