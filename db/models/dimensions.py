"""Financial dimensions per legal entity and their allowed values (J4, J5)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, pk_column
from db.models._common import entity_key, legal_entity_column, same_entity_fk


class FinancialDimension(Base):
    """A dimension such as Department; an inactive one takes no new distributions."""

    __tablename__ = "financial_dimension"
    id: Mapped[int] = pk_column()
    legal_entity_id: Mapped[int] = legal_entity_column()
    code: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    __table_args__ = (
        entity_key("financial_dimension"),
        UniqueConstraint("legal_entity_id", "code"),
    )


class FinancialDimensionValue(Base):
    """An allowed value of a dimension (Sales, Ops); an inactive one no longer posts."""

    __tablename__ = "financial_dimension_value"
    id: Mapped[int] = pk_column()
    legal_entity_id: Mapped[int] = legal_entity_column()
    dimension_id: Mapped[int] = mapped_column(BigInteger, index=True)
    value: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    __table_args__ = (
        entity_key("financial_dimension_value"),
        UniqueConstraint("dimension_id", "value"),
        same_entity_fk("dimension_id", "financial_dimension", ondelete="CASCADE"),
    )
