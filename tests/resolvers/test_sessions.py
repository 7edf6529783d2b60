"""Issue 12, point 4: a session's refresh token rotates (a reused one revokes the session), a
session ends at its absolute lifetime however often it is refreshed, and signing out or an
admin's revocation ends its access tokens at once."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from config import Settings
from db.models.sessions import UserSession
from resolvers.auth import verify_token
from schema.relay import encode_id
from tests.support.client import GraphQLClient
from tests.support.served import Served, served
from tests.support.world import World, signed_in

ME = "{ me { id roles legalEntities { code } } }"
REFRESH = """mutation($t: String!) { refreshToken(input: {refreshToken: $t}) {
  accessToken accessTokenExpiresAt refreshToken sessionExpiresAt
  errors { code field message } } }"""
SIGN_OUT = """mutation($i: RevokeSessionInput!) { revokeSession(input: $i) {
  sessionId errors { code message } } }"""
REVOKE_USER = """mutation($u: ID!) { revokeUserSessions(input: {userId: $u}) {
  revokedSessions errors { code field message } } }"""
ENDED = "The session of this token has ended (signed out, revoked or past its lifetime)."

__all__ = ["served"]  # a fixture, used by name


def unauthenticated(body: dict[str, Any]) -> str:
    """The message of an answer refused for its token."""
    assert body.get("data") is None, body
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "UNAUTHENTICATED", body
    message: str = error["message"]
    return message


async def session_row(session: AsyncSession, settings: Settings, token: str) -> UserSession:
    sid = verify_token(settings, token).session_id
    row = await session.scalar(select(UserSession).where(UserSession.id == sid))
    assert row is not None
    await session.refresh(row)
    return row


async def test_refresh_rotates_and_a_reused_refresh_token_revokes_the_session(
    client: GraphQLClient, world: World, settings: Settings, session: AsyncSession
) -> None:
    first_refresh, first_access = world.refresh_tokens["employee"], world.tokens["employee"]
    signed_in_row = await session_row(session, settings, first_access)
    fresh = await client.mutate(REFRESH, {"t": first_refresh})
    assert fresh["errors"] == []
    assert fresh["refreshToken"] != first_refresh
    # The session's end is fixed at sign-in; the access token lives minutes.
    assert dt.datetime.fromisoformat(fresh["sessionExpiresAt"]) == signed_in_row.expires_at
    expires = dt.datetime.fromisoformat(fresh["accessTokenExpiresAt"])
    minutes = (expires - dt.datetime.now(dt.UTC)) / dt.timedelta(minutes=1)
    assert settings.access_token_minutes - 1 < minutes <= settings.access_token_minutes
    assert verify_token(settings, fresh["accessToken"]).session_id == signed_in_row.id
    assert (await client.data(ME, token=fresh["accessToken"]))["me"]["roles"] == ["EMPLOYEE"]

    reused = await client.mutate(REFRESH, {"t": first_refresh})
    assert reused["accessToken"] is None and reused["refreshToken"] is None
    assert reused["errors"] == [
        {
            "code": "INVALID",
            "field": ["refreshToken"],
            "message": "This refresh token was already used; the session is revoked."
            " Sign in again.",
        }
    ]
    # Every token of the session stops working at once, the newest too.
    for token in (fresh["accessToken"], first_access):
        assert unauthenticated(await client.execute(ME, token=token)) == ENDED
    latest = await client.mutate(REFRESH, {"t": fresh["refreshToken"]})
    assert latest["errors"][0]["message"].startswith(
        "This session was revoked (refresh_token_reused)."
    )
    assert (await session_row(session, settings, first_access)).revoked_because == (
        "refresh_token_reused"
    )


async def test_an_unknown_refresh_token_is_refused_and_revokes_nothing(
    client: GraphQLClient, world: World
) -> None:
    real = world.refresh_tokens["employee"]
    near_miss = real[:-1] + ("B" if real.endswith("A") else "A")  # one character off, never equal
    for guess in ("x", near_miss, "é" * 5000):
        payload = await client.mutate(REFRESH, {"t": guess})
        assert [error["code"] for error in payload["errors"]] == ["INVALID"]
        assert payload["errors"][0]["message"] == "This refresh token is not valid. Sign in again."
    assert (await client.data(ME, token=world.tokens["employee"]))["me"]["roles"] == ["EMPLOYEE"]


async def test_a_session_ends_at_its_absolute_lifetime_however_often_refreshed(
    served: Served, world: World, settings: Settings, session: AsyncSession
) -> None:
    lifetime = {"session_days": 2.5 / 86_400, "auth_cache_seconds": 0}  # 2.5 seconds
    short = settings.model_copy(update=lifetime)
    access = await signed_in(session, short, world, "employee", world.users["employee"].id)
    ends = (await session_row(session, settings, access)).expires_at
    async with served(**lifetime) as client:
        token = world.refresh_tokens["employee"]
        for _ in range(2):  # each refresh within the lifetime works, and moves no end
            fresh = await client.mutate(REFRESH, {"t": token})
            assert fresh["errors"] == [] and fresh["sessionExpiresAt"] == ends.isoformat()
            token, access = fresh["refreshToken"], fresh["accessToken"]
        await asyncio.sleep((ends - dt.datetime.now(dt.UTC)).total_seconds() + 0.1)
        late = await client.mutate(REFRESH, {"t": token})
        assert late["errors"][0]["message"] == (
            f"This session ended at {ends.isoformat()}. Sign in again."
        )
        # Its last access token has minutes left, and is refused with the session.
        assert unauthenticated(await client.execute(ME, token=access)) == ENDED


async def test_signing_out_ends_the_access_token_at_once_despite_the_cache(
    client: GraphQLClient, world: World, settings: Settings
) -> None:
    """The client's app caches a session's access for AUTH_CACHE_SECONDS (5): revoking it
    here forgets it at once."""
    token = world.tokens["manager"]
    assert (await client.data(ME, token=token))["me"]["legalEntities"] == [{"code": "USPM"}]
    signed_out = await client.mutate(SIGN_OUT, {"i": {}}, token=token)
    sid = str(verify_token(settings, token).session_id)
    assert signed_out == {"sessionId": sid, "errors": []}
    assert unauthenticated(await client.execute(ME, token=token)) == ENDED
    refused = await client.mutate(REFRESH, {"t": world.refresh_tokens["manager"]})
    assert refused["errors"][0]["message"].startswith("This session was revoked (signed_out).")


async def test_signing_out_with_the_refresh_token_alone(
    client: GraphQLClient, world: World, settings: Settings
) -> None:
    """A client whose access token expired signs out with its refresh token."""
    sid = str(verify_token(settings, world.tokens["employee"]).session_id)
    payload = await client.mutate(
        SIGN_OUT, {"i": {"refreshToken": world.refresh_tokens["employee"]}}
    )
    assert payload == {"sessionId": sid, "errors": []}
    assert unauthenticated(await client.execute(ME, token=world.tokens["employee"])) == ENDED
    anonymous = await client.execute(SIGN_OUT, {"i": {}})
    assert unauthenticated(anonymous).startswith("Sign in")


async def test_m1_an_admin_ends_the_sessions_of_a_user_of_their_legal_entities(
    client: GraphQLClient, world: World, settings: Settings, session: AsyncSession
) -> None:
    employee = world.users["employee"]
    first = world.tokens["employee"]
    second = await signed_in(session, settings, world, "employee", employee.id)
    user_id = encode_id("User", employee.id)
    ghost = encode_id("User", 2**40)
    # Not an admin: FORBIDDEN. An admin of DEPM alone: the USPM employee is as unknown as a
    # made-up user. Nothing is revoked either way.
    forbidden = await client.mutate(REVOKE_USER, {"u": user_id}, token=world.tokens["accountant"])
    assert [error["code"] for error in forbidden["errors"]] == ["FORBIDDEN"]
    foreign = await client.mutate(REVOKE_USER, {"u": user_id}, token=world.tokens["outsider"])
    missing = await client.mutate(REVOKE_USER, {"u": ghost}, token=world.tokens["outsider"])
    assert foreign["errors"][0]["code"] == missing["errors"][0]["code"] == "NOT_FOUND"
    assert foreign["revokedSessions"] is None and missing["revokedSessions"] is None
    for token in (first, second):
        assert (await client.data(ME, token=token))["me"]["roles"] == ["EMPLOYEE"]

    revoked = await client.mutate(REVOKE_USER, {"u": user_id}, token=world.tokens["admin"])
    assert revoked == {"revokedSessions": 2, "errors": []}
    for token in (first, second):
        assert unauthenticated(await client.execute(ME, token=token)) == ENDED
    again = await client.mutate(REVOKE_USER, {"u": user_id}, token=world.tokens["admin"])
    assert again == {"revokedSessions": 0, "errors": []}
