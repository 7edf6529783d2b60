"""A small company world shared by the tests: two legal entities in two currencies, a user
per role, accounts for every parameter role, open and on-hold periods, and tokens."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import delete, text, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from config import Settings
from db.models.ledger import LedgerPeriod, PeriodStatus
from db.models.master_data import Account, AppUser, LegalEntity, UserLegalEntity
from db.models.parameters import ACCOUNT_ROLES, LegalEntityParameters
from domain import master_data
from domain.actors import Actor
from resolvers.sessions import sign_in

TODAY = dt.date.today()


@dataclass
class Company:
    entity: LegalEntity
    accounts: dict[str, Account] = field(default_factory=dict)


@dataclass
class World:
    companies: dict[str, Company]
    users: dict[str, AppUser]
    tokens: dict[str, str]  # an access token of a session of each user
    refresh_tokens: dict[str, str] = field(default_factory=dict)  # of the same sessions

    def entity_id(self, code: str) -> int:
        return self.companies[code].entity.id

    def actor(self, user: str) -> Actor:
        row = self.users[user]
        return Actor(
            user_id=row.id,
            roles=frozenset(row.roles),
            legal_entities=frozenset(USER_ENTITIES[user]),
        )


# user -> (roles, legal entities)
USER_ROLES = {
    "admin": ["admin"],
    "accountant": ["accountant"],
    "manager": ["project_manager", "employee"],
    "manager2": ["project_manager"],
    "employee": ["employee"],
    "outsider": ["admin", "accountant"],
}
USER_ENTITIES = {
    "admin": ["USPM", "DEPM"],
    "accountant": ["USPM", "DEPM"],
    "manager": ["USPM"],
    "manager2": ["USPM"],
    "employee": ["USPM"],
    "outsider": ["DEPM"],
}


async def _company(session: AsyncSession, admin: Actor, code: str, currency: str) -> Company:
    entity = await master_data.create_legal_entity(
        session,
        admin,
        master_data.NewLegalEntity(code=code, name=f"{code} Inc.", currency_code=currency),
    )
    company = Company(entity=entity)
    for number, role in enumerate(ACCOUNT_ROLES, start=1):
        account = Account(legal_entity_id=entity.id, number=f"{number}0000", name=role)
        session.add(account)
        company.accounts[role] = account
    await session.flush()
    await session.execute(
        update(LegalEntityParameters)
        .where(LegalEntityParameters.legal_entity_id == entity.id)
        .values({f"{role}_account_id": company.accounts[role].id for role in ACCOUNT_ROLES})
    )
    month = TODAY.replace(day=1)
    previous = (month - dt.timedelta(days=1)).replace(day=1)
    for start, status in ((previous, PeriodStatus.ON_HOLD), (month, PeriodStatus.OPEN)):
        end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        session.add(
            LedgerPeriod(legal_entity_id=entity.id, start_date=start, end_date=end, status=status)
        )
    return company


async def build_world(session: AsyncSession, settings: Settings) -> World:
    users = {
        name: AppUser(email=f"{name}@example.com", name=name.title(), roles=roles)
        for name, roles in USER_ROLES.items()
    }
    session.add_all(users.values())
    await session.flush()
    bootstrap = Actor(users["admin"].id, frozenset({"admin"}), frozenset())
    companies = {
        "USPM": await _company(session, bootstrap, "USPM", "USD"),
        "DEPM": await _company(session, bootstrap, "DEPM", "EUR"),
    }
    await session.execute(
        delete(UserLegalEntity).where(UserLegalEntity.user_id == users["admin"].id)
    )
    for name, codes in USER_ENTITIES.items():
        for code in codes:
            session.add(
                UserLegalEntity(user_id=users[name].id, legal_entity_id=companies[code].entity.id)
            )
    world = World(companies=companies, users=users, tokens={})
    for name, user in users.items():
        await signed_in(session, settings, world, name, user.id)
    await session.commit()
    return world


async def signed_in(
    session: AsyncSession, settings: Settings, world: World, name: str, user_id: int
) -> str:
    """A new session of `user_id` (flushed; the caller commits), its tokens kept under `name`
    in `world.tokens` and `world.refresh_tokens`; the access token."""
    issued = await sign_in(session, settings, user_id)
    world.tokens[name] = issued.access_token
    world.refresh_tokens[name] = issued.refresh_token
    return issued.access_token


# Every table a committed test fills hangs off these (CASCADE); TRUNCATE also passes the
# immutability guards, which refuse row-by-row deletes of posted rows (L3, A1).
DOMAIN_TABLES = "legal_entity, app_user, transaction_category, exchange_rate, unit_group, audit_log"


async def truncate_domain(engine: AsyncEngine) -> None:
    """Remove what a committed test wrote (currencies, the reference data, stay)."""
    async with engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {DOMAIN_TABLES} CASCADE"))
