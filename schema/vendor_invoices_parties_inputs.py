"""Inputs and payloads of the mutations that record vendors and subcontracts."""

from __future__ import annotations

from decimal import Decimal

import strawberry

from db.models import vendor_invoices as models
from domain import vendor_invoices_parties as domain
from resolvers.mutations import Outcome
from schema.errors import UserError
from schema.mutations import errors_of
from schema.relay import decode_id, decode_optional_id
from schema.vendor_invoices_parties import Subcontract, Vendor


@strawberry.input(description="A new vendor of one of your legal entities.")
class CreateVendorInput:
    legal_entity: str = strawberry.field(description="The legal entity's code, e.g. USPM.")
    code: str = strawberry.field(description="Unique within the legal entity.")
    name: str = strawberry.field(description="The vendor's name.")
    currency_code: str | None = strawberry.field(
        default=None, description="The currency it invoices in, the default of its invoices."
    )

    def to_domain(self) -> domain.NewVendor:
        return domain.NewVendor(self.legal_entity, self.code, self.name, self.currency_code)


@strawberry.input(description="One ordered line: services for an expense category (V3).")
class SubcontractLineInput:
    project_id: strawberry.ID = strawberry.field(description="A project of the legal entity.")
    transaction_category_id: strawberry.ID = strawberry.field(
        description="Needs an expense category in the legal entity (V3)."
    )
    task_id: strawberry.ID | None = strawberry.field(
        default=None, description="A task of the project; blank lets invoice lines choose."
    )
    quantity: Decimal | None = strawberry.field(
        default=None, description="How many units are ordered, in `unitId`; null: not fixed."
    )
    unit_id: strawberry.ID | None = strawberry.field(
        default=None, description="A unit of the category's unit group; default its base unit."
    )
    unit_price: Decimal | None = strawberry.field(
        default=None,
        description="The agreed price per unit, in the subcontract's currency; null: not fixed.",
    )
    description: str = strawberry.field(
        default="", description="What services the line orders; may be empty."
    )

    def to_domain(self, index: int) -> domain.OrderedLine:
        path = f"lines.{index}."

        def pk(gid: strawberry.ID | None, type_name: str, field: str) -> int | None:
            return decode_optional_id(gid, type_name, path + field)

        return domain.OrderedLine(
            project_id=decode_id(self.project_id, "Project", path + "projectId"),
            transaction_category_id=decode_id(
                self.transaction_category_id, "TransactionCategory", path + "transactionCategoryId"
            ),
            task_id=pk(self.task_id, "Task", "taskId"),
            quantity=self.quantity,
            unit_id=pk(self.unit_id, "Unit", "unitId"),
            unit_price=self.unit_price,
            description=self.description,
        )


@strawberry.input(description="A new subcontract of a vendor, with its ordered lines.")
class CreateSubcontractInput:
    legal_entity: str = strawberry.field(description="The legal entity's code, e.g. USPM.")
    vendor_id: strawberry.ID = strawberry.field(description="A Vendor of that legal entity.")
    number: str = strawberry.field(description="Unique within the legal entity.")
    lines: list[SubcontractLineInput] = strawberry.field(
        description="1 to 100 lines, numbered from 1 in this order."
    )
    currency_code: str | None = strawberry.field(
        default=None, description="Defaults to the vendor's currency, else the legal entity's."
    )

    def to_domain(self) -> domain.NewSubcontract:
        return domain.NewSubcontract(
            legal_entity=self.legal_entity,
            vendor_id=decode_id(self.vendor_id, "Vendor", "vendorId"),
            number=self.number,
            lines=[line.to_domain(index) for index, line in enumerate(self.lines)],
            currency_code=self.currency_code,
        )


@strawberry.type(description="The vendor created; null when `errors` says why not.")
class VendorPayload:
    vendor: Vendor | None = strawberry.field(
        description="The vendor as saved; null when `errors` is not empty."
    )
    errors: list[UserError] = strawberry.field(
        description="Why nothing was saved; empty on success."
    )

    @classmethod
    def of(cls, outcome: Outcome[models.Vendor]) -> VendorPayload:
        vendor = Vendor.from_row(outcome.value) if outcome.value else None
        return cls(vendor=vendor, errors=errors_of(outcome))


@strawberry.type(description="The subcontract created; null when `errors` says why not.")
class SubcontractPayload:
    subcontract: Subcontract | None = strawberry.field(
        description="The subcontract as saved, with its lines; null when `errors` is not empty."
    )
    errors: list[UserError] = strawberry.field(
        description="Why nothing was saved; empty on success."
    )

    @classmethod
    def of(cls, outcome: Outcome[models.Subcontract]) -> SubcontractPayload:
        subcontract = Subcontract.from_row(outcome.value) if outcome.value else None
        return cls(subcontract=subcontract, errors=errors_of(outcome))
