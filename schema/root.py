"""Root fields that belong to no single domain: `node(id:)` and `me`."""

from __future__ import annotations

import strawberry

from resolvers.context import Info
from schema.node import node_source, related
from schema.relay import Node


@strawberry.type
class Viewer:
    user_id: strawberry.ID
    roles: list[str]
    legal_entities: list[str]


@strawberry.type
class RootQuery:
    @strawberry.field(description="Any object by its global id; null when it is not yours.")
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        source = node_source(id)
        if source is None:
            return None
        model, convert, pk = source
        return await related(info, model, pk, convert)

    @strawberry.field(description="Who the token says you are.")
    def me(self, info: Info) -> Viewer:
        actor = info.context.actor
        return Viewer(
            user_id=strawberry.ID(str(actor.user_id)),
            roles=sorted(actor.roles),
            legal_entities=sorted(actor.legal_entities),
        )
