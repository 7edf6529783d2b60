"""GraphQL types for legal-entity parameters (M7), accounts and number sequences."""

from __future__ import annotations

import strawberry

from db.models import master_data as master_models
from db.models import parameters as models
from db.models.parameters import LineProperty, PeriodUnit
from resolvers import parameters as resolvers
from resolvers.context import Info
from schema.errors import UserError
from schema.node import related
from schema.pages import after_key, to_connection
from schema.parameters_accounts import (
    Account,
    AccountPayload,
    CreateAccountInput,
    NumberSequence,
    UpdateAccountInput,
)
from schema.parameters_input import LinePropertyInput, UpdateParametersInput
from schema.projects_types import BillingType
from schema.relay import Connection, encode_id


@strawberry.type
class LinePropertyMap:
    billing_type: BillingType  # type: ignore[valid-type]
    line_property: LineProperty

    @classmethod
    def from_row(cls, row: models.LinePropertyMapping) -> LinePropertyMap:
        return cls(
            billing_type=BillingType(row.billing_type),
            line_property=LineProperty(row.line_property),
        )


@strawberry.type(description="The parameters of one legal entity (M7).")
class LegalEntityParameters:
    row: strawberry.Private[models.LegalEntityParameters]
    journal_period_unit: PeriodUnit
    lines_per_journal: int
    batch_threshold: int
    move_to_next_open_period: bool
    default_project_category_id: strawberry.ID | None

    @classmethod
    def from_row(cls, row: models.LegalEntityParameters) -> LegalEntityParameters:
        category = row.default_project_category_id
        return cls(
            row=row,
            journal_period_unit=PeriodUnit(row.journal_period_unit),
            lines_per_journal=row.lines_per_journal,
            batch_threshold=row.batch_threshold,
            move_to_next_open_period=row.move_to_next_open_period,
            default_project_category_id=encode_id("ProjectCategory", category)
            if category is not None
            else None,
        )

    async def _account(self, info: Info, role: str) -> Account | None:
        pk: int | None = getattr(self.row, f"{role}_account_id")
        return await related(info, master_models.Account, pk, Account.from_row)

    async def _sequence(self, info: Info, pk: int | None) -> NumberSequence | None:
        return await related(info, master_models.NumberSequence, pk, NumberSequence.from_row)

    @strawberry.field
    async def voucher_sequence(self, info: Info) -> NumberSequence | None:
        return await self._sequence(info, self.row.voucher_sequence_id)

    @strawberry.field
    async def journal_sequence(self, info: Info) -> NumberSequence | None:
        return await self._sequence(info, self.row.journal_sequence_id)

    @strawberry.field(description="The line property of each billing type that has one.")
    async def line_properties(self, info: Info) -> list[LinePropertyMap]:
        loader = info.context.loaders.children(
            models.LinePropertyMapping, "legal_entity_id", order_by="billing_type"
        )
        return [
            LinePropertyMap.from_row(row) for row in await loader.load(self.row.legal_entity_id)
        ]

    # One field per account role (ACCOUNT_ROLES); the loader batches them into one statement.
    @strawberry.field
    async def expense_integration_account(self, info: Info) -> Account | None:
        return await self._account(info, "expense_integration")

    @strawberry.field
    async def procurement_integration_account(self, info: Info) -> Account | None:
        return await self._account(info, "procurement_integration")

    @strawberry.field
    async def project_cost_account(self, info: Info) -> Account | None:
        return await self._account(info, "project_cost")

    @strawberry.field
    async def wip_sales_value_account(self, info: Info) -> Account | None:
        return await self._account(info, "wip_sales_value")

    @strawberry.field
    async def accrued_revenue_account(self, info: Info) -> Account | None:
        return await self._account(info, "accrued_revenue")

    @strawberry.field
    async def input_tax_account(self, info: Info) -> Account | None:
        return await self._account(info, "input_tax")

    @strawberry.field
    async def employee_payable_account(self, info: Info) -> Account | None:
        return await self._account(info, "employee_payable")

    @strawberry.field
    async def vendor_payable_account(self, info: Info) -> Account | None:
        return await self._account(info, "vendor_payable")

    @strawberry.field
    async def round_off_account(self, info: Info) -> Account | None:
        return await self._account(info, "round_off")


@strawberry.type
class ParametersPayload:
    parameters: LegalEntityParameters | None
    errors: list[UserError]


@strawberry.type
class LinePropertyPayload:
    line_property_map: LinePropertyMap | None
    errors: list[UserError]


@strawberry.type
class ParametersQuery:
    @strawberry.field(description="The ledger accounts of one of your legal entities.")
    async def accounts(
        self, info: Info, legal_entity: str, first: int = 50, after: str | None = None
    ) -> Connection[Account]:
        page = await resolvers.accounts(
            info.context, legal_entity=legal_entity, first=first, after=after_key(after)
        )
        return to_connection(page.map(Account.from_row))

    @strawberry.field
    async def parameters(self, info: Info, legal_entity: str) -> LegalEntityParameters:
        row = await resolvers.legal_entity_parameters(info.context, legal_entity)
        return LegalEntityParameters.from_row(row)

    @strawberry.field(description="Number sequences of a legal entity, or of all of yours.")
    async def number_sequences(
        self, info: Info, legal_entity: str | None = None
    ) -> list[NumberSequence]:
        rows = await resolvers.number_sequences(info.context, legal_entity)
        return [NumberSequence.from_row(row) for row in rows]


@strawberry.type
class ParametersMutation:
    @strawberry.mutation(description="Accountant: a new ledger account.")
    async def create_account(self, info: Info, input: CreateAccountInput) -> AccountPayload:
        outcome = await resolvers.create_account(info.context, input.to_domain())
        return AccountPayload(
            account=Account.from_row(outcome.value) if outcome.value else None,
            errors=[UserError.from_domain(error) for error in outcome.errors],
        )

    @strawberry.mutation(description="Accountant: rename or renumber an account.")
    async def update_account(self, info: Info, input: UpdateAccountInput) -> AccountPayload:
        outcome = await resolvers.update_account(info.context, input.to_domain)
        return AccountPayload(
            account=Account.from_row(outcome.value) if outcome.value else None,
            errors=[UserError.from_domain(error) for error in outcome.errors],
        )

    @strawberry.mutation(description="Accountant: change some parameters; omitted ones stay.")
    async def update_parameters(
        self, info: Info, input: UpdateParametersInput
    ) -> ParametersPayload:
        outcome = await resolvers.update_parameters(info.context, input.to_domain)
        return ParametersPayload(
            parameters=LegalEntityParameters.from_row(outcome.value) if outcome.value else None,
            errors=[UserError.from_domain(error) for error in outcome.errors],
        )

    @strawberry.mutation(description="Accountant: the journal line property of a billing type.")
    async def set_line_property(self, info: Info, input: LinePropertyInput) -> LinePropertyPayload:
        outcome = await resolvers.set_line_property(info.context, input.to_domain())
        return LinePropertyPayload(
            line_property_map=LinePropertyMap.from_row(outcome.value) if outcome.value else None,
            errors=[UserError.from_domain(error) for error in outcome.errors],
        )
