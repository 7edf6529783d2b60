"""A project's subledger totals per period (`Project.totals`, J5), and enums whose values are
described one by one."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from decimal import Decimal
from typing import TypeVar

import strawberry
from strawberry.types.enum import StrawberryEnumDefinition

from domain.subledger import TotalsPeriod
from schema.money import IN_ACCOUNTING

E = TypeVar("E", bound=enum.Enum)


def described_enum(cls: type[E], name: str, description: str, values: Mapping[str, str]) -> type[E]:
    """`cls` as a GraphQL enum with a description per value. The members stay the domain's
    (string) values, which both read paths bind as SQL parameters as they are."""
    strawberry.enum(cls, name=name, description=description)
    definition: StrawberryEnumDefinition = cls.__strawberry_definition__  # type: ignore[attr-defined]
    for value in definition.values:
        value.description = values[value.name]
    return cls


described_enum(
    TotalsPeriod,
    "TotalsPeriod",
    "How `Project.totals` groups the subledger by accounting date.",
    {
        "MONTH": "One row per calendar month with transactions.",
        "YEAR": "One row per calendar year with transactions.",
        "ALL": "One row for the whole range, its `periodStart` null.",
    },
)


@strawberry.type(
    description="A project's subledger sums of one period, in its legal entity's accounting "
    "currency (J5)."
)
class ProjectTotals:
    period_start: dt.date | None = strawberry.field(
        description="The first day of the month or year; null for ALL."
    )
    cost: Decimal = strawberry.field(
        description=f"The sum of `amountAccounting` of the cost transactions. {IN_ACCOUNTING}"
    )
    unbilled_sales: Decimal = strawberry.field(
        description="The sum of `amountAccounting` of the unbilled sales transactions. "
        + IN_ACCOUNTING
    )
