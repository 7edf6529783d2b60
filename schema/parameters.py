"""GraphQL types for legal-entity parameters (M7), accounts and number sequences."""

from __future__ import annotations

from typing import Annotated

import strawberry

from db.models import categories as category_models
from db.models import master_data as master_models
from db.models import parameters as models
from db.models.parameters import LineProperty, PeriodUnit
from resolvers import parameters as resolvers
from resolvers.context import Info
from schema.categories_types import ProjectCategory
from schema.errors import UserError
from schema.master_data import LegalEntityCode, OfLegalEntity
from schema.mutations import decoded, errors_of
from schema.node import related
from schema.orders import OrderBy, order_argument
from schema.pages import After, Before, First, Last, order_of, to_connection, window
from schema.parameters_accounts import (
    Account,
    AccountPayload,
    CreateAccountInput,
    NumberSequence,
    UpdateAccountInput,
)
from schema.parameters_input import LinePropertyInput, UpdateParametersInput
from schema.projects_types import BillingType
from schema.relay import Connection


@strawberry.type(description="The line property journal lines of one billing type get (M7, J3).")
class LinePropertyMap:
    billing_type: BillingType = strawberry.field(  # type: ignore[valid-type]
        description="The billing type of the lines' projects."
    )
    line_property: LineProperty = strawberry.field(
        description="The line property its journal lines get."
    )

    @classmethod
    def from_row(cls, row: models.LinePropertyMapping) -> LinePropertyMap:
        return cls(
            billing_type=BillingType(row.billing_type),
            line_property=LineProperty(row.line_property),
        )


@strawberry.type(description="The parameters of one legal entity (M7).")
class LegalEntityParameters:
    row: strawberry.Private[models.LegalEntityParameters]
    journal_period_unit: PeriodUnit = strawberry.field(
        description="How imported journal lines are grouped into journals by transaction date (J2)."
    )
    lines_per_journal: int = strawberry.field(
        description="The most lines one journal takes before a new one is opened (J2); default 200."
    )
    batch_threshold: int = strawberry.field(
        description="A journal with more lines than this is posted by a background job, not "
        "within the request (J5); default 100."
    )
    move_to_next_open_period: bool = strawberry.field(
        description="True: a line dated in a period that is not open gets the first day of the "
        "next open period as accounting date; false: it stays and fails at posting (J3)."
    )

    @classmethod
    def from_row(cls, row: models.LegalEntityParameters) -> LegalEntityParameters:
        return cls(
            row=row,
            journal_period_unit=PeriodUnit(row.journal_period_unit),
            lines_per_journal=row.lines_per_journal,
            batch_threshold=row.batch_threshold,
            move_to_next_open_period=row.move_to_next_open_period,
        )

    async def _account(self, info: Info, role: str) -> Account | None:
        pk: int | None = getattr(self.row, f"{role}_account_id")
        return await related(info, master_models.Account, pk, Account.from_row)

    async def _sequence(self, info: Info, pk: int | None) -> NumberSequence | None:
        return await related(info, master_models.NumberSequence, pk, NumberSequence.from_row)

    @strawberry.field(
        description="The project category a journal line gets when its transaction category "
        "has none of this legal entity (J3); null when none is set."
    )
    async def default_project_category(self, info: Info) -> ProjectCategory | None:
        pk = self.row.default_project_category_id
        return await related(info, category_models.ProjectCategory, pk, ProjectCategory.from_row)

    @strawberry.field(description="The sequence voucher numbers are drawn from.")
    async def voucher_sequence(self, info: Info) -> NumberSequence | None:
        return await self._sequence(info, self.row.voucher_sequence_id)

    @strawberry.field(description="The sequence journal numbers are drawn from.")
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
    @strawberry.field(
        description="Debited for project expenses when an expense report posts, credited when "
        "their journal lines post (E4, J5); null until set."
    )
    async def expense_integration_account(self, info: Info) -> Account | None:
        return await self._account(info, "expense_integration")

    @strawberry.field(
        description="Debited for a vendor invoice's subtotal when it is confirmed, credited "
        "when its journal lines post (V7, J5); null until set."
    )
    async def procurement_integration_account(self, info: Info) -> Account | None:
        return await self._account(info, "procurement_integration")

    @strawberry.field(description="Debited when a cost journal line posts (J5); null until set.")
    async def project_cost_account(self, info: Info) -> Account | None:
        return await self._account(info, "project_cost")

    @strawberry.field(
        description="Work in progress, sales value: debited when an unbilled sales journal line "
        "posts (J5); null until set."
    )
    async def wip_sales_value_account(self, info: Info) -> Account | None:
        return await self._account(info, "wip_sales_value")

    @strawberry.field(
        description="Accrued revenue, sales value: credited when an unbilled sales journal line "
        "posts (J5); null until set."
    )
    async def accrued_revenue_account(self, info: Info) -> Account | None:
        return await self._account(info, "accrued_revenue")

    @strawberry.field(
        description="Debited with recoverable sales tax of expenses and vendor invoices (E4, "
        "V7); null until set."
    )
    async def input_tax_account(self, info: Info) -> Account | None:
        return await self._account(info, "input_tax")

    @strawberry.field(
        description="Credited with what an expense report owes the employee (E4); null until set."
    )
    async def employee_payable_account(self, info: Info) -> Account | None:
        return await self._account(info, "employee_payable")

    @strawberry.field(
        description="Credited with a confirmed vendor invoice's total (V7); null until set."
    )
    async def vendor_payable_account(self, info: Info) -> Account | None:
        return await self._account(info, "vendor_payable")

    @strawberry.field(
        description="Takes the conversion residual that balances a voucher, at most 0.01 a line "
        "(L1); null until set."
    )
    async def round_off_account(self, info: Info) -> Account | None:
        return await self._account(info, "round_off")


@strawberry.type(description="The result of `updateParameters`.")
class ParametersPayload:
    parameters: LegalEntityParameters | None = strawberry.field(
        description="The parameters after the change; null when `errors` is not empty."
    )
    errors: list[UserError] = strawberry.field(
        description="Why nothing changed (every bad field is listed); empty on success."
    )


@strawberry.type(description="The result of `setLineProperty`.")
class LinePropertyPayload:
    line_property_map: LinePropertyMap | None = strawberry.field(
        description="The billing type's mapping as set; null when `errors` is not empty."
    )
    errors: list[UserError] = strawberry.field(description="Why nothing changed; empty on success.")


@strawberry.type
class ParametersQuery:
    @strawberry.field(description="The ledger accounts of one of your legal entities.")
    async def accounts(
        self,
        info: Info,
        legal_entity: LegalEntityCode,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        order_by: Annotated[OrderBy | None, order_argument("Account")] = None,
    ) -> Connection[Account]:
        page = await resolvers.accounts(
            info.context,
            legal_entity=legal_entity,
            window=window("Account", first, after, last, before, order_of(order_by)),
        )
        return to_connection(page.map(Account.from_row))

    @strawberry.field(description="The parameters of one of your legal entities (M7).")
    async def parameters(self, info: Info, legal_entity: LegalEntityCode) -> LegalEntityParameters:
        row = await resolvers.legal_entity_parameters(info.context, legal_entity)
        return LegalEntityParameters.from_row(row)

    @strawberry.field(description="Number sequences of a legal entity, or of all of yours.")
    async def number_sequences(
        self, info: Info, legal_entity: OfLegalEntity = None
    ) -> list[NumberSequence]:
        rows = await resolvers.number_sequences(info.context, legal_entity)
        return [NumberSequence.from_row(row) for row in rows]


@strawberry.type
class ParametersMutation:
    @strawberry.mutation(description="Accountant: a new ledger account.")
    async def create_account(
        self,
        info: Info,
        input: Annotated[
            CreateAccountInput,
            strawberry.argument(
                description="The legal entity, number and name of the new account."
            ),
        ],
    ) -> AccountPayload:
        outcome = await decoded(
            input.to_domain, lambda data: resolvers.create_account(info.context, data)
        )
        return AccountPayload(
            account=Account.from_row(outcome.value) if outcome.value else None,
            errors=errors_of(outcome),
        )

    @strawberry.mutation(description="Accountant: rename or renumber an account.")
    async def update_account(
        self,
        info: Info,
        input: Annotated[
            UpdateAccountInput,
            strawberry.argument(description="The account and the fields to change."),
        ],
    ) -> AccountPayload:
        outcome = await decoded(
            input.to_domain, lambda data: resolvers.update_account(info.context, data)
        )
        return AccountPayload(
            account=Account.from_row(outcome.value) if outcome.value else None,
            errors=errors_of(outcome),
        )

    @strawberry.mutation(description="Accountant: change some parameters; omitted ones stay.")
    async def update_parameters(
        self,
        info: Info,
        input: Annotated[
            UpdateParametersInput,
            strawberry.argument(description="The legal entity and the parameters to change."),
        ],
    ) -> ParametersPayload:
        outcome = await decoded(
            input.to_domain, lambda data: resolvers.update_parameters(info.context, data)
        )
        return ParametersPayload(
            parameters=LegalEntityParameters.from_row(outcome.value) if outcome.value else None,
            errors=errors_of(outcome),
        )

    @strawberry.mutation(description="Accountant: the journal line property of a billing type.")
    async def set_line_property(
        self,
        info: Info,
        input: Annotated[
            LinePropertyInput,
            strawberry.argument(description="The legal entity, billing type and line property."),
        ],
    ) -> LinePropertyPayload:
        outcome = await decoded(
            input.to_domain, lambda data: resolvers.set_line_property(info.context, data)
        )
        return LinePropertyPayload(
            line_property_map=LinePropertyMap.from_row(outcome.value) if outcome.value else None,
            errors=errors_of(outcome),
        )
