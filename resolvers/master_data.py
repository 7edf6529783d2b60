"""Resolvers for legal entities, currencies and the signed-in user."""

from __future__ import annotations

from sqlalchemy import select

from db.models.master_data import Currency, LegalEntity
from domain import master_data
from domain.scope import in_callers_entities
from resolvers.context import Context
from resolvers.mutations import Outcome, run_mutation
from resolvers.pagination import Page, Window, keyset_page


async def legal_entities(
    context: Context, *, window: Window, code: str | None
) -> Page[LegalEntity]:
    statement = select(LegalEntity).where(in_callers_entities(LegalEntity.id, context.actor))
    if code is not None:
        statement = statement.where(LegalEntity.code == code.upper())
    return await keyset_page(context, statement, window)


async def currencies(context: Context) -> list[Currency]:
    context.actor  # noqa: B018  (authentication is required to read anything)
    ordered = select(Currency).order_by(Currency.code)
    return list(await context.read(lambda session: session.scalars(ordered)))


async def create_legal_entity(
    context: Context, data: master_data.NewLegalEntity
) -> Outcome[LegalEntity]:
    return await run_mutation(
        context, lambda session, actor: master_data.create_legal_entity(session, actor, data)
    )
