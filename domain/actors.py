"""Who is calling: the claims of a verified token, as the domain sees them."""

from __future__ import annotations

from dataclasses import dataclass

from db.models.master_data import Role
from domain.errors import DomainError, ErrorCode


@dataclass(frozen=True)
class Actor:
    user_id: int
    roles: frozenset[str]
    legal_entities: frozenset[str]  # legal entity codes (M1)

    def has_role(self, *roles: Role) -> bool:
        return any(role in self.roles for role in roles)

    @property
    def is_admin(self) -> bool:
        return Role.ADMIN in self.roles

    def require_role(self, *roles: Role) -> None:
        """Admins may do anything a narrower role may."""
        if not self.is_admin and not self.has_role(*roles):
            wanted = " or ".join(role.value for role in roles)
            raise DomainError(ErrorCode.FORBIDDEN, f"This needs the role {wanted}.")

    def require_legal_entity(self, code: str, field: list[str] | None = None) -> None:
        if code not in self.legal_entities:
            raise DomainError(
                ErrorCode.NOT_FOUND, f"Legal entity {code} is not one of yours.", field
            )
