"""Demo users: one per role, two project managers, linked to the demo legal entities."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from config import Settings
from db.models.master_data import AppUser, LegalEntity, Role, UserLegalEntity
from domain.master_data import user_claims
from resolvers.sessions import sign_in


@dataclass(frozen=True)
class DemoUser:
    email: str
    name: str
    roles: tuple[Role, ...]
    legal_entities: tuple[str, ...]


ADMIN = DemoUser("admin@demo.example.com", "Ada Admin", (Role.ADMIN,), ("USPM", "DEPM"))
DEMO_USERS = (
    ADMIN,
    DemoUser(
        "accountant@demo.example.com", "Avery Accountant", (Role.ACCOUNTANT,), ("USPM", "DEPM")
    ),
    # Managers are employees too, so they can file their own expense reports.
    DemoUser(
        "manager@demo.example.com",
        "Morgan Manager",
        (Role.PROJECT_MANAGER, Role.EMPLOYEE),
        ("USPM", "DEPM"),
    ),
    DemoUser(
        "manager2@demo.example.com", "Pat Manager", (Role.PROJECT_MANAGER, Role.EMPLOYEE), ("USPM",)
    ),
    DemoUser("employee@demo.example.com", "Emil Employee", (Role.EMPLOYEE,), ("USPM", "DEPM")),
)


async def create_users(session: AsyncSession) -> dict[str, AppUser]:
    """The users by email; the admin comes first because it creates the legal entities."""
    users = {
        user.email: AppUser(email=user.email, name=user.name, roles=[r.value for r in user.roles])
        for user in DEMO_USERS
    }
    session.add_all(users.values())
    await session.flush()
    return users


async def link_users(
    session: AsyncSession, users: dict[str, AppUser], entities: dict[str, LegalEntity]
) -> None:
    """UserLegalEntity rows; create_legal_entity already linked the admin who created them."""
    rows = await session.execute(select(UserLegalEntity.user_id, UserLegalEntity.legal_entity_id))
    existing = {(user_id, entity_id) for user_id, entity_id in rows}
    for spec in DEMO_USERS:
        for code in spec.legal_entities:
            key = (users[spec.email].id, entities[code].id)
            if key not in existing:
                session.add(UserLegalEntity(user_id=key[0], legal_entity_id=key[1]))
    await session.flush()


@dataclass(frozen=True)
class DemoToken:
    email: str
    roles: list[str]
    legal_entities: list[str]
    token: str  # the access token
    refresh_token: str


async def demo_tokens(session: AsyncSession, settings: Settings) -> list[DemoToken]:
    """A new session per demo user: its access token and refresh token, with the roles and
    legal entities of the database."""
    emails = [user.email for user in DEMO_USERS]
    rows = await session.execute(select(AppUser.email, AppUser.id).where(AppUser.email.in_(emails)))
    ids = {email: user_id for email, user_id in rows}
    tokens = []
    for email in emails:
        if email not in ids:
            continue
        user, codes = await user_claims(session, ids[email])
        issued = await sign_in(session, settings, user.id)
        tokens.append(
            DemoToken(email, sorted(user.roles), codes, issued.access_token, issued.refresh_token)
        )
    return tokens
