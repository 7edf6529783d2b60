"""Automatic persisted queries and the GraphQL-over-HTTP response media type, over HTTP."""

from __future__ import annotations

import hashlib

from http_protocol import MAX_BODY_BYTES
from tests.support.client import GraphQLClient
from tests.support.counter import StatementCounter
from tests.support.world import World

QUERY = "{ legalEntities { nodes { code } } }"
DIGEST = hashlib.sha256(QUERY.encode()).hexdigest()
PERSISTED = {"persistedQuery": {"version": 1, "sha256Hash": DIGEST}}


async def _post(client: GraphQLClient, world: World, body: dict[str, object]) -> dict[str, object]:
    response = await client.http.post(
        "/graphql", json=body, headers={"Authorization": f"Bearer {world.tokens['manager']}"}
    )
    assert response.status_code == 200
    result: dict[str, object] = response.json()
    return result


async def test_a_hash_alone_works_once_the_document_was_sent_with_it(
    client: GraphQLClient, world: World, statements: StatementCounter
) -> None:
    unknown = await _post(client, world, {"extensions": PERSISTED})
    assert unknown == {
        "errors": [
            {
                "message": "PersistedQueryNotFound",
                "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"},
            }
        ]
    }
    assert statements.count == 0
    registered = await _post(client, world, {"query": QUERY, "extensions": PERSISTED})
    by_hash = await _post(client, world, {"extensions": PERSISTED})
    expected = {"data": {"legalEntities": {"nodes": [{"code": "USPM"}]}}}
    assert registered == by_hash == expected


async def test_a_hash_that_does_not_match_its_document_is_refused(
    client: GraphQLClient, world: World
) -> None:
    wrong = {"persistedQuery": {"version": 1, "sha256Hash": "0" * 64}}
    refused = await _post(client, world, {"query": QUERY, "extensions": wrong})
    assert refused["errors"] == [
        {"message": "provided sha does not match query", "extensions": {"code": "BAD_USER_INPUT"}}
    ]
    later = await _post(client, world, {"extensions": wrong})
    assert "PERSISTED_QUERY_NOT_FOUND" in str(later)  # nothing was remembered


async def test_graphql_response_media_type_when_asked_for(
    client: GraphQLClient, world: World
) -> None:
    token = {"Authorization": f"Bearer {world.tokens['manager']}"}
    asked = await client.http.post(
        "/graphql",
        json={"query": QUERY},
        headers={**token, "Accept": "application/graphql-response+json, application/json"},
    )
    plain = await client.http.post("/graphql", json={"query": QUERY}, headers=token)
    assert asked.headers["content-type"].startswith("application/graphql-response+json")
    assert plain.headers["content-type"].startswith("application/json")
    assert asked.json() == plain.json()


async def test_hashed_queries_over_get(client: GraphQLClient, world: World) -> None:
    import json

    token = {"Authorization": f"Bearer {world.tokens['manager']}"}
    params = {"extensions": json.dumps(PERSISTED)}
    unknown = await client.http.get("/graphql", params=params, headers=token)
    assert unknown.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    await _post(client, world, {"query": QUERY, "extensions": PERSISTED})
    known = await client.http.get("/graphql", params=params, headers=token)
    assert known.json() == {"data": {"legalEntities": {"nodes": [{"code": "USPM"}]}}}


async def test_request_errors_are_400_without_data_in_graphql_response_json(
    client: GraphQLClient, world: World
) -> None:
    headers = {
        "Authorization": f"Bearer {world.tokens['manager']}",
        "Accept": "application/graphql-response+json",
    }
    invalid = await client.http.post("/graphql", json={"query": "{ nope }"}, headers=headers)
    assert invalid.status_code == 400 and "data" not in invalid.json()
    assert invalid.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    unauthenticated = await client.http.post(
        "/graphql", json={"query": QUERY}, headers={"Accept": headers["Accept"]}
    )
    assert unauthenticated.status_code == 200  # an execution error keeps its `data`
    assert "data" in unauthenticated.json()


async def test_a_body_over_the_limit_is_refused_before_it_is_read_whole(
    client: GraphQLClient, world: World
) -> None:
    query = "{ me { userId } }" + " " * MAX_BODY_BYTES
    response = await client.http.post(
        "/graphql",
        json={"query": query},
        headers={"Authorization": f"Bearer {world.tokens['admin']}"},
    )
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    small = await client.data("{ me { userId } }", token=world.tokens["admin"])
    assert small["me"]["userId"] == str(world.users["admin"].id)
