"""Helpers for the M1 rule: a company-owned row and its same-legal-entity references."""

from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, ForeignKeyConstraint, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column


def legal_entity_column() -> Mapped[int]:
    return mapped_column(BigInteger, ForeignKey("legal_entity.id"), index=True)


def entity_key(table: str) -> UniqueConstraint:
    """(legal_entity_id, id) is unique, so other rows can reference both (M1)."""
    return UniqueConstraint("legal_entity_id", "id", name=f"uq_{table}_legal_entity_id_id")


def same_entity_fk(column: str, target: str, ondelete: str | None = None) -> ForeignKeyConstraint:
    """A reference that must stay inside the row's legal entity (M1)."""
    return ForeignKeyConstraint(
        ["legal_entity_id", column],
        [f"{target}.legal_entity_id", f"{target}.id"],
        ondelete=ondelete,
    )
