"""The schema's validation: a repeated document is validated once (the validation cache hits),
and the depth and alias limits refuse a document every time it is sent."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from config import Settings
from tests.support.client import GraphQLClient
from tests.support.read_paths import reference
from tests.support.validations import validations
from tests.support.world import World
from tests.test_app import metric

__all__ = ["reference", "validations"]


def _unique(document: str) -> str:
    """The document under an operation name of its own: the validation cache lives as long as
    the process, and another test may have validated the same document already."""
    return document.replace("query ", f"query Probe{uuid.uuid4().hex} ", 1)


async def test_a_repeated_document_is_validated_once(
    reference: GraphQLClient, world: World, validations: list[Any]
) -> None:
    """On strawberry's path (the compiled path keeps its own cache of checked documents)."""
    document = _unique("query { me { id } }")
    for _ in range(3):
        assert await reference.data(document, token=world.tokens["admin"])
    assert len(validations) == 1

    await reference.data(_unique("query { me { id } }"), token=world.tokens["admin"])
    assert len(validations) == 2


def _over_the_limits(settings: Settings) -> dict[str, tuple[str, str]]:
    depth = settings.max_query_depth + 1
    aliases = " ".join(f"a{n}: __typename" for n in range(settings.max_aliases + 1))
    return {
        # No type nests that deep, so the fields are unknown too; the depth error is the point.
        "depth": (
            "query { " + "a { " * depth + "b" + " }" * depth + " }",
            f"exceeds maximum operation depth of {settings.max_query_depth}",
        ),
        "aliases": (f"query {{ {aliases} }}", f"{settings.max_aliases + 1} aliases found"),
    }


@pytest.mark.parametrize("limit", ["depth", "aliases"])
async def test_a_limit_refuses_a_repeated_document_every_time(
    limit: str, client: GraphQLClient, world: World, settings: Settings
) -> None:
    document, message = _over_the_limits(settings)[limit]
    document = _unique(document)
    counted = []
    for _ in range(2):
        before = await metric(client, "graphql_errors_total", code="GRAPHQL_VALIDATION_FAILED")
        body = await client.execute(document, token=world.tokens["admin"])
        assert body.get("data") is None
        refusals = [e for e in body["errors"] if message in e["message"]]
        assert [e["extensions"]["code"] for e in refusals] == ["GRAPHQL_VALIDATION_FAILED"]
        after = await metric(client, "graphql_errors_total", code="GRAPHQL_VALIDATION_FAILED")
        counted.append(after - before)
    # The second answer came from the cache, and its errors are counted all the same.
    assert counted[0] == counted[1] == len(body["errors"])
