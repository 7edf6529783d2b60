"""Inputs that change legal-entity parameters (M7) and the line property map."""

from __future__ import annotations

from typing import TypeVar

import strawberry

from db.models.parameters import LineProperty, PeriodUnit
from domain import parameters as domain
from domain.errors import DomainError, DomainErrors
from schema.projects_totals import described_enum
from schema.projects_types import BillingType
from schema.relay import decode_id

T = TypeVar("T")

described_enum(
    PeriodUnit,
    "PeriodUnit",
    "How journal lines are grouped (J2).",
    {
        "DAYS": "One journal per transaction day.",
        "MONTHS": "One journal per calendar month of the transaction dates.",
        "YEARS": "One journal per calendar year of the transaction dates.",
        "ALL": "One group whatever the dates: lines join the draft journal while it has room.",
    },
)
described_enum(
    LineProperty,
    "LineProperty",
    "Whether a journal line's amount may be invoiced to the customer (M7, J3).",
    {
        "CHARGEABLE": "The line may be invoiced to the customer.",
        "NON_CHARGEABLE": "The line is not invoiced: the cost stays with the company.",
    },
)

# Input field -> (parameter column, global id type) of every reference a parameter holds.
REFERENCE_FIELDS = {
    domain.input_field(column): (column, model.__name__)
    for column, model in domain.REFERENCES.items()
}


def _given(value: T | None) -> T | None:
    """UNSET (omitted) and null both leave a required setting as it is."""
    return None if value is strawberry.UNSET else value


@strawberry.input(
    description="Omitted fields stay as they are; an id field set to null clears the reference."
)
class UpdateParametersInput:
    legal_entity: str = strawberry.field(
        description="Code of one of your legal entities; NOT_FOUND otherwise."
    )
    journal_period_unit: PeriodUnit | None = strawberry.field(
        default=strawberry.UNSET, description="How new journal lines are grouped (J2)."
    )
    lines_per_journal: int | None = strawberry.field(
        default=strawberry.UNSET,
        description="The most lines a journal takes, 1 to 100000 (OUT_OF_RANGE otherwise).",
    )
    batch_threshold: int | None = strawberry.field(
        default=strawberry.UNSET,
        description="Journals with more lines are posted by a background job, 0 to 1000000 "
        "(OUT_OF_RANGE otherwise).",
    )
    move_to_next_open_period: bool | None = strawberry.field(
        default=strawberry.UNSET,
        description="Whether a line dated in a period that is not open moves to the next open "
        "one (J3).",
    )
    default_project_category_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET,
        description="Global id of the project category a journal line gets when its transaction "
        "category has none here (J3); null clears it.",
    )
    voucher_sequence_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET,
        description="Global id of this legal entity's number sequence for voucher numbers.",
    )
    journal_sequence_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET,
        description="Global id of this legal entity's number sequence for journal numbers.",
    )
    expense_integration_account_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET,
        description="Global id of the expense integration account (E4, J5); null clears it.",
    )
    procurement_integration_account_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET,
        description="Global id of the procurement integration account (V7, J5); null clears it.",
    )
    project_cost_account_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET,
        description="Global id of the project cost account (J5); null clears it.",
    )
    wip_sales_value_account_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET,
        description="Global id of the WIP sales value account (J5); null clears it.",
    )
    accrued_revenue_account_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET,
        description="Global id of the accrued revenue sales value account (J5); null clears it.",
    )
    input_tax_account_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET,
        description="Global id of the input tax account (E4, V7); null clears it.",
    )
    employee_payable_account_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET,
        description="Global id of the employee payable account (E4); null clears it.",
    )
    vendor_payable_account_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET,
        description="Global id of the vendor payable account (V7); null clears it.",
    )
    round_off_account_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET,
        description="Global id of the round-off account (L1); null clears it.",
    )

    def _references(self) -> dict[str, int | None]:
        """Given reference fields decoded; every bad id is reported, not only the first."""
        references: dict[str, int | None] = {}
        errors: list[DomainError] = []
        for name, (column, type_name) in REFERENCE_FIELDS.items():
            value = getattr(self, column)
            if value is strawberry.UNSET:
                continue
            try:
                references[column] = None if value is None else decode_id(value, type_name, name)
            except DomainError as error:
                errors.append(error)
        if errors:
            raise DomainErrors(errors)
        return references

    def to_domain(self) -> domain.ParameterChanges:
        return domain.ParameterChanges(
            legal_entity=self.legal_entity,
            journal_period_unit=_given(self.journal_period_unit),
            lines_per_journal=_given(self.lines_per_journal),
            batch_threshold=_given(self.batch_threshold),
            move_to_next_open_period=_given(self.move_to_next_open_period),
            references=self._references(),
        )


@strawberry.input(description="The line property journal lines of one billing type get.")
class LinePropertyInput:
    legal_entity: str = strawberry.field(
        description="Code of one of your legal entities; NOT_FOUND otherwise."
    )
    billing_type: BillingType = strawberry.field(  # type: ignore[valid-type]
        description="The billing type to map; a mapping it has already is replaced."
    )
    line_property: LineProperty = strawberry.field(
        description="The line property its journal lines get from now on."
    )

    def to_domain(self) -> domain.LinePropertyChange:
        return domain.LinePropertyChange(
            legal_entity=self.legal_entity,
            billing_type=self.billing_type,
            line_property=self.line_property,
        )
