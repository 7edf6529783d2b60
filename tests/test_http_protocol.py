"""Automatic persisted queries (for callers with a token, bounded by bytes), the
GraphQL-over-HTTP response media type, and the HTTP refusals: 413, 415, 405 with Allow."""

from __future__ import annotations

import hashlib
import json

import pytest

from http_protocol import MAX_BODY_BYTES
from persisted_queries import PersistedQueryStore
from schema.relay import encode_id
from tests.support.client import GraphQLClient
from tests.support.counter import StatementCounter
from tests.support.world import World

QUERY = "{ legalEntities { nodes { code } } }"
DIGEST = hashlib.sha256(QUERY.encode()).hexdigest()
PERSISTED = {"persistedQuery": {"version": 1, "sha256Hash": DIGEST}}


async def _post(
    client: GraphQLClient, world: World, body: dict[str, object], user: str | None = "manager"
) -> dict[str, object]:
    token = {"Authorization": f"Bearer {world.tokens[user]}"} if user else {}
    response = await client.http.post("/graphql", json=body, headers=token)
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


async def test_only_a_caller_with_a_token_adds_documents_or_is_answered_from_them(
    client: GraphQLClient, world: World
) -> None:
    """Anonymous: the document runs, as any other, and is not remembered; a hash alone is
    not found, even for a document another caller registered (no one learns what others
    sent). The signed-in caller's copy is answered to signed-in callers only."""
    anonymous = await _post(client, world, {"query": QUERY, "extensions": PERSISTED}, user=None)
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"  # type: ignore[index]
    after_anonymous = await _post(client, world, {"extensions": PERSISTED})
    assert "PERSISTED_QUERY_NOT_FOUND" in str(after_anonymous)
    await _post(client, world, {"query": QUERY, "extensions": PERSISTED})
    by_hash = await _post(client, world, {"extensions": PERSISTED}, user="admin")
    assert by_hash == {"data": {"legalEntities": {"nodes": [{"code": "USPM"}, {"code": "DEPM"}]}}}
    hidden = await _post(client, world, {"extensions": PERSISTED}, user=None)
    assert "PERSISTED_QUERY_NOT_FOUND" in str(hidden)
    forged = {"Authorization": "Bearer x.y.z"}
    body = {"extensions": PERSISTED}
    assert (
        "PERSISTED_QUERY_NOT_FOUND"
        in (await client.http.post("/graphql", json=body, headers=forged)).text
    )


def test_the_store_is_bounded_by_bytes_and_count_least_recently_used_first() -> None:
    store = PersistedQueryStore(max_documents=3, max_bytes=3000)
    documents = [f"{{ __typename }} # {n} {'x' * 900}" for n in range(4)]

    def request(document: str, with_document: bool = True) -> dict[str, object]:
        digest = hashlib.sha256(document.encode()).hexdigest()
        persisted: dict[str, object] = {
            "extensions": {"persistedQuery": {"version": 1, "sha256Hash": digest}}
        }
        return {**persisted, "query": document} if with_document else persisted

    for document in documents[:3]:
        store.resolve(request(document), authenticated=True)
    store.resolve(request(documents[0], False), authenticated=True)  # used now
    store.resolve(request(documents[3]), authenticated=True)  # 4 x 920 bytes > 3000
    assert len(store) == 3 and store.size <= 3000
    assert store.resolve(request(documents[0], False), authenticated=True)["query"]
    with pytest.raises(Exception, match="PersistedQueryNotFound"):
        store.resolve(request(documents[1], False), authenticated=True)  # least recently used
    too_large = PersistedQueryStore(max_bytes=100)
    too_large.resolve(request(documents[0]), authenticated=True)
    assert len(too_large) == 0 and too_large.size == 0


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
    query = "{ me { id } }" + " " * MAX_BODY_BYTES
    response = await client.http.post(
        "/graphql",
        json={"query": query},
        headers={"Authorization": f"Bearer {world.tokens['admin']}"},
    )
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    small = await client.data("{ me { id } }", token=world.tokens["admin"])
    assert small["me"]["id"] == encode_id("User", world.users["admin"].id)


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"])
async def test_other_methods_are_405_with_allow(client: GraphQLClient, method: str) -> None:
    response = await client.http.request(method, "/graphql")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"
    if method != "HEAD":
        assert response.json()["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"


async def test_a_mutation_over_get_is_405_allowing_post(
    client: GraphQLClient, world: World
) -> None:
    token = {"Authorization": f"Bearer {world.tokens['admin']}"}
    document = 'mutation { deleteJournal(input: {id: "x"}) { errors { code } } }'
    response = await client.http.get("/graphql", params={"query": document}, headers=token)
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert response.json()["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"


async def test_a_subscription_over_http_is_refused_not_run(
    client: GraphQLClient, world: World
) -> None:
    """graphql-core would run it as a query and fail completing its event stream (it was a
    masked internal error)."""
    token = {"Authorization": f"Bearer {world.tokens['admin']}"}
    document = {"query": "subscription { journalStatusChanges { id } }"}
    posted = await client.http.post("/graphql", json=document, headers=token)
    got = await client.http.get("/graphql", params=document, headers=token)
    for response in (posted, got):
        assert response.status_code == 400
        assert "x-read-path" not in response.headers  # the compiled path left it to strawberry
        assert response.json() == {
            "errors": [
                {
                    "message": "Subscriptions are served over WebSocket (graphql-transport-ws).",
                    "extensions": {"code": "BAD_REQUEST"},
                }
            ]
        }


@pytest.mark.parametrize("content_type", ["text/plain", "multipart/form-data", ""])
async def test_a_body_that_is_not_json_is_415(client: GraphQLClient, content_type: str) -> None:
    body = json.dumps({"query": QUERY})
    response = await client.http.post(
        "/graphql", content=body, headers={"Content-Type": content_type}
    )
    assert response.status_code == 415
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


SEVERAL = "query Typename { __typename } query Entities { legalEntities { nodes { code } } }"
SEVERAL_UNNAMED = (
    "The document has several operations (or none): name the one to run in `operationName`."
)


@pytest.mark.parametrize("user", ["admin", None])
async def test_which_operation_to_run_is_the_requests_to_say(
    client: GraphQLClient, world: World, user: str | None
) -> None:
    """GraphQL over HTTP: several operations and no `operationName`, or a name the document
    does not have, is a request error (with a token the compiled path sees it first, and
    leaves it to strawberry)."""
    headers = {"Authorization": f"Bearer {world.tokens[user]}"} if user else {}
    unnamed = await client.http.post("/graphql", json={"query": SEVERAL}, headers=headers)
    got = await client.http.get("/graphql", params={"query": SEVERAL}, headers=headers)
    unknown = await client.http.post(
        "/graphql", json={"query": SEVERAL, "operationName": "Nope"}, headers=headers
    )
    expected = [
        (unnamed, SEVERAL_UNNAMED),
        (got, SEVERAL_UNNAMED),
        (unknown, "The document has no operation named 'Nope'."),
    ]
    for response, message in expected:
        assert response.status_code == 400
        assert response.headers["content-type"] == "application/json"
        assert response.json() == {
            "errors": [{"message": message, "extensions": {"code": "BAD_REQUEST"}}]
        }
        assert "x-read-path" not in response.headers
    if user is not None:
        named = await client.http.post(
            "/graphql", json={"query": SEVERAL, "operationName": "Entities"}, headers=headers
        )
        assert named.json() == {
            "data": {"legalEntities": {"nodes": [{"code": "USPM"}, {"code": "DEPM"}]}}
        }
        assert named.headers["x-read-path"] == "compiled"


async def test_paths_and_methods_no_route_serves_are_json_errors(client: GraphQLClient) -> None:
    missing = await client.http.get("/nowhere")
    assert missing.status_code == 404
    assert missing.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    posted = await client.http.post("/healthz")
    assert posted.status_code == 405
    assert set(posted.headers["allow"].split(", ")) == {"GET", "HEAD"}
    assert posted.json()["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"
