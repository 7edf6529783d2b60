"""GraphQL types for legal entities, currencies and the signed-in user."""

from __future__ import annotations

import strawberry

from db.models import master_data as models
from domain import master_data as domain
from resolvers import master_data as resolvers
from resolvers.context import Info
from schema.errors import UserError
from schema.node import register_node
from schema.pages import after_key, to_connection
from schema.relay import Connection, Node


@strawberry.type
class Currency:
    code: str
    name: str
    decimals: int

    @classmethod
    def from_row(cls, row: models.Currency) -> Currency:
        return cls(code=row.code, name=row.name, decimals=row.decimals)


@strawberry.type
class LegalEntity(Node):
    code: str
    name: str
    currency_code: str

    @classmethod
    def from_row(cls, row: models.LegalEntity) -> LegalEntity:
        return cls(pk=row.id, code=row.code, name=row.name, currency_code=row.currency_code)


register_node("LegalEntity", models.LegalEntity, LegalEntity.from_row)


@strawberry.input
class CreateLegalEntityInput:
    code: str
    name: str
    currency_code: str


@strawberry.type
class LegalEntityPayload:
    legal_entity: LegalEntity | None
    errors: list[UserError]


@strawberry.type
class MasterDataQuery:
    @strawberry.field(description="Your legal entities (those in your token).")
    async def legal_entities(
        self, info: Info, first: int = 50, after: str | None = None, code: str | None = None
    ) -> Connection[LegalEntity]:
        page = await resolvers.legal_entities(
            info.context, first=first, after=after_key(after), code=code
        )
        return to_connection(page.map(LegalEntity.from_row))

    @strawberry.field
    async def currencies(self, info: Info) -> list[Currency]:
        return [Currency.from_row(row) for row in await resolvers.currencies(info.context)]


@strawberry.type
class MasterDataMutation:
    @strawberry.mutation(description="Admin: a new company with its parameters and sequences.")
    async def create_legal_entity(
        self, info: Info, input: CreateLegalEntityInput
    ) -> LegalEntityPayload:
        outcome = await resolvers.create_legal_entity(
            info.context,
            domain.NewLegalEntity(
                code=input.code, name=input.name, currency_code=input.currency_code
            ),
        )
        return LegalEntityPayload(
            legal_entity=LegalEntity.from_row(outcome.value) if outcome.value else None,
            errors=[UserError.from_domain(error) for error in outcome.errors],
        )
