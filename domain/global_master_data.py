"""Who may change global master data: exchange rates (M6), transaction and shared categories
(M2), unit groups and units (M3).

These rows have no legal entity: every legal entity converts, classifies and measures with the
same ones, and may start using any of them at any moment (a posting in a new currency pair, a
line in another unit). Changing one, adding one included (a rate from a date replaces the rate
of that date on), changes the books of every legal entity. So the rule is the simplest one that
holds whatever uses the row now or later: the caller has the role the change needs AND every
legal entity of the database is one of theirs. An admin or accountant of some legal entities
only is refused (FORBIDDEN), before anything else is checked or written.
"""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.master_data import LegalEntity, Role
from domain.actors import Actor
from domain.errors import DomainError, ErrorCode


async def require_global_role(session: AsyncSession, actor: Actor, what: str, *roles: Role) -> None:
    """`actor` has one of `roles` (admins always) and every legal entity; `what` names the data
    in the refusal ("Exchange rates"). One statement; the refusal names no legal entity the
    caller cannot see."""
    actor.require_role(*roles)
    yours: list[str] = sorted(actor.legal_entities)
    elsewhere = await session.scalar(select(exists().where(LegalEntity.code.not_in(yours))))
    if elsewhere:
        wanted = " or ".join(role.value for role in dict.fromkeys((*roles, Role.ADMIN)))
        article = "an" if wanted[0] in "aeiou" else "a"
        raise DomainError(
            ErrorCode.FORBIDDEN,
            f"{what} are shared by every legal entity: only {article} {wanted} with access to "
            "every legal entity may change them.",
        )
