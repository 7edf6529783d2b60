"""Resolvers for accounts, legal-entity parameters, line properties and number sequences."""

from __future__ import annotations

from sqlalchemy import select

from db.models.master_data import Account, LegalEntity, NumberSequence
from db.models.parameters import LegalEntityParameters, LinePropertyMapping
from domain import parameters, parameters_accounts
from domain.errors import DomainError, ErrorCode
from domain.master_data import entity_by_code
from domain.scope import in_callers_entities
from resolvers.context import Context
from resolvers.mutations import Outcome, run_mutation
from resolvers.pagination import Page, Window, keyset_page


async def _entity(context: Context, code: str) -> LegalEntity:
    """The caller's legal entity by code; another company's is NOT_FOUND (M1)."""
    actor = context.actor
    return await context.read(lambda session: entity_by_code(session, actor, code, ["legalEntity"]))


async def accounts(context: Context, *, legal_entity: str, window: Window) -> Page[Account]:
    entity = await _entity(context, legal_entity)
    statement = select(Account).where(Account.legal_entity_id == entity.id)
    return await keyset_page(context, statement, window)


async def create_account(
    context: Context, data: parameters_accounts.NewAccount
) -> Outcome[Account]:
    return await run_mutation(
        context, lambda session, actor: parameters_accounts.create_account(session, actor, data)
    )


async def update_account(
    context: Context, data: parameters_accounts.AccountChanges
) -> Outcome[Account]:
    return await run_mutation(
        context,
        lambda session, actor: parameters_accounts.update_account(session, actor, data),
    )


async def legal_entity_parameters(context: Context, legal_entity: str) -> LegalEntityParameters:
    statement = (
        select(LegalEntityParameters)
        .join(LegalEntity, LegalEntity.id == LegalEntityParameters.legal_entity_id)
        .where(
            LegalEntity.code == legal_entity.upper(),
            in_callers_entities(LegalEntityParameters.legal_entity_id, context.actor),
        )
    )
    row = await context.read(lambda session: session.scalar(statement))
    if row is None:
        raise DomainError(
            ErrorCode.NOT_FOUND,
            f"Legal entity '{legal_entity}' is not one of yours.",
            ["legalEntity"],
        )
    return row


async def update_parameters(
    context: Context, data: parameters.ParameterChanges
) -> Outcome[LegalEntityParameters]:
    return await run_mutation(
        context, lambda session, actor: parameters.update_parameters(session, actor, data)
    )


async def set_line_property(
    context: Context, data: parameters.LinePropertyChange
) -> Outcome[LinePropertyMapping]:
    return await run_mutation(
        context, lambda session, actor: parameters.set_line_property(session, actor, data)
    )


async def number_sequences(context: Context, legal_entity: str | None) -> list[NumberSequence]:
    """The sequences of one of the caller's legal entities, or of all of them."""
    statement = select(NumberSequence).where(
        in_callers_entities(NumberSequence.legal_entity_id, context.actor)
    )
    if legal_entity is not None:
        entity = await _entity(context, legal_entity)
        statement = statement.where(NumberSequence.legal_entity_id == entity.id)
    ordered = statement.order_by(NumberSequence.legal_entity_id, NumberSequence.code)
    return list(await context.read(lambda session: session.scalars(ordered)))
