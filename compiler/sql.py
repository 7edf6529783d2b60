"""One statement under construction: table aliases, bind parameters, JSON renderings.

Every rendering here produces the same JSON value strawberry's serialisers produce for the
same database value, so both read paths give byte-identical data.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from graphql.execution.values import VariableValues
from sqlalchemy import ColumnElement

from compiler.scope import ENTITIES_MARK, USER_MARK, render, stand_in
from domain.actors import Actor
from domain.scope import visible_rows

MAX_SUBQUERIES = 1000
# In the message of a statement that fails on purpose (see present_or_fail): not a fault.
FALLBACK_MARK = "compiled-read-fallback"


class Unsupported(Exception):
    """The operation has something this path cannot express: strawberry answers it."""


@dataclass(frozen=True)
class Binding:
    """What a plan's parameters are read from at execution: the caller, the root fields'
    prepared arguments (by response key) and the request's coerced variables (the arguments
    of nested fields, `Selection.argument`)."""

    actor: Actor
    arguments: dict[str, Any]
    variables: VariableValues | None = None


Getter = Callable[[Binding], Any]


@dataclass
class Statement:
    """Aliases and parameters of the statement being planned for one scope shape."""

    roles: frozenset[str]
    getters: list[Getter] = field(default_factory=list)
    _params: dict[Hashable, str] = field(default_factory=dict)
    _aliases: int = 0

    def alias(self) -> str:
        """A new table alias; one per subquery, so their number bounds the statement's size
        (fragments spread in several places can multiply a small document)."""
        self._aliases += 1
        if self._aliases > MAX_SUBQUERIES:
            raise Unsupported("the statement would be too large")
        return f"t{self._aliases}"

    def param(self, key: Hashable, getter: Getter, pg_type: str) -> str:
        """`$n::type`, one per key however often it is used."""
        if key not in self._params:
            self.getters.append(getter)
            self._params[key] = f"${len(self.getters)}::{pg_type}"
        return self._params[key]

    def argument(self, key: str, name: str, pg_type: str) -> str:
        """The prepared argument `name` of the root field under response key `key`."""
        return self.param((key, name), lambda b: getattr(b.arguments[key], name), pg_type)

    def entity_id(self, key: str, name: str = "legal_entity") -> str:
        """The id of the legal entity whose code is the root field's argument `name` (already
        upper-cased, as the resolvers do); null when there is none."""
        code = self.argument(key, name, "text")
        return f"(SELECT id FROM legal_entity WHERE code = {code})"

    def visible(self, model: Any, alias: str) -> list[str]:
        """The caller's visibility rule for `model` rows as `alias` (empty for global rows)."""
        return self.rule(lambda actor: visible_rows(model, actor), model.__table__, alias)

    def rule(
        self, build: Callable[[Actor], ColumnElement[bool] | None], table: Any, alias: str
    ) -> list[str]:
        """A condition over the caller (`build(actor)`, an expression over `table`) as SQL
        over `alias`, the caller's user id and legal entities bound as parameters."""
        expression = build(stand_in(self.roles))
        if expression is None:
            return []
        condition = render(expression, table, alias)
        if USER_MARK in condition:
            user = self.param("actor.user", lambda b: b.actor.user_id, "bigint")
            condition = condition.replace(USER_MARK, user)
        if ENTITIES_MARK in condition:
            entities = self.param(
                "actor.entities", lambda b: sorted(b.actor.legal_entities), "text[]"
            )
            condition = condition.replace(ENTITIES_MARK, entities)
        return [condition]


def where(conditions: list[str]) -> str:
    return " AND ".join(f"({condition})" for condition in conditions) or "true"


def base64_text(prefix: str, expression: str) -> str:
    """urlsafe base64 of `prefix` || expression, as `base64.urlsafe_b64encode` writes it
    (PostgreSQL's encoder breaks lines every 76 characters: the newlines are dropped)."""
    encoded = f"encode(convert_to('{prefix}' || ({expression}), 'UTF8'), 'base64')"
    return f"translate({encoded}, '+/' || chr(10), '-_')"


def global_id(type_name: str, expression: str) -> str:
    return base64_text(f"{type_name}:", expression)


def cursor(expression: str) -> str:
    return base64_text("cursor:", expression)


def decimal(expression: str) -> str:
    """NUMERIC as text keeps its scale, like `str(Decimal)` of the value asyncpg reads: the
    rendering of quantities, rates and percentages (money is `money`, at its currency's)."""
    return f"({expression})::text"


def money(expression: str, decimals: str) -> str:
    """An amount as `domain.money.shown` writes it: `decimals` places (an SQL integer, see
    currency_decimals/entity_decimals), more only for non-zero digits beyond them."""
    return f"(round(({expression}), greatest({decimals}, min_scale({expression}))))::text"


def currency_decimals(code: str) -> str:
    """The decimals of the currency whose code is `code` (a column of the row)."""
    return f"(SELECT mc.decimals FROM currency mc WHERE mc.code = {code})"


def parent_decimals(table: str, parent_id: str) -> str:
    """The decimals of the currency of the `table` row whose id is `parent_id` (a price list
    line's list, an invoice line's invoice)."""
    return (
        f"(SELECT mc.decimals FROM {table} mp JOIN currency mc"
        f" ON mc.code = mp.currency_code WHERE mp.id = {parent_id})"
    )


def entity_decimals(entity_id: str) -> str:
    """The decimals of the accounting currency of the legal entity whose id is `entity_id`."""
    return (
        "(SELECT mc.decimals FROM legal_entity me JOIN currency mc"
        f" ON mc.code = me.currency_code WHERE me.id = {entity_id})"
    )


def in_currency(expression: str, code: str = "{t}.currency_code") -> str:
    """An amount of the row in the currency `code` (by default the row's `currency_code`)."""
    return money(expression, currency_decimals(code))


def in_accounting_currency(expression: str, entity_id: str = "{t}.legal_entity_id") -> str:
    """An amount of the row in its legal entity's accounting currency."""
    return money(expression, entity_decimals(entity_id))


def datetime(expression: str) -> str:
    """`datetime.isoformat()` of a UTC timestamp: microseconds only when not zero."""
    utc = f"(({expression}) AT TIME ZONE 'UTC')"
    micros = f"(extract(microseconds FROM {utc})::bigint % 1000000)"
    return (
        f"(to_char({utc}, 'YYYY-MM-DD\"T\"HH24:MI:SS')"
        f" || CASE WHEN {micros} <> 0 THEN to_char({utc}, '.US') ELSE '' END || '+00:00')"
    )


def enum_name(expression: str, values: type[enum.Enum]) -> str:
    """The GraphQL enum value (the member's name) of a stored value."""
    cases = " ".join(f"WHEN '{member.value}' THEN '{member.name}'" for member in values)
    return f"(CASE ({expression}) {cases} END)"


def present_or_fail(found: str, value: str) -> str:
    """The JSON `value` when `found` is not null, else a failed statement: the reference path
    raises there (a legal entity in the token but not in the database, a missing exchange
    rate), and a failed statement sends the request to it. The failure is a cast of text made
    from `found`, never of a constant, which PostgreSQL would evaluate while planning whichever
    branch runs; its message carries FALLBACK_MARK, so it is not logged as a fault."""
    return f"(CASE WHEN ({found}) IS NOT NULL THEN {value} ELSE {refusal(found)} END)"


def refusal(expression: str) -> str:
    """A JSON expression that fails the statement on purpose when evaluated (see
    present_or_fail); made from `expression`, so PostgreSQL cannot fold it while planning."""
    return f"to_json(('{FALLBACK_MARK}' || coalesce(({expression})::text, ''))::int)"
