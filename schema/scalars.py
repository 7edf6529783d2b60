"""The custom scalars as a client reads them: strawberry's Date, DateTime and Decimal with
descriptions and `@specifiedBy` links. Only the documentation changes: serializing and parsing
stay strawberry's, so both read paths render values exactly as before."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

from strawberry.schema.types.base_scalars import (
    DateDefinition,
    DateTimeDefinition,
    DecimalDefinition,
)
from strawberry.types.scalar import ScalarDefinition

RFC_3339 = "https://datatracker.ietf.org/doc/html/rfc3339#section-5.6"

SCALARS: Mapping[object, ScalarDefinition] = {
    dt.date: dataclasses.replace(
        DateDefinition,
        description="A calendar day as `YYYY-MM-DD` (RFC 3339 full-date), e.g. `2026-03-31`; "
        "no time and no time zone.",
        specified_by_url=RFC_3339,
    ),
    dt.datetime: dataclasses.replace(
        DateTimeDefinition,
        description="An instant as an RFC 3339 date-time with its UTC offset, e.g. "
        "`2026-03-31T14:05:09.123456+00:00` (a fraction of a second only when not zero); the "
        "server answers in UTC.",
        specified_by_url=RFC_3339,
    ),
    Decimal: dataclasses.replace(
        DecimalDefinition,
        description='An exact decimal number as a JSON string, e.g. `"142.80"` or '
        '`"-0.5"`: money, quantities, rates and percentages are never floats. Send it as a '
        "string (a JSON number is accepted, but may have lost precision before it arrives). "
        "An amount of money is written with its currency's decimals (`Currency.decimals`): "
        '`"142.80"`, a yen amount `"1500"` (a unit price entered with more places keeps them, '
        '`"0.125"`). Other numbers keep a fixed scale: quantities 4 places (`"2.5000"`), '
        'exchange rates, unit factors and markups 6 (`"1.083700"`), dimension shares 4.',
    ),
}
