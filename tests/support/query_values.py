"""The values random queries draw their arguments from: global ids of every type, cursors,
filter values found in the data, and values the resolvers refuse."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    Undefined,
    get_named_type,
    is_non_null_type,
)

from resolvers.cursors import id_cursor
from schema import schema
from schema.relay import encode_id, parse_id
from tests.support.client import GraphQLClient
from tests.support.queries import Pool
from tests.support.world import TODAY, World

# One request per group, each under MAX_QUERY_COST; nested lists read their first ten (the
# data has fewer).
IDS = [
    """{ expenseReports(first: 100) { nodes { id employee { id } voucher { id }
  lines(first: 10) { id category { id sharedCategory { id transactionCategory { id } } }
    task { id } project { id tasks(first: 10) { id } } actuals(first: 10) { id } } } } }""",
    """{ journals(first: 100) { nodes { id number periodStart
    lines(first: 10) { id voucher { id } } } }
  jobRuns(first: 100) { nodes { id taskName } }
  priceLists(first: 100) { nodes { id lines(first: 10) { id unit { id } } } }
  unitGroups(first: 100) { nodes { id code units(first: 10) { id } } }
  projectCategories(first: 100) { nodes { id } } exchangeRates(first: 100) { nodes { id } }
  numberSequences { id } us: accounts(legalEntity: "USPM", first: 100) { nodes { id } }
  de: accounts(legalEntity: "DEPM", first: 100) { nodes { id } }
  usPeriods: ledgerPeriods(legalEntity: "USPM", first: 100) { nodes { id } }
  dePeriods: ledgerPeriods(legalEntity: "DEPM", first: 100) { nodes { id } }
  projectTransactions(first: 100) { nodes { id } }
  usDimensions: financialDimensions(legalEntity: "USPM") { nodes { id values(first: 10) { id } } }
  deDimensions: financialDimensions(legalEntity: "DEPM") { nodes { id values(first: 10) { id } } }
  vouchers(first: 100) { nodes { id number lines(first: 10) { id } } } }""",
    """{ vendorInvoices(first: 100) { nodes { id number vendor { id code } subcontract { id number }
    lines(first: 10) { id subcontractLine { id } matchedActuals(first: 10) { id }
      actuals(first: 10) { id } } } } }""",
]


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


def _mostly(right: list[str], others: list[str]) -> list[str]:
    """`right` four times out of five, else any of `others`."""
    return right * (4 * len(others) // len(right) + 1) + others


def _roots() -> dict[str, GraphQLField]:
    query = schema._schema.query_type
    assert query is not None
    return dict(query.fields)


def orders() -> dict[str, list[dict[str, str]]]:
    """Every `orderBy` value of every root connection, by root field."""
    found = {}
    for root, definition in _roots().items():
        order = definition.args.get("orderBy")
        if order is None:
            continue
        named = get_named_type(order.type)
        assert isinstance(named, GraphQLInputObjectType)
        fields = get_named_type(named.fields["field"].type)
        assert isinstance(fields, GraphQLEnumType)
        found[root] = [
            {"field": field, "direction": direction}
            for field in fields.values
            for direction in ("ASC", "DESC")
        ]
    return found


async def ordered_cursors(gql: GraphQLClient, world: World) -> list[str]:
    """A few cursors of each order of each root connection that needs no argument: the
    sort key values of every kind (text, date, timestamp, decimal, integer) in a cursor."""
    definitions = _roots()
    fields = []
    for root, values in orders().items():
        required = [
            name
            for name, arg in definitions[root].args.items()
            if is_non_null_type(arg.type) and arg.default_value is Undefined
        ]
        if required:
            continue
        for value in values[::2]:  # ascending: the cursors are the same either way
            order = f"{{field: {value['field']}, direction: ASC}}"
            fields.append(f"{root}(first: 3, orderBy: {order}) {{ edges {{ cursor }} }}")
    cursors = []
    for start in range(0, len(fields), 20):  # under the alias limit
        batch = " ".join(f"a{n}: {field}" for n, field in enumerate(fields[start : start + 20]))
        data = await gql.data(f"{{ {batch} }}", token=world.tokens["admin"])
        cursors += re.findall(r'"cursor": "([^"]+)"', json.dumps(data))
    return sorted(set(cursors))


async def pool_from(gql: GraphQLClient, world: World) -> Pool:
    """Values from the data as the admin (of both legal entities) sees it: global ids of every
    type, cursors of every row, filter values; and values refused at execution."""
    data: dict[str, Any] = {}
    for document in IDS:
        data.update(await gql.data(document, token=world.tokens["admin"]))
    ids: dict[str, set[str]] = {
        "User": {encode_id("User", user.id) for user in world.users.values()},
        "LegalEntity": {encode_id("LegalEntity", c.entity.id) for c in world.companies.values()},
    }
    for gid in re.findall(r'"id": "([^"]+)"', json.dumps(data)):
        ids.setdefault(parse_id(gid)[0], set()).add(gid)
    every = sorted(set().union(*ids.values()))
    journals, invoices = data["journals"]["nodes"], data["vendorInvoices"]["nodes"]
    numbers = sorted({journal["number"] for journal in journals})
    days = [str(TODAY + dt.timedelta(days=n)) for n in (-60, -31, -1, 0, 1)]
    rated = TODAY.replace(day=1)  # the rates of the data are valid from last month on
    currencies = ["USD", "EUR", "eur"]
    missing: list[str] = [encode_id("ExpenseReport", 10**9), encode_id("Nothing", 1)]
    vouchers = [*sorted({v["number"] for v in data["vouchers"]["nodes"]})[:20], "NOPE"]
    ordered = await ordered_cursors(gql, world)
    good: dict[str, list[Any]] = {
        "first": [1, 1, 2, 3, 5, 10, 50, 100],
        "after": [None, id_cursor(0), *(id_cursor(parse_id(i)[1]) for i in every),
                  *ordered],
        "last": [None, 1, 2, 3, 10, 100],
        "before": [None, id_cursor(0), *(id_cursor(parse_id(i)[1]) for i in every),
                   *ordered],
        **{f"{root}.orderBy": [None, *values] for root, values in orders().items()},
        "id": every + missing,
        "expenseReport.id": _mostly(sorted(ids["ExpenseReport"]), every + missing),
        "employeeId": sorted(ids["User"]),
        "managerId": sorted(ids["User"]),
        "project.id": _mostly(sorted(ids["Project"]), every + missing),
        "jobRun.id": _mostly(sorted(ids.get("JobRun", [])) or every, every + missing),
        "taskName": [*sorted({run["taskName"] for run in data["jobRuns"]["nodes"]}), "nope"],
        "code": ["USPM", "DEPM", "uspm", "NOPE"],
        "projectId": sorted(ids["Project"]),
        "legalEntity": ["USPM", "DEPM", "depm", "NOPE"],
        "fromDate": days,
        "toDate": days,
        "periodStart": sorted({j["periodStart"] for j in journals if j["periodStart"]}) + days,
        "number": [*numbers, "NOPE"],
        "originalJournalNumber": numbers,
        "fromCurrency": [*currencies, "DKK", "NOPE"],
        "toCurrency": [*currencies, "DKK"],
        "exchangeRateOn.fromCurrency": currencies,
        "exchangeRateOn.toCurrency": currencies,
        "date": [str(rated), str(TODAY), str(TODAY + dt.timedelta(days=400))],
        "unitGroups.code": [*sorted({group["code"] for group in data["unitGroups"]["nodes"]}),
                            "time", "NOPE"],
        "vendorId": sorted(ids["Vendor"]),
        "subcontractId": sorted(ids["Subcontract"]),
        "vendorInvoice.id": _mostly(sorted(ids["VendorInvoice"]), every + missing),
        "vendors.code": [*sorted({i["vendor"]["code"] for i in invoices}), "acme", "NOPE"],
        "subcontracts.number": [*sorted({i["subcontract"]["number"] for i in invoices
                                         if i["subcontract"]}), "NOPE"],
        "vendorInvoices.number": [*sorted({i["number"] for i in invoices}), "NOPE"],
        "asOf": days,
        "accountId": sorted(ids["Account"]),
        "vouchers.number": vouchers,
        "generalLedgerEntries.number": vouchers,
    }  # fmt: skip
    bad: dict[str, list[Any]] = {
        "first": [0, 101, -1],
        "last": [0, 101, -1],
        "after": [
            "garbage",
            *(_b64(key) for key in ("cursor:", "cursor:x", "page:5", "cursor:" + "9" * 20)),
            *(_b64(key) for key in ("cursor:CODE:1", "cursor:AMOUNT:1:x", "cursor:ID:1:2")),
        ],
        "before": ["garbage", _b64("cursor:x"), _b64("cursor:CREATED_AT:1:yesterday")],
        "id": ["garbage", "", encode_id("ExpenseReport", 0)],
        "employeeId": ["garbage", sorted(ids["Project"])[0]],
        "projectId": [sorted(ids["Task"])[0]],
        "vendorId": ["garbage", sorted(ids["Subcontract"])[0]],
        "subcontractId": [sorted(ids["Vendor"])[0]],
        "accountId": ["garbage", sorted(ids["Project"])[0]],
        "date": [str(rated - dt.timedelta(days=40)), "1999-12-31"],  # before any rate (M6)
        "fromCurrency": ["GBP", "SEK"],  # no rate to anything (M6)
    }
    return Pool(good, bad)
