"""GraphQL object types of users, projects and tasks, each a Node usable with `node(id:)`."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry

from db.models import master_data as models
from domain.subledger import TotalsPeriod
from resolvers import ledger_subledger
from resolvers import projects as resolvers
from resolvers.context import Info
from resolvers.money import in_accounting_currency
from schema.master_data import LegalEntity
from schema.nested_lists import ALL, NestedFirst, nested_first
from schema.node import register_node
from schema.prices_types import PriceList
from schema.projects_totals import ProjectTotals, described_enum
from schema.relay import Node

BillingType = described_enum(
    models.BillingType,
    "BillingType",
    "How a project is billed to its customer.",
    {
        "TIME_AND_MATERIAL": "The customer pays for the work and expenses: chargeable expenses "
        "also become unbilled sales (E5).",
        "FIXED_PRICE": "The customer pays an agreed price: expenses are cost only.",
    },
)


Role = described_enum(
    models.Role,
    "Role",
    "What a user may do, in every legal entity they work in (docs/authorization.md).",
    {
        "EMPLOYEE": "Records their own expense reports and sees only those.",
        "PROJECT_MANAGER": "Manages projects: approves the expense and invoice lines of them.",
        "ACCOUNTANT": "Posts to the ledger: expense reports, journals, vendor invoices, periods.",
        "ADMIN": "May do anything the other roles may, and maintains master data.",
    },
)


@strawberry.type(description="A person who signs in; works in one or more legal entities.")
class User(Node):
    email: str = strawberry.field(description="The address the user signs in with; unique.")
    name: str = strawberry.field(description="The user's full name, as shown to others.")
    roles: list[Role] = strawberry.field(  # type: ignore[valid-type]
        description="What the user may do, in alphabetical order of the values' names."
    )

    @classmethod
    def from_row(cls, row: models.AppUser) -> User:
        roles = [models.Role(role) for role in sorted(row.roles)]
        return cls(pk=row.id, email=row.email, name=row.name, roles=roles)

    @strawberry.field(
        description="The legal entities the user works in, in code order: those among yours."
    )
    async def legal_entities(self, info: Info, first: NestedFirst = ALL) -> list[LegalEntity]:
        rows = await resolvers.legal_entities_of_user(info.context, self.pk, nested_first(first))
        return [LegalEntity.from_row(row) for row in rows]


@strawberry.type(description="A task of one project, in the project's legal entity (M1).")
class Task(Node):
    code: str = strawberry.field(description="Short code, unique in its project.")
    name: str = strawberry.field(description="What the task is.")
    project_pk: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: models.Task) -> Task:
        return cls(pk=row.id, code=row.code, name=row.name, project_pk=row.project_id)

    @strawberry.field(description="The project the task belongs to.")
    async def project(self, info: Info) -> Project | None:
        row = await resolvers.project(info.context, self.project_pk)
        return Project.from_row(row) if row is not None else None


@strawberry.type(description="A project of one legal entity, with its manager and tasks.")
class Project(Node):
    code: str = strawberry.field(description="Short code, unique in its legal entity.")
    name: str = strawberry.field(description="The project's name.")
    billing_type: BillingType = strawberry.field(  # type: ignore[valid-type]
        description="How the project is billed: decides whether expenses become unbilled sales."
    )
    currency_code: str = strawberry.field(
        description="The project's currency (ISO 4217); by default its legal entity's."
    )
    legal_entity_pk: strawberry.Private[int]
    manager_pk: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: models.Project) -> Project:
        return cls(
            pk=row.id,
            code=row.code,
            name=row.name,
            billing_type=models.BillingType(row.billing_type),
            currency_code=row.currency_code,
            legal_entity_pk=row.legal_entity_id,
            manager_pk=row.manager_user_id,
        )

    @strawberry.field(description="The legal entity the project belongs to.")
    async def legal_entity(self, info: Info) -> LegalEntity | None:
        row = await resolvers.legal_entity_of(info.context, self.legal_entity_pk)
        return LegalEntity.from_row(row) if row is not None else None

    @strawberry.field(
        description="The project manager, who approves its expense and invoice lines (E2, V6)."
    )
    async def manager(self, info: Info) -> User | None:
        row = await resolvers.manager_of(info.context, self.manager_pk)
        return User.from_row(row) if row is not None else None

    @strawberry.field(description="Its tasks, in code order.")
    async def tasks(self, info: Info, first: NestedFirst = ALL) -> list[Task]:
        rows = await resolvers.tasks_of(info.context, self.pk, nested_first(first))
        return [Task.from_row(row) for row in rows]

    @strawberry.field(description="Assigned lists; they win over the legal entity's defaults.")
    async def price_lists(self, info: Info, first: NestedFirst = ALL) -> list[PriceList]:
        rows = await resolvers.price_lists_of(info.context, self.pk, nested_first(first))
        return [PriceList.from_row(row) for row in rows]

    @strawberry.field(
        description="Its subledger per period: the sums of cost and of unbilled sales in "
        "accounting currency, in period order; empty without transactions (J5)."
    )
    async def totals(
        self,
        info: Info,
        from_date: Annotated[
            dt.date | None, strawberry.argument(description="From this accounting date on.")
        ] = None,
        to_date: Annotated[
            dt.date | None, strawberry.argument(description="Up to this accounting date.")
        ] = None,
        period: Annotated[
            TotalsPeriod, strawberry.argument(description="One row per month, year or all.")
        ] = TotalsPeriod.MONTH,
        first: NestedFirst = ALL,
    ) -> list[ProjectTotals]:
        limit = nested_first(first)  # the sums are one statement for every project: sliced
        rows = await ledger_subledger.totals_of(info.context, self.pk, from_date, to_date, period)
        entity = self.legal_entity_pk
        return [ProjectTotals(period_start=r.period_start,
                              cost=await in_accounting_currency(info.context, r.cost, entity),
                              unbilled_sales=await in_accounting_currency(
                                  info.context, r.unbilled_sales, entity))
                for r in rows[:limit]]  # fmt: skip


register_node("User", models.AppUser, User.from_row)
register_node("Project", models.Project, Project.from_row)
register_node("Task", models.Task, Task.from_row)
