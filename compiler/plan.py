"""Plans: a query operation as one SQL statement, cached by document, operation name, the
caller's scope shape (roles) and the shape of the root fields' arguments.

`Planner.plan` answers None whenever the reference path must answer instead: a document that
does not parse or validate (under the same limits as strawberry), variables or arguments the
reference path would refuse, a mutation or subscription, anything not in the catalog.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLObjectType,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    get_operation_ast,
    parse,
    specified_rules,
    validate,
)
from graphql.execution.values import get_argument_values, get_variable_values

import compiler.actuals
import compiler.categories
import compiler.dimensions
import compiler.expenses
import compiler.expenses_roots
import compiler.jobs
import compiler.journals
import compiler.journals_roots
import compiler.ledger
import compiler.ledger_books
import compiler.ledger_subledger
import compiler.ledger_trial_balance
import compiler.master_data
import compiler.parameters
import compiler.parameters_accounts
import compiler.prices
import compiler.projects
import compiler.projects_users
import compiler.rates
import compiler.units
import compiler.vendor_invoices
import compiler.vendor_invoices_roots  # noqa: F401  (each registers its types or roots)
from compiler.roots import ROOTS
from compiler.selection import MAX_KEYS, Selection
from compiler.sql import Binding, Getter, Statement, Unsupported
from config import Settings
from domain.actors import Actor
from domain.errors import DomainError
from schema.document_rules import document_rules, selection_count
from schema.query_cost import operation_cost
from schema.request_limits import too_many_selections


@dataclass(frozen=True)
class Plan:
    sql: str
    getters: tuple[Getter, ...]

    def parameters(self, binding: Binding) -> list[Any]:
        return [getter(binding) for getter in self.getters]


@dataclass(frozen=True)
class Request:
    """A planned request: the statement and its parameters for this caller."""

    plan: Plan
    parameters: list[Any]
    operation_name: str


_FALLBACK = Plan("", ())


class Planner:
    def __init__(
        self,
        schema: GraphQLSchema,
        settings: Settings,
        maxsize: int = 1000,
        max_bytes: int = 32 * 1024 * 1024,
    ) -> None:
        self.schema = schema
        self.maxsize = maxsize
        # Plans are bounded by their statements' size too: a deep plan is tens of kilobytes.
        self.max_bytes = max_bytes
        self._bytes = 0
        self.rules = [
            *specified_rules,
            *document_rules(settings.max_query_depth, settings.max_aliases),
        ]
        self.max_selections = settings.max_query_selections
        self.max_cost = settings.max_query_cost
        self._plans: OrderedDict[Hashable, Plan] = OrderedDict()
        self.max_tokens = settings.max_tokens
        # Checked documents by digest, without their text (whitespace and comments count for
        # no token, so a document's text may be far larger than its tree).
        self._documents: OrderedDict[bytes, DocumentNode | None] = OrderedDict()

    def plan(
        self, text: str, operation_name: str | None, variables: dict[str, Any], actor: Actor
    ) -> Request | None:
        digest = hashlib.sha256(text.encode()).digest()
        document = self._checked(digest, text)
        if document is None:
            return None
        operation = get_operation_ast(document, operation_name)
        if operation is None or operation.operation != OperationType.QUERY:
            return None
        coerced = get_variable_values(self.schema, operation.variable_definitions or (), variables)
        if isinstance(coerced, list):
            return None
        if operation_cost(self.schema, document, operation_name, coerced) > self.max_cost:
            return None  # strawberry answers QUERY_TOO_COSTLY
        try:
            return self._request(digest, document, operation, coerced, actor)
        except (DomainError, GraphQLError, Unsupported):
            return None

    def _checked(self, digest: bytes, text: str) -> DocumentNode | None:
        """The parsed document if it is valid under strawberry's rules and limits, else None."""
        if digest in self._documents:
            self._documents.move_to_end(digest)
            return self._documents[digest]
        try:
            document: DocumentNode | None = parse(
                text, no_location=True, max_tokens=self.max_tokens
            )
        except GraphQLError:
            document = None
        if document is not None and too_many_selections(
            selection_count(document), self.max_selections
        ):
            document = None  # refused before validation, as strawberry refuses it
        if document is not None and validate(self.schema, document, self.rules):
            document = None
        self._documents[digest] = document
        while len(self._documents) > self.maxsize:
            self._documents.popitem(last=False)
        return document

    def _request(
        self,
        digest: bytes,
        document: DocumentNode,
        operation: OperationDefinitionNode,
        variables: Any,
        actor: Actor,
    ) -> Request | None:
        selection = Selection(self.schema, _fragments(document), Statement(actor.roles))
        query = self.schema.query_type
        assert isinstance(query, GraphQLObjectType)
        fields: dict[str, list[FieldNode]] = {}
        selection.collect_into(query, operation.selection_set, fields)
        prepared: dict[str, Any] = {}
        for response_key, nodes in fields.items():
            field_name = nodes[0].name.value
            root = ROOTS.get(field_name)
            if root is None:
                return None
            definition = query.fields.get(field_name)
            arguments = get_argument_values(definition, nodes[0], variables) if definition else {}
            prepared[response_key] = root.prepare(arguments, actor)
        operation_name = operation.name.value if operation.name else None
        shapes = tuple((k, p.shape) for k, p in prepared.items())
        key = (digest, operation_name, actor.roles, shapes)
        plan = self._plans.get(key)
        if plan is None:
            plan = self._build(selection, fields, prepared)
            self._remember(key, plan)
        else:
            self._plans.move_to_end(key)
        if plan is _FALLBACK:
            return None
        binding = Binding(actor, prepared, variables)
        return Request(plan, plan.parameters(binding), operation_name or "anonymous")

    def _build(
        self, selection: Selection, fields: dict[str, list[FieldNode]], prepared: dict[str, Any]
    ) -> Plan:
        try:
            pairs = [
                f"'{key}', {ROOTS[nodes[0].name.value].sql(selection, key, nodes, prepared[key])}"
                for key, nodes in fields.items()
            ]
        except Unsupported:
            return _FALLBACK
        if len(pairs) > MAX_KEYS:
            return _FALLBACK
        # As UTF-8 bytes (bytea): the driver hands them over as they arrive, undecoded.
        sql = f"SELECT convert_to(json_build_object({', '.join(pairs)})::text, 'UTF8')"
        return Plan(sql, tuple(selection.statement.getters))

    def _remember(self, key: Hashable, plan: Plan) -> None:
        self._plans[key] = plan
        self._bytes += len(plan.sql)
        while len(self._plans) > self.maxsize or self._bytes > self.max_bytes:
            _, dropped = self._plans.popitem(last=False)
            self._bytes -= len(dropped.sql)

    @property
    def cached(self) -> tuple[int, int]:
        """How many plans are kept, and the size of their statements."""
        return len(self._plans), self._bytes


def _fragments(document: DocumentNode) -> dict[str, FragmentDefinitionNode]:
    return {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
