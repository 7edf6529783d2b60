"""Ledger accounts of a legal entity (M1: numbers unique per legal entity)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.master_data import Account, Role
from domain.actors import Actor
from domain.errors import DomainError, ErrorCode
from domain.master_data import entity_by_code
from domain.scope import callers_row
from domain.validation import require_text

NUMBER_LENGTH = 20  # account.number is VARCHAR(20)


@dataclass(frozen=True)
class NewAccount:
    legal_entity: str
    number: str
    name: str


@dataclass(frozen=True)
class AccountChanges:
    account_id: int
    number: str | None = None
    name: str | None = None


async def _refuse_duplicate_number(
    session: AsyncSession, legal_entity_id: int, number: str, except_id: int | None = None
) -> None:
    statement = select(Account.id).where(
        Account.legal_entity_id == legal_entity_id, Account.number == number
    )
    if except_id is not None:
        statement = statement.where(Account.id != except_id)
    if await session.scalar(statement) is not None:
        raise DomainError(
            ErrorCode.DUPLICATE, f"Account number {number} exists already.", ["number"]
        )


async def create_account(session: AsyncSession, actor: Actor, data: NewAccount) -> Account:
    actor.require_role(Role.ACCOUNTANT)
    entity = await entity_by_code(session, actor, data.legal_entity, ["legalEntity"])
    number = require_text(data.number, ["number"], NUMBER_LENGTH)
    name = require_text(data.name, ["name"])
    await _refuse_duplicate_number(session, entity.id, number)
    account = Account(legal_entity_id=entity.id, number=number, name=name)
    session.add(account)
    await session.flush()
    return account


async def get_account(session: AsyncSession, actor: Actor, account_id: int) -> Account:
    """An account of the caller's legal entities, locked for the change; else NOT_FOUND."""
    return await callers_row(
        session,
        actor,
        Account,
        account_id,
        missing="The account does not exist.",
        field=["id"],
        for_update=True,
    )


async def update_account(session: AsyncSession, actor: Actor, data: AccountChanges) -> Account:
    actor.require_role(Role.ACCOUNTANT)
    account = await get_account(session, actor, data.account_id)
    if data.number is not None:
        number = require_text(data.number, ["number"], NUMBER_LENGTH)
        await _refuse_duplicate_number(session, account.legal_entity_id, number, account.id)
        account.number = number
    if data.name is not None:
        account.name = require_text(data.name, ["name"])
    await session.flush()
    return account
