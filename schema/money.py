"""How money reads in the schema: the sentences every amount's description ends with.

An amount of money is a `Decimal` string written with the decimals of the currency it is in
(`Currency.decimals`): `142.80`, a yen amount `1500` (domain/money.py). Other decimals keep the
scale of what they measure, whatever the value: quantities 4 places (`2.5000`), exchange rates,
unit factors and price markups 6 (`1.083700`), dimension shares 4 (`60.0000`)."""

from __future__ import annotations

IN_CURRENCY = "In `currencyCode`, written with that currency's decimals (`142.80`)."
IN_ACCOUNTING = (
    "In the legal entity's accounting currency, written with that currency's decimals (`142.80`)."
)
PER_UNIT = (
    "In `currencyCode`, written with at least that currency's decimals (`12.50`); a price "
    "entered with more (up to 6) keeps them (`0.125`)."
)
IN_INVOICE_CURRENCY = "In the invoice's currency, written with that currency's decimals (`142.80`)."
