"""GraphQL types for ledger accounts and number sequences of a legal entity."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

import strawberry

from db.models import master_data as models
from domain import parameters_accounts as domain
from resolvers.context import Info
from resolvers.ledger_books import account_balance
from schema.errors import UserError
from schema.master_data import LegalEntity
from schema.node import register_node, related
from schema.relay import Node, decode_id


@strawberry.type
class Account(Node):
    legal_entity_id: strawberry.Private[int]
    number: str
    name: str

    @classmethod
    def from_row(cls, row: models.Account) -> Account:
        return cls(pk=row.id, legal_entity_id=row.legal_entity_id, number=row.number, name=row.name)

    @strawberry.field
    async def legal_entity(self, info: Info) -> LegalEntity | None:
        return await related(info, models.LegalEntity, self.legal_entity_id, LegalEntity.from_row)

    @strawberry.field(
        description="Debits minus credits of its voucher lines dated up to asOf; 0 when none."
    )
    async def balance(
        self,
        info: Info,
        as_of: Annotated[dt.date, strawberry.argument(description="The last accounting date.")],
    ) -> Decimal:
        return await account_balance(info.context, self.pk, as_of)


register_node("Account", models.Account, Account.from_row)


@strawberry.type(description="Voucher or journal numbers: prefix + zero-padded value.")
class NumberSequence(Node):
    legal_entity_id: strawberry.Private[int]
    code: str
    prefix: str
    width: int

    @classmethod
    def from_row(cls, row: models.NumberSequence) -> NumberSequence:
        return cls(
            pk=row.id,
            legal_entity_id=row.legal_entity_id,
            code=row.code,
            prefix=row.prefix,
            width=row.width,
        )

    @strawberry.field
    async def legal_entity(self, info: Info) -> LegalEntity | None:
        return await related(info, models.LegalEntity, self.legal_entity_id, LegalEntity.from_row)


register_node("NumberSequence", models.NumberSequence, NumberSequence.from_row)


@strawberry.input
class CreateAccountInput:
    legal_entity: str
    number: str
    name: str

    def to_domain(self) -> domain.NewAccount:
        return domain.NewAccount(legal_entity=self.legal_entity, number=self.number, name=self.name)


@strawberry.input(description="Omitted fields stay as they are.")
class UpdateAccountInput:
    id: strawberry.ID
    number: str | None = None
    name: str | None = None

    def to_domain(self) -> domain.AccountChanges:
        return domain.AccountChanges(
            account_id=decode_id(self.id, "Account"), number=self.number, name=self.name
        )


@strawberry.type
class AccountPayload:
    account: Account | None
    errors: list[UserError]
