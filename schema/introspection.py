"""Schema introspection, refused where it is off (INTROSPECTION, by default in production):
a client of a production server reads the schema from the published schema.graphql.

The compiled read path plans no introspection field (compiler/plan.py's ROOTS has none), so
every introspection request reaches this extension, whichever path would have read it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from graphql import GraphQLError, NoSchemaIntrospectionCustomRule, validate
from strawberry.extensions import SchemaExtension

from config import Settings
from observability import ERRORS
from resolvers.context import Context

INTROSPECTION_DISABLED = "INTROSPECTION_DISABLED"
MENTIONS = re.compile(r"__(schema|type)\b")


class IntrospectionGate(SchemaExtension):
    """Refuses a document that selects `__schema` or `__type` before it is validated or run
    (`__typename` is not introspection: clients need it for unions and caching)."""

    def __init__(self, settings: Settings) -> None:
        self.defaults = settings

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        app_context = context.context
        # The app's settings (an app may be built with its own), else the process's.
        settings = app_context.settings if isinstance(app_context, Context) else self.defaults
        document = context.graphql_document
        # Only a document that names an introspection field is walked (`__typename` is not
        # one); the walk with type information costs as much as a validation rule.
        named = context.query is None or MENTIONS.search(context.query) is not None
        if not settings.introspection_enabled and document is not None and named:
            found = validate(context.schema._schema, document, [NoSchemaIntrospectionCustomRule])
            if found:
                ERRORS.labels(code=INTROSPECTION_DISABLED).inc()
                raise GraphQLError(
                    f"{found[0].message} The schema is published as schema.graphql; the"
                    " server's INTROSPECTION setting turns introspection on.",
                    found[0].nodes,
                    extensions={"code": INTROSPECTION_DISABLED},
                )
        yield
