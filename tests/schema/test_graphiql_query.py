"""GraphiQL's starting query (graphiql/static/graphiql-page.js) is valid against the schema: it
is the first thing a front-end developer runs, and a field that changes shape (`me`'s legal
entities became objects, issue 11) must not leave it failing validation."""

from __future__ import annotations

import json
import re
from pathlib import Path

from graphql import parse, validate

from schema import schema

PAGE = Path(__file__).resolve().parents[2] / "graphiql" / "static" / "graphiql-page.js"


def starting_query() -> str:
    """The lines of the STARTING_QUERY array, joined as the page joins them."""
    array = re.search(r"var STARTING_QUERY = \[(.*?)\]\.join", PAGE.read_text(), re.DOTALL)
    assert array, "STARTING_QUERY not found in graphiql-page.js"
    lines = re.findall(r"^\s*(\"(?:[^\"\\]|\\.)*\"|'[^']*'),?$", array.group(1), re.MULTILINE)
    return "\n".join(json.loads(line) if line[0] == '"' else line[1:-1] for line in lines)


def test_graphiqls_starting_query_is_valid_against_the_schema() -> None:
    document = starting_query()
    assert "query Me" in document and "me {" in document, document
    errors = validate(schema._schema, parse(document))
    assert not errors, [error.message for error in errors]
