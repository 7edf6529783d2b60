"""SQL of price lists and their lines (M4), `priceLists`, and the price lists assigned to a
project (`Project.priceLists`, added to the Project type of `compiler/projects.py`)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from graphql import FieldNode

import compiler.projects  # noqa: F401  (registers Project, which gets priceLists below)
from compiler.catalog import (
    TYPES,
    Builder,
    Children,
    Custom,
    Scalar,
    TableType,
    ToOne,
    limited,
    register,
)
from compiler.connections import Page, connection, plain, upper
from compiler.roots import register_root
from compiler.selection import Selection
from compiler.sql import decimal, enum_name, money, parent_decimals, where
from db.models import prices as models
from domain.actors import Actor
from domain.scope import in_callers_entities

register(
    TableType(
        "PriceList",
        models.PriceList,
        {
            "name": Scalar("{t}.name"),
            "context": Scalar(enum_name("{t}.context", models.PriceContext)),
            "currencyCode": Scalar("{t}.currency_code"),
            "validFrom": Scalar("{t}.valid_from"),
            "validTo": Scalar("{t}.valid_to"),
            "isDefault": Scalar("{t}.is_default"),
            "legalEntity": ToOne("LegalEntity", "legal_entity_id"),
            "lines": Children("PriceListLine", "price_list_id"),
        },
    ),
    TableType(
        "PriceListLine",
        models.PriceListLine,
        {
            "transactionCategory": ToOne("TransactionCategory", "transaction_category_id"),
            "pricingMethod": Scalar(enum_name("{t}.pricing_method", models.PricingMethod)),
            "price": Scalar(money("{t}.price", parent_decimals("price_list", "{t}.price_list_id"))),
            "markupPercent": Scalar(decimal("{t}.markup_percent")),
            "unit": ToOne("Unit", "unit_id"),
        },
    ),
)


def _project_price_lists(builder: Builder, alias: str, nodes: list[FieldNode]) -> str:
    """The visible lists of the project's visible assignments, in price list id order, as
    `resolvers.projects.price_lists_of` loads them (assignments, then the lists by id)."""
    statement = builder.statement
    link, price_list = statement.alias(), statement.alias()
    assigned = [f"{link}.project_id = {alias}.id"]
    assigned += statement.visible(models.ProjectPriceList, link)
    conditions = [
        f"{price_list}.id IN (SELECT {link}.price_list_id FROM project_price_list {link}"
        f" WHERE {where(assigned)})",
        *statement.visible(models.PriceList, price_list),
    ]
    first = builder.first("Project", nodes)
    body = builder.object("PriceList", price_list, nodes)
    source = f"FROM price_list {price_list} WHERE {where(conditions)}"
    source = limited(source, price_list, f"{price_list}.id", first)
    return f"(SELECT coalesce(json_agg({body} ORDER BY {price_list}.id), '[]'::json) {source})"


_project = TYPES["Project"]
TYPES["Project"] = replace(
    _project,
    fields={**_project.fields, "priceLists": Custom(_project_price_lists, takes_arguments=True)},
)


@dataclass(frozen=True)
class PriceListsPage(Page):
    legal_entity: str | None = None
    context: str | None = None


def _callers(actor: Actor) -> Any:
    return in_callers_entities(models.PriceList.legal_entity_id, actor)


class PriceLists:
    """`priceLists`, as `resolvers.prices.price_lists_page` reads them."""

    def prepare(self, arguments: dict[str, Any], actor: Actor) -> PriceListsPage:
        entity = arguments.get("legalEntity")
        return PriceListsPage(
            **Page.paging(arguments, "PriceList"),
            legal_entity=upper(entity),
            context=plain(arguments.get("context")),
        )

    def sql(self, selection: Selection, key: str, nodes: list[FieldNode], page: Any) -> str:
        statement = selection.statement
        t = statement.alias()

        conditions = statement.rule(_callers, models.PriceList.__table__, t)
        if page.legal_entity is not None:
            entity = statement.entity_id(key)
            conditions.append(f"{t}.legal_entity_id = {entity}")
        if page.context is not None:
            conditions.append(f"{t}.context = {statement.argument(key, 'context', 'text')}")
        return connection(selection, key, nodes, page, "PriceList", conditions, t)


register_root("priceLists", PriceLists())
