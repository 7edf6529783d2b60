"""SQL of exchange rates (M6): the type, `exchangeRates` and `exchangeRateOn`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from graphql import FieldNode

from compiler.catalog import Scalar, TableType, register
from compiler.connections import Page, connection, upper
from compiler.roots import register_root
from compiler.selection import Selection
from compiler.sql import decimal, present_or_fail
from db.models import master_data as models
from domain.actors import Actor

register(
    TableType(
        "ExchangeRate",
        models.ExchangeRate,
        {
            "fromCurrency": Scalar("{t}.from_currency"),
            "toCurrency": Scalar("{t}.to_currency"),
            "rate": Scalar(decimal("{t}.rate")),
            "validFrom": Scalar("{t}.valid_from"),
        },
    ),
)


@dataclass(frozen=True)
class RatesPage(Page):
    from_currency: str | None = None
    to_currency: str | None = None


class ExchangeRates:
    """`exchangeRates`: global rows, for any signed-in caller, as
    `resolvers.rates.exchange_rates` filters them (codes upper-cased)."""

    def prepare(self, arguments: dict[str, Any], actor: Actor) -> RatesPage:
        return RatesPage(
            **Page.paging(arguments, "ExchangeRate"),
            from_currency=upper(arguments.get("fromCurrency")),
            to_currency=upper(arguments.get("toCurrency")),
        )

    def sql(self, selection: Selection, key: str, nodes: list[FieldNode], page: Any) -> str:
        statement = selection.statement
        t = statement.alias()
        conditions = []
        for name in ("from_currency", "to_currency"):
            if getattr(page, name) is not None:
                value = statement.argument(key, name, "text")
                conditions.append(f"{t}.{name} = {value}")
        return connection(selection, key, nodes, page, "ExchangeRate", conditions, t)


@dataclass(frozen=True)
class RateOn:
    from_currency: str
    to_currency: str
    date: dt.date

    @property
    def shape(self) -> Hashable:
        return self.from_currency == self.to_currency


class ExchangeRateOn:
    """`exchangeRateOn`, as `domain.rates.rate_on` answers: 1 for one currency (never asked of
    the database), else the database function `exchange_rate_on`; where that is null the
    reference path raises MISSING_EXCHANGE_RATE, and this statement fails so that it does."""

    def prepare(self, arguments: dict[str, Any], actor: Actor) -> RateOn:
        source, target = arguments["fromCurrency"].upper(), arguments["toCurrency"].upper()
        return RateOn(source, target, arguments["date"])

    def sql(self, selection: Selection, key: str, nodes: list[FieldNode], args: Any) -> str:
        if args.from_currency == args.to_currency:
            return "to_json('1'::text)"  # str(Decimal(1))
        statement = selection.statement
        values = [
            statement.argument(key, name, pg_type)
            for name, pg_type in (("from_currency", "text"), ("to_currency", "text"))
        ]
        values.append(statement.argument(key, "date", "date"))
        rate = f"exchange_rate_on({', '.join(values)})"
        return present_or_fail(rate, f"to_json(({rate})::text)")


register_root("exchangeRates", ExchangeRates())
register_root("exchangeRateOn", ExchangeRateOn())
