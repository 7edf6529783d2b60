"""The schema: root types assembled from one module per domain, plus limits and caches."""

from __future__ import annotations

from collections.abc import Callable

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    MaxTokensLimiter,
    ParserCache,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from config import Settings, get_settings
from resolvers.context import AccessCheck, QueriesWithoutTransaction
from resolvers.extensions import MaskUnexpectedErrors, OperationMetrics
from schema.actuals import ActualsMutation, ActualsQuery
from schema.auth import AuthMutation
from schema.categories import CategoriesQuery
from schema.categories_mutations import CategoriesMutation
from schema.dimensions import DimensionsMutation, DimensionsQuery
from schema.document_rules import document_rules
from schema.events import Subscription
from schema.expenses import ExpensesMutation, ExpensesQuery
from schema.introspection import IntrospectionGate
from schema.jobs import JobsMutation, JobsQuery
from schema.journals import JournalsMutation, JournalsQuery
from schema.journals_posting import JournalPostingMutation
from schema.ledger import LedgerMutation, LedgerQuery
from schema.ledger_books import LedgerBooksQuery
from schema.ledger_subledger import ProjectSubledgerQuery
from schema.master_data import LegalEntity, MasterDataMutation, MasterDataQuery
from schema.operation_name import OperationNameRequired
from schema.parameters import ParametersMutation, ParametersQuery
from schema.prices import PricesMutation, PricesQuery
from schema.projects import ProjectsMutation, ProjectsQuery
from schema.rates import RatesMutation, RatesQuery
from schema.request_limits import RequestLimits
from schema.root import RootQuery
from schema.scalars import SCALARS
from schema.subscription_results import SharedEventResults
from schema.units import UnitsMutation, UnitsQuery
from schema.users import UsersMutation
from schema.vendor_invoices import VendorInvoicesMutation
from schema.vendor_invoices_queries import VendorInvoicesQuery
from schema.vendor_invoices_workflow import VendorInvoiceWorkflowMutation
from tracing import tracing_extensions


@strawberry.type(
    description="What can be read: lists are connections, paged forward with `first`/`after` "
    "or backward with `last`/`before`; any object is fetched by its global id (`node(id:)`). "
    "You see only the rows of your legal entities."
)
class Query(
    ExpensesQuery,
    ActualsQuery,
    JournalsQuery,
    RootQuery,
    MasterDataQuery,
    ParametersQuery,
    LedgerQuery,
    RatesQuery,
    CategoriesQuery,
    ProjectsQuery,
    UnitsQuery,
    PricesQuery,
    JobsQuery,
    VendorInvoicesQuery,
    DimensionsQuery,
    LedgerBooksQuery,
    ProjectSubledgerQuery,
):
    pass


@strawberry.type(
    description="What can be changed. Each mutation answers a payload: the changed object, and "
    "`errors` listing what was refused and why (an empty list when it succeeded)."
)
class Mutation(
    ExpensesMutation,
    ActualsMutation,
    JournalsMutation,
    JournalPostingMutation,
    MasterDataMutation,
    ParametersMutation,
    LedgerMutation,
    RatesMutation,
    CategoriesMutation,
    ProjectsMutation,
    UnitsMutation,
    PricesMutation,
    JobsMutation,
    VendorInvoicesMutation,
    VendorInvoiceWorkflowMutation,
    DimensionsMutation,
    AuthMutation,
    UsersMutation,
):
    pass


class Schema(strawberry.Schema):
    """Logs no error itself: expected ones (authentication, bad input, validation) are
    answered to the client; an unexpected one is logged once, with its traceback, error id
    and request id, by MaskUnexpectedErrors (strawberry's own logging here made it twice, the
    second a plain-text traceback without the id)."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        return None


def _limits(settings: Settings) -> Callable[[], AddValidationRules]:
    """The depth and alias limits as validation rules. Each limiter makes a new rule class
    when it is built, and the validation cache keys on the rule classes: limiters built per
    request made every request a cache miss. The classes are made once, here; each request
    still gets its own extension instance, because strawberry sets the request's execution
    context on the instance (one shared by concurrent requests would mix them up)."""
    rules = document_rules(settings.max_query_depth, settings.max_aliases)
    return lambda: AddValidationRules(rules)


def build_schema() -> strawberry.Schema:
    settings = get_settings()
    # Extensions are factories called per request. The parse and validation caches live at
    # module level in strawberry (keyed by maxsize), so fresh instances share them.
    return Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=[LegalEntity],
        config=StrawberryConfig(scalar_map=SCALARS),
        execution_context_class=SharedEventResults,
        extensions=[
            # Outermost: its operation hook ends last, when every error has its code.
            OperationMetrics,
            *tracing_extensions(settings),  # with an OTLP endpoint only
            # First of those with parse and execute hooks: its hooks refuse a document before
            # the validation cache validates it, and an operation before any other execute
            # hook or resolver runs.
            lambda: RequestLimits(settings),
            lambda: IntrospectionGate(settings),
            OperationNameRequired,
            lambda: ParserCache(maxsize=1000),
            lambda: ValidationCache(maxsize=1000),
            _limits(settings),
            lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
            MaskUnexpectedErrors,
            AccessCheck,
            QueriesWithoutTransaction,
        ],
    )


schema = build_schema()
