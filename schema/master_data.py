"""GraphQL types for legal entities, currencies and the signed-in user."""

from __future__ import annotations

from typing import Annotated

import strawberry

from db.models import master_data as models
from domain import master_data as domain
from resolvers import master_data as resolvers
from resolvers.context import Info
from schema.errors import UserError
from schema.mutations import errors_of
from schema.node import register_node
from schema.orders import OrderBy, order_argument
from schema.pages import After, Before, First, Last, order_of, to_connection, window
from schema.relay import Connection, Node


@strawberry.type(description="A currency money can be kept in (ISO 4217).")
class Currency:
    code: str = strawberry.field(description="Three-letter ISO 4217 code, e.g. `EUR`.")
    name: str = strawberry.field(description="The currency's name, e.g. `Euro`.")
    decimals: int = strawberry.field(
        description="How many decimals its amounts are rounded to (0 to 4; usually 2)."
    )

    @classmethod
    def from_row(cls, row: models.Currency) -> Currency:
        return cls(code=row.code, name=row.name, decimals=row.decimals)


@strawberry.type(
    description="A company of the group: every row of business data belongs to one, and you see "
    "only those in your token (M1)."
)
class LegalEntity(Node):
    code: str = strawberry.field(
        description="Short upper-case code (up to 10 characters, e.g. `USPM`), unique; other "
        "arguments name a legal entity by it."
    )
    name: str = strawberry.field(description="The company's name.")
    currency_code: str = strawberry.field(
        description="Its accounting currency (ISO 4217): the currency of its ledger amounts."
    )

    @classmethod
    def from_row(cls, row: models.LegalEntity) -> LegalEntity:
        return cls(pk=row.id, code=row.code, name=row.name, currency_code=row.currency_code)


register_node("LegalEntity", models.LegalEntity, LegalEntity.from_row)

# The legal entity argument of a query, required or as a filter: a code, as in the token.
LegalEntityCode = Annotated[
    str,
    strawberry.argument(
        description="Code of one of your legal entities, e.g. `USPM`; NOT_FOUND otherwise."
    ),
]
OfLegalEntity = Annotated[
    str | None,
    strawberry.argument(
        description="Only those of this legal entity of yours (its code); omitted: all of yours."
    ),
]


@strawberry.input(description="A new legal entity.")
class CreateLegalEntityInput:
    code: str = strawberry.field(
        description="Up to 10 letters, digits, '_', '.' or '-', stored upper-case; INVALID when "
        "not, DUPLICATE when taken."
    )
    name: str = strawberry.field(description="The company's name; REQUIRED when blank.")
    currency_code: str = strawberry.field(
        description="Its accounting currency, an ISO 4217 code of `currencies`; NOT_FOUND when "
        "unknown."
    )


@strawberry.type(description="The result of `createLegalEntity`.")
class LegalEntityPayload:
    legal_entity: LegalEntity | None = strawberry.field(
        description="The new legal entity; null when `errors` is not empty."
    )
    errors: list[UserError] = strawberry.field(
        description="Why nothing was created; empty on success."
    )


@strawberry.type
class MasterDataQuery:
    @strawberry.field(description="Your legal entities (those in your token).")
    async def legal_entities(
        self,
        info: Info,
        code: Annotated[
            str | None,
            strawberry.argument(description="Only the legal entity with this code."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        order_by: Annotated[OrderBy | None, order_argument("LegalEntity")] = None,
    ) -> Connection[LegalEntity]:
        page = await resolvers.legal_entities(
            info.context,
            window=window("LegalEntity", first, after, last, before, order_of(order_by)),
            code=code,
        )
        return to_connection(page.map(LegalEntity.from_row))

    @strawberry.field(description="Every currency, by code.")
    async def currencies(self, info: Info) -> list[Currency]:
        return [Currency.from_row(row) for row in await resolvers.currencies(info.context)]


@strawberry.type
class MasterDataMutation:
    @strawberry.mutation(description="Admin: a new company with its parameters and sequences.")
    async def create_legal_entity(
        self,
        info: Info,
        input: Annotated[
            CreateLegalEntityInput,
            strawberry.argument(
                description="Code, name and accounting currency of the new legal entity."
            ),
        ],
    ) -> LegalEntityPayload:
        outcome = await resolvers.create_legal_entity(
            info.context,
            domain.NewLegalEntity(
                code=input.code, name=input.name, currency_code=input.currency_code
            ),
        )
        return LegalEntityPayload(
            legal_entity=LegalEntity.from_row(outcome.value) if outcome.value else None,
            errors=errors_of(outcome),
        )
