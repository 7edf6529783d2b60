"""The committed schema.graphql is what the code serves (clients and reviewers read the file)."""

from __future__ import annotations

import difflib

from config import PROJECT_ROOT
from schema import schema

SCHEMA_FILE = PROJECT_ROOT / "schema.graphql"
FIX = "run `make schema` and commit schema.graphql"


def test_committed_schema_matches_the_code() -> None:
    assert SCHEMA_FILE.exists(), f"schema.graphql is missing: {FIX}."
    committed = SCHEMA_FILE.read_text()
    printed = schema.as_str() + "\n"  # `print` in `cli.py print-schema` ends the file
    if committed != printed:
        diff = difflib.unified_diff(
            committed.splitlines(), printed.splitlines(), "schema.graphql", "code", lineterm=""
        )
        shown = "\n".join(list(diff)[:60])
        raise AssertionError(f"schema.graphql differs from the code: {FIX}.\n{shown}")
