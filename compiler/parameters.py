"""SQL of a legal entity's parameters (M7) with their line property map, and the
`parameters` and `numberSequences` root fields."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from graphql import FieldNode

from compiler.catalog import Builder, Custom, FieldSql, Scalar, TableType, ToOne, register
from compiler.master_data import callers_code
from compiler.roots import register_root
from compiler.selection import Selection
from compiler.sql import enum_name, present_or_fail, where
from db.models import parameters as models
from db.models.master_data import BillingType, NumberSequence
from domain.actors import Actor
from domain.scope import in_callers_entities


def _line_properties(builder: Builder, alias: str, nodes: list[FieldNode]) -> str:
    """The legal entity's billing type -> line property map, in billing type order (the
    loader's); the mappings have no id of their own."""
    inner = builder.statement.alias()
    conditions = [f"{inner}.legal_entity_id = {alias}.legal_entity_id"]
    conditions += builder.statement.visible(models.LinePropertyMapping, inner)
    body = builder.object("LinePropertyMap", inner, nodes)
    return (
        f"(SELECT coalesce(json_agg({body} ORDER BY {inner}.billing_type), '[]'::json)"
        f" FROM line_property_mapping {inner} WHERE {where(conditions)})"
    )


def _account_field(role: str) -> str:
    head, *rest = role.split("_")
    return head + "".join(part.title() for part in rest) + "Account"


_FIELDS: dict[str, FieldSql] = {
    "journalPeriodUnit": Scalar(enum_name("{t}.journal_period_unit", models.PeriodUnit)),
    "linesPerJournal": Scalar("{t}.lines_per_journal"),
    "batchThreshold": Scalar("{t}.batch_threshold"),
    "moveToNextOpenPeriod": Scalar("{t}.move_to_next_open_period"),
    "defaultProjectCategory": ToOne("ProjectCategory", "default_project_category_id"),
    "voucherSequence": ToOne("NumberSequence", "voucher_sequence_id"),
    "journalSequence": ToOne("NumberSequence", "journal_sequence_id"),
    "lineProperties": Custom(_line_properties),
}
# One field per account role, each the visible account or null (`schema.node.related`).
_FIELDS.update(
    {_account_field(role): ToOne("Account", f"{role}_account_id") for role in models.ACCOUNT_ROLES}
)

register(
    TableType("LegalEntityParameters", models.LegalEntityParameters, _FIELDS, node=False),
    TableType(
        "LinePropertyMap",
        models.LinePropertyMapping,
        {
            "billingType": Scalar(enum_name("{t}.billing_type", BillingType)),
            "lineProperty": Scalar(enum_name("{t}.line_property", models.LineProperty)),
        },
        node=False,
    ),
)


@dataclass(frozen=True)
class EntityArgument:
    """A legal entity argument, upper-cased, already checked to be one of the caller's."""

    legal_entity: str | None

    @property
    def shape(self) -> Hashable:
        return self.legal_entity is not None


def _parameters_callers(actor: Actor) -> Any:
    return in_callers_entities(models.LegalEntityParameters.legal_entity_id, actor)


def _sequences_callers(actor: Actor) -> Any:
    return in_callers_entities(NumberSequence.legal_entity_id, actor)


class Parameters:
    """`parameters`, as `resolvers.parameters.legal_entity_parameters` reads them; a legal
    entity without parameters is NOT_FOUND there, a failed statement here."""

    def prepare(self, arguments: dict[str, Any], actor: Actor) -> EntityArgument:
        return EntityArgument(callers_code(arguments["legalEntity"], actor))

    def sql(self, selection: Selection, key: str, nodes: list[FieldNode], args: Any) -> str:
        statement = selection.statement
        t = statement.alias()
        conditions = [f"{t}.legal_entity_id = {statement.entity_id(key)}"]
        conditions += statement.rule(_parameters_callers, models.LegalEntityParameters.__table__, t)
        source = f"FROM legal_entity_parameters {t} WHERE {where(conditions)}"
        body = selection.object("LegalEntityParameters", t, nodes)
        found = f"(SELECT {t}.legal_entity_id {source})"
        return present_or_fail(found, f"(SELECT {body} {source})")


class NumberSequences:
    """`numberSequences`, as `resolvers.parameters.number_sequences` reads them: of the
    caller's legal entities, or of the one given (which must be the caller's)."""

    def prepare(self, arguments: dict[str, Any], actor: Actor) -> EntityArgument:
        code = arguments.get("legalEntity")
        return EntityArgument(callers_code(code, actor) if code is not None else None)

    def sql(self, selection: Selection, key: str, nodes: list[FieldNode], args: Any) -> str:
        statement = selection.statement
        t = statement.alias()
        conditions = statement.rule(_sequences_callers, NumberSequence.__table__, t)
        entity = statement.entity_id(key) if args.legal_entity is not None else None
        if entity is not None:
            conditions.append(f"{t}.legal_entity_id = {entity}")
        body = selection.object("NumberSequence", t, nodes)
        listed = (
            f"(SELECT coalesce(json_agg({body} ORDER BY {t}.legal_entity_id, {t}.code),"
            f" '[]'::json) FROM number_sequence {t} WHERE {where(conditions)})"
        )
        return listed if entity is None else present_or_fail(entity, listed)


register_root("parameters", Parameters())
register_root("numberSequences", NumberSequences())
