"""Malformed and random requests for the fuzz suite (tests/test_fuzz.py): bodies, headers,
query strings, variables, cursors and global ids, drawn by hypothesis.

Every mutation a request may carry refers to rows that do not exist or to a currency that
does not (ZZZ), so any answer but a refusal would be a bug: the suite asserts no write."""

from __future__ import annotations

import base64
import datetime as dt
import json
from typing import Any
from urllib.parse import quote_from_bytes, urlencode

from hypothesis import strategies as st

from schema.relay import encode_id

# Documents with the variables the generated requests fill: cursors, ids, Int, Decimal, Date.
DOCUMENTS = (
    "{ __typename }",
    "{ me { id } }",
    "query($after: String, $first: Int) { expenseReports(first: $first, after: $after)"
    " { nodes { id } pageInfo { endCursor } } }",
    "query($after: String) { journals(after: $after) { nodes { id number } } }",
    "query($id: ID!) { node(id: $id) { id } }",
    "query($id: ID!) { expenseReport(id: $id) { id status } }",
    "query($id: ID!) { vendorInvoice(id: $id) { id } }",
    'query($on: Date!) { exchangeRateOn(fromCurrency: "USD", toCurrency: "EUR", on: $on) }',
    "{ ...Unknown }",
    "query { expenseReports { ...F } } fragment F on ExpenseReport { ...G }",
    "query($a: Int) { expenseReports(first: 99999999999999999999) { nodes { id } } }",
    'query { node(id: "\\uD800") { id } }',
    "mutation($id: ID!) { deleteExchangeRate(input: {id: $id}) { errors { code } } }",
    "mutation($id: ID!, $rate: Decimal, $on: Date) { updateExchangeRate(input:"
    " {id: $id, rate: $rate, validFrom: $on}) { errors { code } } }",
    'mutation($rate: Decimal!, $on: Date!) { createExchangeRate(input: {fromCurrency: "ZZZ",'
    ' toCurrency: "USD", rate: $rate, validFrom: $on}) { errors { code } } }',
    "mutation($id: ID!, $amount: Decimal, $on: Date!, $category: ID!) { addExpenseLine(input:"
    " {reportId: $id, date: $on, expenseCategoryId: $category, amount: $amount})"
    " { errors { code } } }",
    "mutation { deleteJournal(input: {id: 1}) { errors { code } } }",
    "query Q { __typename } query R { __typename }",
    "subscription { journalStatusChanges { id } }",
)
VARIABLE_NAMES = ("after", "first", "id", "on", "rate", "amount", "category", "a")


def hostile_texts() -> st.SearchStrategy[str]:
    """Strings as an attacker writes them: lone surrogates, control and non-ASCII digits,
    base64 of garbage or of ids of the wrong type, very long ones."""
    return st.one_of(
        st.text(max_size=40),
        st.text(st.characters() | st.characters(categories=["Cs"]), max_size=20),  # surrogates
        st.sampled_from(["NaN", "-Infinity", "1e999999", "sNaN", "²", "١٢", "0x10", "+1", ""]),
        st.binary(max_size=30).map(lambda raw: base64.urlsafe_b64encode(raw).decode()),
        st.builds(
            lambda prefix, key: base64.urlsafe_b64encode(f"{prefix}:{key}".encode()).decode(),
            st.sampled_from(["cursor", "ExpenseReport", "Account", "", "cursor:cursor"]),
            st.one_of(st.text(max_size=25), st.integers().map(str)),
        ),
        st.integers(1, 10**6).map(lambda pk: encode_id("Journal", pk)),
        st.integers(1, 6000).map(lambda size: "9" * size),
    )


def json_values(strings: st.SearchStrategy[str] | None = None) -> st.SearchStrategy[Any]:
    leaves = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(10**120), 10**120),
        st.floats(allow_nan=False, allow_infinity=False),
        strings or hostile_texts(),
    )
    return st.recursive(
        leaves,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner),
        max_leaves=8,
    )


def operations() -> st.SearchStrategy[dict[str, Any]]:
    """Well-formed requests whose variables pass or nearly pass coercion, so that they reach
    the resolvers: hostile cursors and ids, Ints, Decimals (NaN, 1E+999999), dates."""
    ids = st.one_of(hostile_texts(), st.integers(1, 10**6).map(lambda pk: encode_id("Account", pk)))
    decimals = st.one_of(
        st.decimals(allow_nan=True, allow_infinity=True).map(str),
        st.sampled_from(["NaN", "-sNaN", "1E+999999", "1E-999999", "0.00001", "-1", "1e3"]),
        st.integers(-(10**40), 10**40),
        hostile_texts(),
    )
    valid_date = st.dates().map(dt.date.isoformat)
    dates = st.one_of(valid_date, valid_date, valid_date, hostile_texts())
    variables = st.fixed_dictionaries(
        {"id": ids, "category": ids, "on": dates, "rate": decimals},
        optional={
            "after": st.one_of(st.none(), hostile_texts()),
            "first": st.one_of(st.integers(-(2**40), 2**40), st.none()),
            "amount": decimals,
        },
    )
    return st.fixed_dictionaries({"query": st.sampled_from(DOCUMENTS), "variables": variables})


def nested(depth: int, leaf: str = "1") -> str:
    return "[" * depth + leaf + "]" * depth


def requests() -> st.SearchStrategy[dict[str, Any]]:
    """A request object: each parameter absent, of its type, or of any JSON type."""
    document = st.one_of(st.sampled_from(DOCUMENTS), st.text(max_size=60), json_values())
    variables = st.one_of(
        st.dictionaries(st.sampled_from(VARIABLE_NAMES), json_values(), max_size=4),
        json_values(),
    )
    persisted = st.fixed_dictionaries(
        {
            "persistedQuery": st.one_of(
                json_values(), st.fixed_dictionaries({"sha256Hash": json_values()})
            )
        }
    )
    return st.fixed_dictionaries(
        {},
        optional={
            "query": document,
            "variables": variables,
            "operationName": st.one_of(st.sampled_from(["Q", "R", "Missing"]), json_values()),
            "extensions": st.one_of(persisted, json_values()),
        },
    )


def bodies() -> st.SearchStrategy[bytes]:
    """POST bodies: request objects as JSON (surrogates escaped), any JSON, deep nesting,
    long numbers, bytes that are not UTF-8, JSON with one byte changed."""
    as_json = requests().map(lambda request: json.dumps(request).encode())
    return st.one_of(
        as_json,
        as_json,
        json_values().map(lambda value: json.dumps(value).encode()),
        st.integers(60, 3000).map(lambda depth: nested(depth).encode()),
        st.integers(60, 3000)
        .map(
            lambda depth: f'{{"query": "{{ __typename }}", "variables": {{"a": {nested(depth)}}}}}'
        )
        .map(str.encode),
        st.integers(90, 6000).map(
            lambda size: b'{"query": "{ __typename }", "x": ' + b"9" * size + b"}"
        ),
        st.binary(max_size=80),
        st.tuples(as_json, st.integers(0, 10**6), st.integers(0, 255)).map(_one_byte_changed),
        st.sampled_from([b"null", b"1", b'"x"', b"[]", b"NaN", b'{"query": "{ __typename }"} x']),
    )


def _one_byte_changed(case: tuple[bytes, int, int]) -> bytes:
    body, where, byte = case
    where %= max(len(body), 1)
    return body[:where] + bytes([byte]) + body[where + 1 :]


def query_strings() -> st.SearchStrategy[bytes]:
    """GET query strings: requests encoded, and raw or percent-encoded garbage."""
    encoded = requests().map(
        lambda request: urlencode(
            {
                name: value if isinstance(value, str) else json.dumps(value)
                for name, value in request.items()
            },
            errors="surrogatepass",  # a lone surrogate as the bytes that are not UTF-8
        ).encode()
    )
    garbage = st.binary(max_size=60).map(lambda raw: b"query=" + quote_from_bytes(raw).encode())
    return st.one_of(encoded, encoded, garbage, st.binary(max_size=60))


def header_values() -> st.SearchStrategy[bytes]:
    """Any bytes an ASGI server passes on (it has already refused CR, LF and NUL)."""
    return st.one_of(
        st.binary(max_size=200),
        st.text(max_size=40).map(lambda text: text.encode("utf-8", "surrogatepass")),
        st.just(b"a" * 20_000),
    ).map(lambda raw: raw.translate(None, b"\r\n\x00"))
