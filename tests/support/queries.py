"""Random valid query documents for the differential test of the two read paths: driven by
the schema (graphql-core's view of it), with argument values that exist in the data."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    Undefined,
    get_named_type,
    is_leaf_type,
    is_non_null_type,
    parse,
    validate,
)
from hypothesis import strategies as st

ROOTS = (
    *("expenseReports", "expenseReport", "node", "journals", "__typename"),
    *("actuals", "legalEntities", "projects", "project"),  # compiled since
    *("transactionCategories", "expenseCategories", "me", "jobRuns", "jobRun"),
    *("users", "accounts", "parameters", "numberSequences", "ledgerPeriods", "currencies"),
    *("exchangeRates", "exchangeRateOn", "projectCategories", "unitGroups", "priceLists"),
    *("vendors", "subcontracts", "vendorInvoices", "vendorInvoice"),
    *("vouchers", "generalLedgerEntries", "trialBalance"),
    "financialDimensions",
    "projectTransactions",
)
NODE_TYPES = (
    *("ExpenseReport", "ExpenseLine", "Journal", "JournalLine", "Project", "Task", "User"),
    *("LegalEntity", "ExpenseCategory", "Actual", "Voucher", "Account", "NumberSequence"),
    *("LedgerPeriod", "ExchangeRate", "ProjectCategory", "Unit", "UnitGroup", "PriceList"),
    *("PriceListLine", "Vendor", "Subcontract", "SubcontractLine", "VendorInvoice"),
    "VoucherLine",
    *("VendorInvoiceLine", "FinancialDimension", "FinancialDimensionValue"),
    "ProjectTransaction",
)
CONNECTED = (  # types with a connection among the roots, planned with its edges
    *("ExpenseReport", "Journal", "Actual", "LegalEntity", "Project", "User", "Account"),
    *("LedgerPeriod", "ExchangeRate", "ProjectCategory", "UnitGroup", "PriceList", "Vendor"),
    *("Voucher", "VoucherLine"),
    *("Subcontract", "VendorInvoice", "FinancialDimension"),
    "ProjectTransaction",
)
COMPILED = frozenset(  # the object types the compiled path plans; others may fall back
    {*NODE_TYPES, "ExpenseApproval", "CurrencyAmount", "SharedCategory", "TransactionCategory"}
    | {"DimensionShare", "VoucherLine", "PageInfo", "Currency", "LegalEntityParameters"}
    | {"VoucherLineDimension", "TrialBalance", "TrialBalanceLine", "TrialBalanceTotals"}
    | {"LinePropertyMap", "ProjectTotals"}
    | {f"{kind}{part}" for kind in CONNECTED for part in ("Connection", "Edge")}
)  # fmt: skip
MAX_DEPTH = 8  # field levels; the server allows 12
MAX_ALIASES = 25  # the server allows 30
Scope = dict[str, tuple[tuple[str, str, str], "Scope"]]  # response key -> (signature, children)


@dataclass
class Pool:
    """Argument values by argument (or input field) name: `good` exist in the data, `bad` are
    refused at execution (first: 0, a bad cursor, an invalid id)."""

    good: dict[str, list[Any]]
    bad: dict[str, list[Any]] = field(default_factory=dict)


@dataclass
class Query:
    document: str
    variables: dict[str, Any]


def literal(value: Any, type_: GraphQLInputType) -> str:
    """`value` written as a GraphQL literal of `type_` (enums bare, input objects inline)."""
    named = get_named_type(type_)
    if value is None:
        return "null"
    if isinstance(named, GraphQLEnumType):
        return str(value)
    if isinstance(named, GraphQLInputObjectType):
        inner = (f"{k}: {literal(v, named.fields[k].type)}" for k, v in value.items())
        return "{" + ", ".join(inner) + "}"
    return json.dumps(value)


def _compatible(new: Scope, old: Scope) -> bool:
    return all(
        key not in old or (old[key][0] == sig and _compatible(kids, old[key][1]))
        for key, (sig, kids) in new.items()
    )


def _merge(new: Scope, old: Scope) -> None:
    for key, (sig, kids) in new.items():
        if key in old:
            _merge(kids, old[key][1])
        else:
            old[key] = (sig, kids)


class _Builder:
    def __init__(self, draw: st.DrawFn, schema: GraphQLSchema, pool: Pool) -> None:
        self.draw, self.schema, self.pool = draw, schema, pool
        self.aliases = 0
        self.budget = 60  # fields in the document, so it stays far below the token limit
        self.variables: dict[str, Any] = {}
        self.definitions: list[str] = []
        self.fragments: list[tuple[str, str, int, Scope]] = []  # name, on, depth, its fields
        self.bodies: list[str] = []
        self.others = draw(st.integers(0, 9)) == 0  # may select types that still fall back

    def chance(self, percent: int) -> bool:
        return self.draw(st.integers(0, 99)) >= 100 - percent  # the simplest draw, 0: no

    def value(self, name: str, type_: GraphQLInputType, root: str) -> Any:
        named = get_named_type(type_)
        bad = self.pool.bad.get(name)
        if bad and self.chance(4):
            return self.draw(st.sampled_from(bad))
        for key in (f"{root}.{name}", name):
            if key in self.pool.good:
                return self.draw(st.sampled_from(self.pool.good[key]))
        if isinstance(named, GraphQLEnumType):
            return self.draw(st.sampled_from(sorted(named.values)))
        if isinstance(named, GraphQLInputObjectType):
            keys = self.draw(st.sets(st.sampled_from(sorted(named.fields)), max_size=3))
            return {k: self.value(k, named.fields[k].type, root) for k in sorted(keys)}
        assert named.name == "Boolean", f"no values for the argument {name}: {named}"
        return self.draw(st.booleans())

    def arguments(self, field: str, definition: GraphQLField) -> str:
        written = []
        for name, arg in definition.args.items():
            required = is_non_null_type(arg.type) and arg.default_value is Undefined
            if not required and self.chance(50):
                continue
            # A refused value may sit next to other root fields: a failing non-null one nulls
            # `data` and graphql-core cancels its siblings, which both paths must survive.
            value = self.value(name, arg.type, field)
            if self.chance(40):
                variable = f"v{len(self.variables) + 1}"
                self.definitions.append(f"${variable}: {arg.type}")
                self.variables[variable] = value
                written.append(f"{name}: ${variable}")
            else:
                written.append(f"{name}: {literal(value, arg.type)}")
        return f"({', '.join(written)})" if written else ""

    def forget(self, defined: int) -> None:
        """Drop the variables defined since there were `defined`: their fields were dropped
        (an unused variable makes the document invalid)."""
        for definition in self.definitions[defined:]:
            del self.variables[definition[1:].partition(":")[0]]
        del self.definitions[defined:]

    def alias(self) -> str | None:
        if self.aliases >= MAX_ALIASES:
            return None
        self.aliases += 1
        return f"a{self.aliases}"

    def field(
        self, parent: GraphQLObjectType | GraphQLInterfaceType, name: str, depth: int, scope: Scope
    ) -> str:
        definition = parent.fields[name]
        named = get_named_type(definition.type)
        defined = len(self.definitions)
        args = self.arguments(name, definition)
        signature = (name, args, str(definition.type))
        key: str | None = self.alias() if self.chance(8) else name
        if key is not None and key in scope and scope[key][0] != signature:
            key = self.alias()
        if key is None:  # no alias left: the field goes, with its variables
            self.forget(defined)
            return ""
        self.budget -= 1
        children = scope[key][1] if key in scope else {}
        scope[key] = (signature, children)
        head = f"{key}: {name}" if key != name else name
        if is_leaf_type(named):
            return head + args
        return f"{head}{args} {{ {self.selection(named, depth + 1, children)} }}"

    def choices(self, type_: GraphQLObjectType, depth: int) -> list[str]:
        def fits(name: str) -> bool:
            named = get_named_type(type_.fields[name].type)
            if is_leaf_type(named):
                return True
            deeper = depth < MAX_DEPTH and self.budget > 10
            return deeper and (named.name in COMPILED or self.others)

        return [name for name in type_.fields if fits(name)]

    def selection(self, type_: GraphQLNamedType, depth: int, scope: Scope) -> str:
        parts = ["__typename"] if self.chance(15) else []
        nest = depth < MAX_DEPTH and self.budget > 0  # fragments count as a level here
        if isinstance(type_, GraphQLObjectType):
            choices = self.choices(type_, depth) if self.budget > 0 else []
            names = self.draw(st.lists(st.sampled_from(choices), max_size=5)) if choices else []
            parts += [self.field(type_, name, depth, scope) for name in names]
            if nest and self.chance(12):
                condition = self.draw(st.sampled_from([f" on {type_.name}", ""]))
                parts.append(f"...{condition} {{ {self.selection(type_, depth + 1, scope)} }}")
            if nest and self.chance(10):
                parts.append(self.spread(type_, depth + 1, scope))
        else:  # Node
            if self.chance(60):
                assert isinstance(type_, GraphQLInterfaceType)
                parts.append(self.field(type_, "id", depth, scope))
            for name in self.draw(st.lists(st.sampled_from(NODE_TYPES), max_size=3 * nest)):
                if self.chance(30):
                    parts.append(self.spread(self.object(name), depth, scope))
                else:
                    parts.append(
                        f"... on {name} {{ {self.selection(self.object(name), depth, scope)} }}"
                    )
            if self.chance(10):
                parts.append("... on Node { id }")
        parts = [part for part in parts if part]
        return " ".join(parts) if parts else "__typename"

    def object(self, name: str) -> GraphQLObjectType:
        type_ = self.schema.type_map[name]
        assert isinstance(type_, GraphQLObjectType)
        return type_

    def spread(self, type_: GraphQLObjectType, depth: int, scope: Scope) -> str:
        """A named fragment on the type: an earlier one when its fields merge, else a new one."""
        for name, condition, made_at, merged in self.fragments:
            reusable = condition == type_.name and made_at >= depth and _compatible(merged, scope)
            if reusable and self.chance(70):
                _merge(merged, scope)
                return f"...{name}"
        count, defined = len(self.fragments), len(self.definitions)
        fields: Scope = {}
        body = self.selection(type_, depth, fields)
        if not _compatible(fields, scope):  # drop it, the fragments and variables made for it
            del self.fragments[count:], self.bodies[count:]
            self.forget(defined)
            return ""
        _merge(fields, scope)
        name = f"F{len(self.fragments) + 1}"
        self.fragments.append((name, type_.name, depth, fields))
        self.bodies.append(f"fragment {name} on {type_.name} {{ {body} }}")
        return f"...{name}"

    def document(self) -> str:
        query = self.object("Query")
        scope: Scope = {}
        roots = self.draw(st.lists(st.sampled_from(ROOTS), min_size=1, max_size=4))
        fields = " ".join(
            "__typename" if name == "__typename" else self.field(query, name, 0, scope)
            for name in roots
        )
        head = f"query Q({', '.join(self.definitions)})" if self.definitions else "query"
        return "\n".join([f"{head} {{ {fields} }}", *self.bodies])


@st.composite
def queries(draw: st.DrawFn, schema: GraphQLSchema, pool: Pool) -> Query:
    builder = _Builder(draw, schema, pool)
    document = builder.document()
    errors = validate(schema, parse(document))
    assert not errors, (document, errors)
    return Query(document, builder.variables)
