"""Every GraphQL document README.md shows (its ```graphql blocks and inline `query { ... }`
spans) is one a front-end developer can paste: it validates against the schema and its cost
is within MAX_QUERY_COST. A renamed field, a changed input shape or an example that grew past
the limit (the vouchers example once cost 515,101 nodes) fails here, not in a reader's hands."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from graphql import DocumentNode, OperationDefinitionNode, parse, validate

from config import Settings
from schema import schema
from schema.query_cost import operation_cost

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()
BLOCKS = re.findall(r"```graphql\n(.*?)```", README, re.DOTALL)
INLINE = re.findall(r"`((?:query|mutation|subscription)\b[^`]*\{[^`]*|\{ [^`]*\})`", README)
# "<an id you copy from an earlier answer>" stands for a global id
PLACEHOLDER = re.compile(r'"<[^>]*>"')


def _operations() -> list[tuple[str, DocumentNode]]:
    operations = []
    for source in BLOCKS + INLINE:
        document = parse(PLACEHOLDER.sub('"RXhwZW5zZVJlcG9ydDox"', source))
        fragments = [d for d in document.definitions if not isinstance(d, OperationDefinitionNode)]
        for definition in document.definitions:
            if isinstance(definition, OperationDefinitionNode):
                one = DocumentNode(definitions=(definition, *fragments))
                operations.append((source.strip().splitlines()[0], one))
    return operations


OPERATIONS = _operations()


def test_the_readme_shows_the_documents_of_its_walk_throughs() -> None:
    # Expense report, vendor invoice, journal, books, subscriptions: dozens, not a handful.
    assert len(OPERATIONS) >= 40


@pytest.mark.parametrize(("first_line", "document"), OPERATIONS, ids=lambda v: str(v)[:60])
def test_a_readme_document_validates_and_is_not_too_costly(
    first_line: str, document: DocumentNode
) -> None:
    assert [error.message for error in validate(schema._schema, document)] == []
    cost = operation_cost(schema._schema, document, None, None)
    assert cost <= Settings().max_query_cost, first_line
