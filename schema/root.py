"""Root fields that belong to no single domain: `node(id:)` and `me`."""

from __future__ import annotations

from typing import Annotated

import strawberry

from db.models.master_data import AppUser
from resolvers.api_error import ApiError
from resolvers.caller import UNAUTHENTICATED
from resolvers.context import Info
from schema.node import node_source, related
from schema.projects_types import User
from schema.relay import Node


@strawberry.type
class RootQuery:
    @strawberry.field(description="Any object by its global id; null when it is not yours.")
    async def node(
        self,
        info: Info,
        id: Annotated[
            strawberry.ID,
            strawberry.argument(
                description="A global id, as the `id` of any object gives it; INVALID when it is "
                "not one."
            ),
        ],
    ) -> Node | None:
        source = node_source(id)
        if source is None:
            return None
        model, convert, pk = source
        return await related(info, model, pk, convert)

    @strawberry.field(
        description="You, the user your token signs in: your roles and your legal entities."
    )
    async def me(self, info: Info) -> User:
        user = await related(info, AppUser, info.context.actor.user_id, User.from_row)
        if user is None:  # deleted since the server last checked the token's session
            raise ApiError("Your user no longer exists.", UNAUTHENTICATED)
        return user
