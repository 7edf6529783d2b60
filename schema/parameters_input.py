"""Inputs that change legal-entity parameters (M7) and the line property map."""

from __future__ import annotations

from typing import TypeVar

import strawberry

from db.models.parameters import LineProperty, PeriodUnit
from domain import parameters as domain
from domain.errors import DomainError, DomainErrors
from schema.projects_types import BillingType
from schema.relay import decode_id

T = TypeVar("T")

strawberry.enum(PeriodUnit, name="PeriodUnit", description="How journal lines are grouped (J2).")
strawberry.enum(LineProperty, name="LineProperty")

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
    legal_entity: str
    journal_period_unit: PeriodUnit | None = strawberry.UNSET
    lines_per_journal: int | None = strawberry.UNSET
    batch_threshold: int | None = strawberry.UNSET
    move_to_next_open_period: bool | None = strawberry.UNSET
    default_project_category_id: strawberry.ID | None = strawberry.UNSET
    voucher_sequence_id: strawberry.ID | None = strawberry.UNSET
    journal_sequence_id: strawberry.ID | None = strawberry.UNSET
    expense_integration_account_id: strawberry.ID | None = strawberry.UNSET
    procurement_integration_account_id: strawberry.ID | None = strawberry.UNSET
    project_cost_account_id: strawberry.ID | None = strawberry.UNSET
    wip_sales_value_account_id: strawberry.ID | None = strawberry.UNSET
    accrued_revenue_account_id: strawberry.ID | None = strawberry.UNSET
    input_tax_account_id: strawberry.ID | None = strawberry.UNSET
    employee_payable_account_id: strawberry.ID | None = strawberry.UNSET
    vendor_payable_account_id: strawberry.ID | None = strawberry.UNSET
    round_off_account_id: strawberry.ID | None = strawberry.UNSET

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


@strawberry.input
class LinePropertyInput:
    legal_entity: str
    billing_type: BillingType  # type: ignore[valid-type]
    line_property: LineProperty

    def to_domain(self) -> domain.LinePropertyChange:
        return domain.LinePropertyChange(
            legal_entity=self.legal_entity,
            billing_type=self.billing_type,
            line_property=self.line_property,
        )
