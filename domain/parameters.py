"""Parameters per legal entity (M7): journal grouping and limits, the accounts of each role,
the number sequences, the default project category, and the billing type -> line property map."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.categories import ProjectCategory
from db.models.master_data import Account, BillingType, LegalEntity, NumberSequence, Role
from db.models.parameters import (
    ACCOUNT_ROLES,
    LegalEntityParameters,
    LineProperty,
    LinePropertyMapping,
    PeriodUnit,
)
from domain.actors import Actor
from domain.errors import DomainError, DomainErrors, ErrorCode
from domain.master_data import entity_by_code
from domain.scope import in_callers_entities

# The same bounds as the table's CHECK constraints, so the user gets a typed error first.
LINES_PER_JOURNAL = (1, 100_000)
BATCH_THRESHOLD = (0, 1_000_000)

ReferencedModel = type[Account] | type[NumberSequence] | type[ProjectCategory]

# Parameter column -> the model it references inside the same legal entity (M1).
REFERENCES: dict[str, ReferencedModel] = {
    "default_project_category_id": ProjectCategory,
    "voucher_sequence_id": NumberSequence,
    "journal_sequence_id": NumberSequence,
    **{f"{role}_account_id": Account for role in ACCOUNT_ROLES},
}


def input_field(column: str) -> str:
    """The GraphQL input field of a parameter column (snake_case -> camelCase)."""
    head, *rest = column.split("_")
    return head + "".join(word.title() for word in rest)


@dataclass(frozen=True)
class ParameterChanges:
    """A partial change: None leaves a value as it is."""

    legal_entity: str
    journal_period_unit: PeriodUnit | None = None
    lines_per_journal: int | None = None
    batch_threshold: int | None = None
    move_to_next_open_period: bool | None = None
    # Reference column (a key of REFERENCES) -> id, or None to clear it; absent: unchanged.
    references: Mapping[str, int | None] = field(default_factory=dict)


@dataclass(frozen=True)
class LinePropertyChange:
    legal_entity: str
    billing_type: BillingType
    line_property: LineProperty


def _check_bounds(data: ParameterChanges) -> list[DomainError]:
    errors = []
    for name, value, (low, high) in (
        ("lines_per_journal", data.lines_per_journal, LINES_PER_JOURNAL),
        ("batch_threshold", data.batch_threshold, BATCH_THRESHOLD),
    ):
        if value is not None and not low <= value <= high:
            message = f"{input_field(name)} must be between {low} and {high}."
            errors.append(DomainError(ErrorCode.OUT_OF_RANGE, message, [input_field(name)]))
    return errors


async def _check_references(
    session: AsyncSession, actor: Actor, entity: LegalEntity, references: Mapping[str, int | None]
) -> list[DomainError]:
    """Each referenced row must be the legal entity's own (M1): a row of another of the
    caller's companies is OTHER_LEGAL_ENTITY; one the caller cannot see is NOT_FOUND, so its
    existence is not revealed. One statement per referenced table."""
    wanted: dict[ReferencedModel, dict[str, int]] = defaultdict(dict)
    for column, pk in references.items():
        if pk is not None:
            wanted[REFERENCES[column]][column] = pk
    errors = []
    for model, columns in wanted.items():
        rows = await session.execute(
            select(model.id, model.legal_entity_id).where(
                model.id.in_(set(columns.values())),
                in_callers_entities(model.legal_entity_id, actor),
            )
        )
        owner: dict[int, int] = {pk: entity_id for pk, entity_id in rows}
        for column, pk in columns.items():
            what, name = model.__name__, input_field(column)
            if pk not in owner:
                message = f"{name}: the {what} does not exist."
                errors.append(DomainError(ErrorCode.NOT_FOUND, message, [name]))
            elif owner[pk] != entity.id:
                message = f"{name}: the {what} belongs to another legal entity than {entity.code}."
                errors.append(DomainError(ErrorCode.OTHER_LEGAL_ENTITY, message, [name]))
    return errors


async def update_parameters(
    session: AsyncSession, actor: Actor, data: ParameterChanges
) -> LegalEntityParameters:
    actor.require_role(Role.ACCOUNTANT)
    unknown = set(data.references) - set(REFERENCES)
    if unknown:
        raise ValueError(f"Not parameter references: {sorted(unknown)}")
    entity = await entity_by_code(session, actor, data.legal_entity, ["legalEntity"])
    errors = _check_bounds(data)
    errors += await _check_references(session, actor, entity, data.references)
    if errors:
        raise DomainErrors(errors)
    parameters = await session.get(LegalEntityParameters, entity.id, with_for_update=True)
    if parameters is None:  # legal entities made outside create_legal_entity
        parameters = LegalEntityParameters(legal_entity_id=entity.id)
        session.add(parameters)
    for name in ("journal_period_unit", "lines_per_journal", "batch_threshold"):
        if (value := getattr(data, name)) is not None:
            setattr(parameters, name, value)
    if data.move_to_next_open_period is not None:
        parameters.move_to_next_open_period = data.move_to_next_open_period
    for column, pk in data.references.items():
        setattr(parameters, column, pk)
    await session.flush()
    return parameters


async def set_line_property(
    session: AsyncSession, actor: Actor, data: LinePropertyChange
) -> LinePropertyMapping:
    """Insert or replace the mapping in one statement, so concurrent calls cannot collide."""
    actor.require_role(Role.ACCOUNTANT)
    entity = await entity_by_code(session, actor, data.legal_entity, ["legalEntity"])
    statement = (
        insert(LinePropertyMapping)
        .values(
            legal_entity_id=entity.id,
            billing_type=data.billing_type.value,
            line_property=data.line_property.value,
        )
        .on_conflict_do_update(
            index_elements=["legal_entity_id", "billing_type"],
            set_={"line_property": data.line_property.value},
        )
        .returning(LinePropertyMapping)
        .execution_options(populate_existing=True)
    )
    mapping = await session.scalar(statement)
    assert mapping is not None  # an upsert always returns its row
    return mapping


async def line_properties(session: AsyncSession, legal_entity_id: int) -> dict[str, str]:
    """Billing type -> line property of a legal entity, for the journal (J3)."""
    rows = await session.execute(
        select(LinePropertyMapping.billing_type, LinePropertyMapping.line_property).where(
            LinePropertyMapping.legal_entity_id == legal_entity_id
        )
    )
    return {billing_type: line_property for billing_type, line_property in rows}
