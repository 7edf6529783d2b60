"""Plans are made once per document, operation name, roles and argument shape, and the cache
is bounded by count and by the size of the statements it keeps."""

from __future__ import annotations

import tracemalloc

import pytest

import compiler.sql
from compiler.plan import Planner
from config import Settings
from domain.actors import Actor
from schema import schema

REPORTS = "query R($first: Int!, $after: String) { expenseReports(first: $first, after: $after)"
ACCOUNTANT = Actor(user_id=1, roles=frozenset({"accountant"}), legal_entities=frozenset({"USPM"}))
EMPLOYEE = Actor(user_id=2, roles=frozenset({"employee"}), legal_entities=frozenset({"USPM"}))


def _query(fields: str) -> str:
    return f"{REPORTS} {{ nodes {{ {fields} }} }} }}"


def _deep(cycles: int, lines: str = "lines") -> str:
    """journals > nodes > (lines > journal) x cycles > id: 3 + 2 x cycles levels."""
    nested = f"{lines} {{ journal {{ " * cycles
    return "{ journals { nodes { " + nested + "id" + " } }" * cycles + " } } }"


def test_one_plan_serves_every_caller_of_the_same_roles_and_every_value(
    settings: Settings,
) -> None:
    planner = Planner(schema._schema, settings)
    first = planner.plan(_query("number"), "R", {"first": 5}, ACCOUNTANT)
    other = Actor(user_id=9, roles=ACCOUNTANT.roles, legal_entities=frozenset({"DEPM", "USPM"}))
    second = planner.plan(_query("number"), "R", {"first": 50}, other)
    assert first is not None and second is not None
    assert first.plan is second.plan and planner.cached[0] == 1
    assert first.parameters != second.parameters  # the caller and `first` are parameters
    # Other roles (employees see only their own reports), or an `after`, are other plans.
    assert planner.plan(_query("number"), "R", {"first": 5}, EMPLOYEE) is not None
    assert planner.plan(_query("number"), "R", {"first": 5, "after": "Y3Vyc29yOjE="}, other)
    assert planner.cached[0] == 3


def test_the_cache_is_bounded_by_count_and_by_bytes(settings: Settings) -> None:
    planner = Planner(schema._schema, settings, maxsize=3)
    fields = ["number", "status", "description", "currencyCode", "createdAt"]
    for name in fields:
        assert planner.plan(_query(name), "R", {"first": 1}, ACCOUNTANT) is not None
    assert planner.cached[0] == 3
    small = Planner(schema._schema, settings, max_bytes=1)
    assert small.plan(_query("number"), "R", {"first": 1}, ACCOUNTANT) is not None
    assert small.cached == (0, 0)


def test_what_strawberry_would_refuse_is_not_planned(settings: Settings) -> None:
    planner = Planner(schema._schema, settings)
    refused = [
        ("{ expenseReports(first: 0) { nodes { number } } }", {}),  # 'first' out of range
        ("{ expenseReports { nodes { nope } } }", {}),  # invalid
        (_query("number"), {"first": "five"}),  # a bad variable
        ('mutation { refreshToken(input: {refreshToken: "x"}) { accessToken } }', {}),
        (_deep(7), {}),  # deeper than MAX_QUERY_DEPTH
    ]
    # 11 levels, and few nodes: each journal's first line only.
    assert planner.plan(_deep(4, "lines(first: 1)"), None, {}, ACCOUNTANT) is not None
    for document, variables in refused:
        assert planner.plan(document, None, variables, ACCOUNTANT) is None, document


def test_me_binds_the_caller_whatever_it_selects(settings: Settings) -> None:
    """`me` is the caller's user row: every selection plans, bound to what it uses (a parameter
    the statement does not use would have no type)."""
    planner = Planner(schema._schema, settings)
    for fields in ("id", "roles", "legalEntities { code } __typename", "id roles email"):
        request = planner.plan(f"{{ me {{ {fields} }} }}", None, {}, ACCOUNTANT)
        assert request is not None
        # The caller's id and legal entities; the list's `first` too when it is selected.
        assert len(request.parameters) == (3 if "legalEntities" in fields else 2), fields


def test_a_statement_past_max_subqueries_is_left_to_strawberry(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The number of subqueries bounds a statement's size and the work of planning it (the
    validation limits count aliases through fragments, so this is the backstop)."""
    document = _query("lines { category { code } project { code tasks(first: 10) { code } } }")
    assert Planner(schema._schema, settings).plan(document, "R", {"first": 5}, ACCOUNTANT)
    monkeypatch.setattr(compiler.sql, "MAX_SUBQUERIES", 4)
    assert Planner(schema._schema, settings).plan(document, "R", {"first": 5}, ACCOUNTANT) is None


def test_the_caches_keep_no_copy_of_a_documents_text(settings: Settings) -> None:
    """Whitespace counts for no token: a valid document may be megabytes of text. The caches
    keep its digest and tree, never the text (availability: bounded memory)."""
    planner = Planner(schema._schema, settings)
    padding = " " * (2 * 1024 * 1024)
    tracemalloc.start()
    try:
        for n in range(5):
            document = f"query Q{n} {{ me {{ id }} }}{padding}"
            assert planner.plan(document, None, {}, ACCOUNTANT) is not None
            del document
        kept, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert kept < 2 * 1024 * 1024, kept  # less than one document's text
