"""Users and their rights over the API: an admin creates and edits the users of its legal
entities, and grants and revokes their roles and legal entities (audited). The User type and
the `users` query are in projects_types and projects."""

from __future__ import annotations

from typing import Annotated

import strawberry

from db.models.master_data import AppUser
from domain import users as domain
from resolvers import users as resolvers
from resolvers.context import Info
from resolvers.mutations import Outcome
from schema.errors import UserError
from schema.mutations import decoded, errors_of
from schema.projects_types import Role, User
from schema.relay import decode_id

ID_OF_USER = "The User (its global id); NOT_FOUND unless they share a legal entity with you."
ENTITY_CODES = "Codes of legal entities, each one of yours (NOT_FOUND otherwise, at its position)."


@strawberry.input(description="A new user: who they are, what they may do and where.")
class CreateUserInput:
    email: str = strawberry.field(
        description="The address they sign in with; stored trimmed and lower-case. INVALID "
        "when not an address, DUPLICATE when another user has it."
    )
    name: str = strawberry.field(description="Their full name; REQUIRED when blank.")
    roles: list[Role] = strawberry.field(  # type: ignore[valid-type]
        description="What they may do; may be empty (they then see only themself)."
    )
    legal_entities: list[str] = strawberry.field(
        description=f"Where they work, at least one (REQUIRED). {ENTITY_CODES}"
    )

    def to_domain(self) -> domain.NewUser:
        return domain.NewUser(self.email, self.name, self.roles, self.legal_entities)


@strawberry.input(description="A user's new name or email; an omitted field keeps its value.")
class UpdateUserInput:
    id: strawberry.ID = strawberry.field(description=ID_OF_USER)
    name: str | None = strawberry.field(
        default=None, description="Their new full name; REQUIRED when blank."
    )
    email: str | None = strawberry.field(
        default=None,
        description="Their new sign-in address, stored trimmed and lower-case; DUPLICATE when "
        "another user has it.",
    )

    def to_domain(self) -> tuple[int, domain.UserChanges]:
        changes = domain.UserChanges(name=self.name, email=self.email)
        return decode_id(self.id, "User"), changes


@strawberry.input(description="A user and the roles to grant or revoke.")
class UserRolesInput:
    id: strawberry.ID = strawberry.field(description=ID_OF_USER)
    roles: list[Role] = strawberry.field(  # type: ignore[valid-type]
        description="At least one role (REQUIRED). Those the user holds already when granting, "
        "or does not hold when revoking, change nothing."
    )

    def to_domain(self) -> int:
        return decode_id(self.id, "User")


@strawberry.input(description="A user and the legal entities to grant or revoke.")
class UserLegalEntitiesInput:
    id: strawberry.ID = strawberry.field(description=ID_OF_USER)
    legal_entities: list[str] = strawberry.field(
        description=f"At least one (REQUIRED). {ENTITY_CODES} Those the user works in already "
        "when granting, or does not when revoking, change nothing."
    )

    def to_domain(self) -> int:
        return decode_id(self.id, "User")


@strawberry.type(description="The result of a users mutation.")
class UserPayload:
    user: User | None = strawberry.field(
        description="The user as the change left them; null when `errors` is not empty."
    )
    errors: list[UserError] = strawberry.field(
        description="Why nothing was changed; empty on success."
    )

    @classmethod
    def of(cls, outcome: Outcome[AppUser]) -> UserPayload:
        user = User.from_row(outcome.value) if outcome.value is not None else None
        return cls(user=user, errors=errors_of(outcome))


ADMIN_ONLY = "Admin, on a user of your legal entities; audited, and in effect at once: "
ALL_THEIRS = (
    " FORBIDDEN when the user also works in legal entities not yours: this holds in all of them."
)


@strawberry.type
class UsersMutation:
    @strawberry.mutation(
        description="Admin: a new user of your legal entities (audited); `make token "
        "USER_EMAIL=<email>` signs them in."
    )
    async def create_user(
        self,
        info: Info,
        input: Annotated[CreateUserInput, strawberry.argument(description="The new user.")],
    ) -> UserPayload:
        outcome = await decoded(
            input.to_domain, lambda data: resolvers.create_user(info.context, data)
        )
        return UserPayload.of(outcome)

    @strawberry.mutation(
        description="Admin: change a user's name or email (audited); their rights stay."
        + ALL_THEIRS
    )
    async def update_user(
        self,
        info: Info,
        input: Annotated[UpdateUserInput, strawberry.argument(description="The changes.")],
    ) -> UserPayload:
        outcome = await decoded(
            input.to_domain, lambda given: resolvers.update_user(info.context, *given)
        )
        return UserPayload.of(outcome)

    @strawberry.mutation(
        description=ADMIN_ONLY + "the user's next request has the roles. Granting a role "
        "held already is no error." + ALL_THEIRS
    )
    async def grant_user_roles(
        self,
        info: Info,
        input: Annotated[UserRolesInput, strawberry.argument(description="User and roles.")],
    ) -> UserPayload:
        outcome = await decoded(
            input.to_domain,
            lambda pk: resolvers.change_roles(info.context, resolvers.GRANT_ROLES, pk, input.roles),
        )
        return UserPayload.of(outcome)

    @strawberry.mutation(
        description=ADMIN_ONLY + "the user's next request is refused what the roles allowed. "
        "Your own admin role is INVALID (no lock-out)." + ALL_THEIRS
    )
    async def revoke_user_roles(
        self,
        info: Info,
        input: Annotated[UserRolesInput, strawberry.argument(description="User and roles.")],
    ) -> UserPayload:
        outcome = await decoded(
            input.to_domain,
            lambda pk: resolvers.change_roles(
                info.context, resolvers.REVOKE_ROLES, pk, input.roles
            ),
        )
        return UserPayload.of(outcome)

    @strawberry.mutation(
        description=ADMIN_ONLY + "the user's next request sees the legal entities. Only "
        "legal entities of yours."
    )
    async def grant_user_legal_entities(
        self,
        info: Info,
        input: Annotated[
            UserLegalEntitiesInput, strawberry.argument(description="User and legal entities.")
        ],
    ) -> UserPayload:
        outcome = await decoded(
            input.to_domain,
            lambda pk: resolvers.change_legal_entities(
                info.context, resolvers.GRANT_LEGAL_ENTITIES, pk, input.legal_entities
            ),
        )
        return UserPayload.of(outcome)

    @strawberry.mutation(
        description=ADMIN_ONLY + "the user's next request no longer sees them. Only legal "
        "entities of yours; a user's last one is INVALID (grant another first)."
    )
    async def revoke_user_legal_entities(
        self,
        info: Info,
        input: Annotated[
            UserLegalEntitiesInput, strawberry.argument(description="User and legal entities.")
        ],
    ) -> UserPayload:
        outcome = await decoded(
            input.to_domain,
            lambda pk: resolvers.change_legal_entities(
                info.context, resolvers.REVOKE_LEGAL_ENTITIES, pk, input.legal_entities
            ),
        )
        return UserPayload.of(outcome)
