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
from resolvers.money import in_accounting_currency
from schema.errors import UserError
from schema.master_data import LegalEntity
from schema.money import IN_ACCOUNTING
from schema.node import register_node, related
from schema.relay import Node, decode_id


@strawberry.type(description="A ledger account of one legal entity's chart of accounts.")
class Account(Node):
    legal_entity_id: strawberry.Private[int]
    number: str = strawberry.field(
        description="The account number, unique in its legal entity (e.g. `600100`)."
    )
    name: str = strawberry.field(description="What the account is for.")

    @classmethod
    def from_row(cls, row: models.Account) -> Account:
        return cls(pk=row.id, legal_entity_id=row.legal_entity_id, number=row.number, name=row.name)

    @strawberry.field(description="The legal entity whose chart of accounts it is in.")
    async def legal_entity(self, info: Info) -> LegalEntity | None:
        return await related(info, models.LegalEntity, self.legal_entity_id, LegalEntity.from_row)

    @strawberry.field(
        description="Debits minus credits of its voucher lines dated up to asOf; 0 when none. "
        + IN_ACCOUNTING
    )
    async def balance(
        self,
        info: Info,
        as_of: Annotated[dt.date, strawberry.argument(description="The last accounting date.")],
    ) -> Decimal:
        balance = await account_balance(info.context, self.pk, as_of)
        return await in_accounting_currency(info.context, balance, self.legal_entity_id)


register_node("Account", models.Account, Account.from_row)


@strawberry.type(description="Voucher or journal numbers: prefix + zero-padded value.")
class NumberSequence(Node):
    legal_entity_id: strawberry.Private[int]
    code: str = strawberry.field(
        description="What it numbers: `voucher`, `journal` or `expense_report`."
    )
    prefix: str = strawberry.field(description="Put before every number, e.g. `V-`; may be empty.")
    width: int = strawberry.field(
        description="Digits of the zero-padded value (1 to 18): 6 gives `V-000042`."
    )

    @classmethod
    def from_row(cls, row: models.NumberSequence) -> NumberSequence:
        return cls(
            pk=row.id,
            legal_entity_id=row.legal_entity_id,
            code=row.code,
            prefix=row.prefix,
            width=row.width,
        )

    @strawberry.field(description="The legal entity whose documents it numbers.")
    async def legal_entity(self, info: Info) -> LegalEntity | None:
        return await related(info, models.LegalEntity, self.legal_entity_id, LegalEntity.from_row)


register_node("NumberSequence", models.NumberSequence, NumberSequence.from_row)


@strawberry.input(description="A new ledger account.")
class CreateAccountInput:
    legal_entity: str = strawberry.field(
        description="Code of one of your legal entities; NOT_FOUND otherwise."
    )
    number: str = strawberry.field(
        description="Up to 20 characters, unique in the legal entity (DUPLICATE otherwise)."
    )
    name: str = strawberry.field(description="What the account is for; REQUIRED when blank.")

    def to_domain(self) -> domain.NewAccount:
        return domain.NewAccount(legal_entity=self.legal_entity, number=self.number, name=self.name)


@strawberry.input(description="Omitted fields stay as they are.")
class UpdateAccountInput:
    id: strawberry.ID = strawberry.field(
        description="Global id of one of your accounts; NOT_FOUND otherwise."
    )
    number: str | None = strawberry.field(
        default=None,
        description="The new number, up to 20 characters, unique in the legal entity "
        "(DUPLICATE otherwise); null keeps it.",
    )
    name: str | None = strawberry.field(default=None, description="The new name; null keeps it.")

    def to_domain(self) -> domain.AccountChanges:
        return domain.AccountChanges(
            account_id=decode_id(self.id, "Account"), number=self.number, name=self.name
        )


@strawberry.type(description="The result of `createAccount` and `updateAccount`.")
class AccountPayload:
    account: Account | None = strawberry.field(
        description="The account as saved; null when `errors` is not empty."
    )
    errors: list[UserError] = strawberry.field(
        description="Why nothing was saved; empty on success."
    )
