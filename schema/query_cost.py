"""The cost of an operation before it runs: the most nodes (objects) its answer can hold.

As GitHub's node limit counts it: each list multiplies what is below it by its bound, a list's
`first` (nested lists and connections alike: default and cap 100) or, for the few lists whose
length the domain fixes, the bound declared in BOUNDED_LISTS; every object field counts its
objects. `journals(first: 100) { nodes { lines(first: 100) { voucher { id } } } }` costs
1 + 100 + 100 x 100 + 100 x 100 = 20,101. Introspection is not counted (its size is the
schema's) and leaves (scalars, lists of them) hold no node. Both read paths refuse an operation
above MAX_QUERY_COST before any resolver or statement runs.
"""

from __future__ import annotations

from collections.abc import Mapping

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
    get_nullable_type,
    is_leaf_type,
    is_list_type,
)
from graphql.execution.values import VariableValues, get_argument_values

from db.models.categories import TransactionClass
from db.models.master_data import BillingType
from domain.ledger import MAX_MONTHS
from resolvers.pagination import DEFAULT_PAGE, MAX_PAGE
from schema.document_rules import is_introspection

CODE = "QUERY_TOO_COSTLY"
UNMEASURABLE = 2**63

# Lists of objects that take no `first`, and the most items one parent can have.
BOUNDED_LISTS: Mapping[str, int] = {
    "TransactionCategory.sharedCategories": len(TransactionClass),  # one per class (M2)
    "LegalEntityParameters.lineProperties": len(BillingType),  # one per billing type (M7)
    # One per currency; currencies are reference data (migration 0002), ISO 4217 has 180.
    "ExpenseReport.totals": 200,
    "Query.currencies": 200,
    # A voucher and a journal sequence per legal entity of the caller (M7).
    "Query.numberSequences": 2 * MAX_PAGE,
    # The root report of one legal entity, one line per account it posted to: nothing above
    # it multiplies it, and a trial balance is read whole or it does not balance.
    "TrialBalance.lines": 10 * MAX_PAGE,
    "LedgerPeriodsPayload.ledgerPeriods": MAX_MONTHS,  # what one call creates
}
# Lists of values (no node below them): each is one row's own, short by construction.
VALUE_LISTS: Mapping[str, str] = {
    "User.roles": "the user's roles, four at most",
    "VendorInvoiceLine.warnings": "the price warning and UNLINKED, two at most",
    "UserError.field": "the path of one input field",
}
# A mutation payload's `errors`: one per refused input field or item of one input.
PAYLOAD_ERRORS = MAX_PAGE


def list_bound(parent: str, field: str) -> int | None:
    """The declared bound of a list of objects without `first`, if it has one."""
    if field == "errors" and parent.endswith("Payload"):
        return PAYLOAD_ERRORS
    return BOUNDED_LISTS.get(f"{parent}.{field}")


def too_costly(cost: int, limit: int) -> GraphQLError:
    return GraphQLError(
        f"This operation may return {cost:,} nodes; at most {limit:,} are allowed."
        " Ask for fewer items ('first') or fewer nested lists.",
        extensions={"code": CODE, "cost": cost, "limit": limit},
    )


def operation_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: VariableValues | None,
) -> int:
    """The cost of the operation the request runs (0 when none is named: it fails anyway),
    with its coerced variables (None: the caps wherever a variable sets a `first`). Each
    fragment is costed once per connection `first` it is spread under."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    chosen = [o for o in operations if operation_name is None or _named(o, operation_name)]
    if len(chosen) != 1:
        return 0
    operation = chosen[0]
    root = schema.get_root_type(operation.operation)
    if root is None:
        return 0
    try:
        return _Cost(schema, document, variables).selection_set(root, operation.selection_set, None)
    except RecursionError:  # nested past what Python's stack can measure: past any limit
        return UNMEASURABLE


def _named(operation: OperationDefinitionNode, name: str) -> bool:
    return operation.name is not None and operation.name.value == name


class _Cost:
    def __init__(
        self, schema: GraphQLSchema, document: DocumentNode, variables: VariableValues | None
    ) -> None:
        self.schema, self.variables = schema, variables
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.known: dict[tuple[str, int | None], int] = {}
        self.open: set[str] = set()

    def selection_set(
        self, parent: GraphQLNamedType, selection_set: SelectionSetNode, page: int | None
    ) -> int:
        """The nodes below one object of `parent`; `page`: the `first` of the connection
        `parent` is, which bounds its lists (edges, nodes)."""
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self.field(parent, selection, page)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self.schema.get_type(condition.name.value) if condition else parent
                if inner is not None:
                    total += self.selection_set(inner, selection.selection_set, page)
            elif isinstance(selection, FragmentSpreadNode):
                total += self.fragment(selection.name.value, page)
        return total

    def fragment(self, name: str, page: int | None) -> int:
        key = (name, page)
        if key in self.known:
            return self.known[key]
        definition = self.fragments.get(name)
        on = self.schema.get_type(definition.type_condition.name.value) if definition else None
        if definition is None or on is None or name in self.open:
            return 0  # invalid: graphql-core's rules refuse the document
        self.open.add(name)
        self.known[key] = self.selection_set(on, definition.selection_set, page)
        self.open.discard(name)
        return self.known[key]

    def field(self, parent: GraphQLNamedType, node: FieldNode, page: int | None) -> int:
        if is_introspection(node) or node.selection_set is None:
            return 0
        if not isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            return 0
        definition = parent.fields.get(node.name.value)
        if definition is None or is_leaf_type(get_named_type(definition.type)):
            return 0
        first = self.first(definition, node)
        listed = is_list_type(get_nullable_type(definition.type))
        if listed:
            bound = first if first is not None else page
            if bound is None:
                bound = list_bound(parent.name, node.name.value) or MAX_PAGE
        else:
            bound = 1
        below_page = first if not listed else None  # a connection's `first` bounds its lists
        named = get_named_type(definition.type)
        return bound * (1 + self.selection_set(named, node.selection_set, below_page))

    def first(self, definition: GraphQLField, node: FieldNode) -> int | None:
        """The field's `first` as it will run, within 0..MAX_PAGE (a value outside is refused
        when the field runs: the cost need not count it); the cap when it cannot be read."""
        if "first" not in definition.args:
            return None
        try:
            given = get_argument_values(definition, node, self.variables)
        except GraphQLError:
            return MAX_PAGE
        # A connection's `last` reads as many rows as `first`; neither is its default page.
        value = given.get("first")
        if value is None and "last" in definition.args:
            value = given.get("last")
            value = DEFAULT_PAGE if value is None else value
        return min(max(value, 0), MAX_PAGE) if isinstance(value, int) else MAX_PAGE
