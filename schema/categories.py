"""Categories (M2): the queries. Object types are in categories_types.py, the mutations in
categories_mutations.py, their inputs in categories_inputs.py."""

from __future__ import annotations

from typing import Annotated

import strawberry

from resolvers import categories as resolvers
from resolvers.context import Info
from schema.categories_types import (
    ExpenseCategory,
    ProjectCategory,
    TransactionCategory,
)
from schema.orders import OrderBy, order_argument
from schema.pages import After, Before, First, Last, order_of, to_connection, window
from schema.relay import Connection


@strawberry.type
class CategoriesQuery:
    @strawberry.field(description="Global transaction categories, optionally by code.")
    async def transaction_categories(
        self,
        info: Info,
        code: Annotated[
            str | None,
            strawberry.argument(description="Only the category with this code (exact match)."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        order_by: Annotated[OrderBy | None, order_argument("TransactionCategory")] = None,
    ) -> Connection[TransactionCategory]:
        page = await resolvers.transaction_categories(
            info.context,
            window=window("TransactionCategory", first, after, last, before, order_of(order_by)),
            code=code,
        )
        return to_connection(page.map(TransactionCategory.from_row))

    @strawberry.field(description="Expense categories of your legal entities.")
    async def expense_categories(
        self,
        info: Info,
        legal_entity: Annotated[
            str | None,
            strawberry.argument(
                description="Code of a legal entity (e.g. USMF): only its categories."
            ),
        ] = None,
        usable_in_expense: Annotated[
            bool | None,
            strawberry.argument(
                description="true: only categories whose shared category may be used in expenses; "
                "false: only the others."
            ),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        order_by: Annotated[OrderBy | None, order_argument("ExpenseCategory")] = None,
    ) -> Connection[ExpenseCategory]:
        page = await resolvers.expense_categories(
            info.context,
            window=window("ExpenseCategory", first, after, last, before, order_of(order_by)),
            legal_entity=legal_entity,
            usable_in_expense=usable_in_expense,
        )
        return to_connection(page.map(ExpenseCategory.from_row))

    @strawberry.field(description="Project categories of your legal entities.")
    async def project_categories(
        self,
        info: Info,
        legal_entity: Annotated[
            str | None,
            strawberry.argument(
                description="Code of a legal entity (e.g. USMF): only its categories."
            ),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        order_by: Annotated[OrderBy | None, order_argument("ProjectCategory")] = None,
    ) -> Connection[ProjectCategory]:
        page = await resolvers.project_categories(
            info.context,
            window=window("ProjectCategory", first, after, last, before, order_of(order_by)),
            legal_entity=legal_entity,
        )
        return to_connection(page.map(ProjectCategory.from_row))
