"""A fixture that records the documents graphql-core's validate() is called on (it still
runs): what a test needs to show that a document was, or was not, validated."""

from __future__ import annotations

from typing import Any

import graphql
import pytest
import strawberry.schema.schema as strawberry_schema


@pytest.fixture
def validations(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    seen: list[Any] = []
    validate = graphql.validate

    def counted(schema: Any, document: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(document)
        return validate(schema, document, *args, **kwargs)

    monkeypatch.setattr(strawberry_schema, "validate", counted)
    return seen
