"""Fuzz (issue 12, points 6 and 8): random and malformed requests to /graphql (bodies, query
strings, headers, methods, variables, cursors, global ids), anonymous or with a token, answer
a JSON body whose every error has an `extensions.code`, never a 5xx, never
INTERNAL_SERVER_ERROR, and write nothing. Bounded: EXAMPLES cases per test, drawn the same way
every run (derandomized), a few seconds each."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

import pytest
from hypothesis import strategies as st
from prometheus_client import REGISTRY
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.types import ASGIApp

from config import Settings
from resolvers.auth import mint_token
from tests.support.fuzz_checks import Tally, app, fuzz, problems, send_raw, table_digest
from tests.support.fuzz_requests import bodies, header_values, operations, query_strings
from tests.support.world import World

EXAMPLES = 400
METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "P\xd6ST")
CONTENT_TYPES = (b"application/json", b"application/json; charset=utf-8", b"text/plain", b"")
ACCEPTS = (b"application/json", b"application/graphql-response+json", b"text/html", b"*/*")
__all__ = ["app"]  # a fixture
TALLIES: dict[str, Tally] = {}  # what each test ran and found, printed with `pytest -s`
# The strategies' repr (hypothesis builds it for its reports) is long: nothing to act on.
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")


@pytest.fixture
def authorizations(world: World, settings: Settings) -> list[bytes | None]:
    """No header, valid tokens of several roles, an expired one, and garbage."""
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=400)
    expired = mint_token(
        settings,
        user_id=1,
        session_id=uuid.uuid4(),
        roles=["admin"],
        legal_entities=[],
        now=long_ago,
    )
    tokens = [world.tokens[user] for user in ("admin", "employee", "manager", "outsider")]
    signed = [f"Bearer {token}".encode() for token in [*tokens, expired]]
    return [None, *signed, b"Bearer x.y.z", b"Basic dXNlcg=="]


def _headers(*pairs: tuple[bytes, bytes | None]) -> list[tuple[bytes, bytes]]:
    return [(name, value) for name, value in pairs if value is not None]


async def _run(
    name: str, session: AsyncSession, strategy: st.SearchStrategy[Any], ask: Any
) -> None:
    before, failed = await table_digest(session), _compiled_failures()
    tally = TALLIES[name] = await fuzz(strategy, ask, EXAMPLES)
    print(f"\n{name}: {tally.report()}")
    assert not tally.found, tally.report()
    assert await table_digest(session) == before, "a refused request wrote"
    assert _compiled_failures() == failed, "the compiled read path failed (compiled_read_failed)"


def _compiled_failures() -> float:
    """Requests the compiled read path failed on (strawberry then answered them)."""
    labels = {"reason": "failed"}
    return REGISTRY.get_sample_value("projops_read_fallbacks_total", labels) or 0.0


async def test_fuzzed_post_bodies_are_json_errors_and_write_nothing(
    app: ASGIApp, session: AsyncSession, authorizations: list[bytes | None]
) -> None:
    cases = st.tuples(
        bodies(),
        st.sampled_from(CONTENT_TYPES),
        st.sampled_from(authorizations),
        st.sampled_from(ACCEPTS),
    )

    async def ask(case: tuple[bytes, bytes, bytes | None, bytes]) -> list[str]:
        body, content_type, authorization, accept = case
        headers = _headers(
            (b"content-type", content_type), (b"authorization", authorization), (b"accept", accept)
        )
        return problems(await send_raw(app, "POST", headers=headers, body=body))

    await _run("post bodies", session, cases, ask)


async def test_fuzzed_get_query_strings_are_json_errors_and_write_nothing(
    app: ASGIApp, session: AsyncSession, authorizations: list[bytes | None]
) -> None:
    cases = st.tuples(query_strings(), st.sampled_from(authorizations), st.sampled_from(ACCEPTS))

    async def ask(case: tuple[bytes, bytes | None, bytes]) -> list[str]:
        query_string, authorization, accept = case
        headers = _headers((b"authorization", authorization), (b"accept", accept))
        return problems(await send_raw(app, "GET", query_string, headers))

    await _run("get query strings", session, cases, ask)


async def test_fuzzed_headers_and_methods_are_json_errors_and_write_nothing(
    app: ASGIApp, session: AsyncSession, authorizations: list[bytes | None]
) -> None:
    body = json.dumps({"query": "{ me { id } }"}).encode()
    cases = st.tuples(
        st.sampled_from(METHODS),
        header_values(),  # X-Request-Id
        st.one_of(st.sampled_from(authorizations), header_values()),
        st.one_of(st.sampled_from(CONTENT_TYPES), header_values()),
        st.one_of(st.sampled_from(ACCEPTS), header_values()),
    )

    async def ask(case: tuple[str, bytes, bytes | None, bytes, bytes]) -> list[str]:
        method, request_id, authorization, content_type, accept = case
        headers = _headers(
            (b"x-request-id", request_id),
            (b"authorization", authorization),
            (b"content-type", content_type),
            (b"accept", accept),
        )
        answer = await send_raw(app, method, b"query=%7B__typename%7D", headers, body)
        return problems(answer, method)

    await _run("headers and methods", session, cases, ask)


async def test_fuzzed_variables_cursors_and_ids_are_refused_with_a_code_and_write_nothing(
    app: ASGIApp, session: AsyncSession, authorizations: list[bytes | None]
) -> None:
    """Well-formed JSON requests whose documents and variables reach validation, coercion
    and the resolvers: cursors, global ids, Int, Decimal and Date of every kind."""
    cases = st.tuples(operations(), st.sampled_from(authorizations))

    async def ask(case: tuple[dict[str, Any], bytes | None]) -> list[str]:
        request, authorization = case
        headers = _headers(
            (b"content-type", b"application/json"), (b"authorization", authorization)
        )
        return problems(
            await send_raw(app, "POST", headers=headers, body=json.dumps(request).encode())
        )

    await _run("variables, cursors and ids", session, cases, ask)
