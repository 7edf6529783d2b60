"""Legal entities, currencies and users (M1, M7)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.master_data import (
    AppUser,
    Currency,
    LegalEntity,
    NumberSequence,
    Role,
    UserLegalEntity,
)
from db.models.parameters import LegalEntityParameters
from domain.actors import Actor
from domain.errors import DomainError, ErrorCode
from domain.validation import require_code, require_text

CODE_LENGTH = 10  # legal_entity.code is VARCHAR(10)
CURRENCY_CODE = re.compile(r"^[A-Za-z]{3}$")

# Sequences every legal entity gets, so vouchers and journals can be numbered at once.
DEFAULT_SEQUENCES = {"voucher": "V-", "journal": "J-", "expense_report": "EXP-"}


@dataclass(frozen=True)
class NewLegalEntity:
    code: str
    name: str
    currency_code: str


async def get_currency(session: AsyncSession, code: str, field: list[str]) -> Currency:
    # Only an ISO-like code is looked up: anything else (NUL, say) names no currency.
    currency = await session.get(Currency, code.upper()) if CURRENCY_CODE.fullmatch(code) else None
    if currency is None:
        raise DomainError(ErrorCode.NOT_FOUND, f"Unknown currency '{code}'.", field)
    return currency


async def create_legal_entity(
    session: AsyncSession, actor: Actor, data: NewLegalEntity
) -> LegalEntity:
    actor.require_role(Role.ADMIN)
    code = require_code(data.code, ["code"]).upper()
    if len(code) > CODE_LENGTH:
        raise DomainError(
            ErrorCode.INVALID, f"code must be at most {CODE_LENGTH} characters.", ["code"]
        )
    name = require_text(data.name, ["name"])
    currency = await get_currency(session, data.currency_code, ["currencyCode"])
    if await session.scalar(select(LegalEntity.id).where(LegalEntity.code == code)):
        raise DomainError(ErrorCode.DUPLICATE, f"Legal entity {code} exists already.", ["code"])
    entity = LegalEntity(code=code, name=name, currency_code=currency.code)
    session.add(entity)
    await session.flush()
    sequences = {
        purpose: NumberSequence(legal_entity_id=entity.id, code=purpose, prefix=prefix)
        for purpose, prefix in DEFAULT_SEQUENCES.items()
    }
    session.add_all(sequences.values())
    await session.flush()
    session.add(
        LegalEntityParameters(
            legal_entity_id=entity.id,
            voucher_sequence_id=sequences["voucher"].id,
            journal_sequence_id=sequences["journal"].id,
        )
    )
    # The creator may work in the new company; a refreshed token carries it.
    session.add(UserLegalEntity(user_id=actor.user_id, legal_entity_id=entity.id))
    await session.flush()
    return entity


async def entity_by_code(
    session: AsyncSession, actor: Actor, code: str, field: list[str]
) -> LegalEntity:
    """A legal entity of the caller's, else NOT_FOUND (another company's data stays invisible)."""
    missing = DomainError(ErrorCode.NOT_FOUND, f"Legal entity '{code}' is not one of yours.", field)
    # A code outside the token is never sent to the database (one with NUL would fail there).
    if code.upper() not in actor.legal_entities:
        raise missing
    entity = await session.scalar(select(LegalEntity).where(LegalEntity.code == code.upper()))
    if entity is None:
        raise missing
    return entity


async def user_claims(session: AsyncSession, user_id: int) -> tuple[AppUser, list[str]]:
    """A user and the codes of their legal entities, as a fresh token should carry them."""
    user = await session.get(AppUser, user_id)
    if user is None:
        raise DomainError(ErrorCode.NOT_FOUND, f"User {user_id} does not exist.")
    codes = await session.scalars(
        select(LegalEntity.code)
        .join(UserLegalEntity, UserLegalEntity.legal_entity_id == LegalEntity.id)
        .where(UserLegalEntity.user_id == user_id)
        .order_by(LegalEntity.code)
    )
    return user, list(codes)
