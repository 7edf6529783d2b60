"""Access tokens: short-lived JWTs minted for a session (`sid`), verified on every request.

A verified token only says which session and user call, until when; what they may do is the
database's to say (resolvers/access.py). The `roles` and `legal_entities` claims are hints
for clients (what the database said when the token was minted), never trusted by the server.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import jwt

from config import Settings


class AuthenticationError(Exception):
    """The token is missing, malformed, expired, signed with another key, or its session has
    ended."""


@dataclass(frozen=True)
class AccessToken:
    """The claims of a token whose signature and expiry were checked."""

    user_id: int
    session_id: uuid.UUID
    expires_at: float  # seconds since the epoch (`exp`)
    roles: frozenset[str]  # hints
    legal_entities: frozenset[str]  # hints

    @property
    def expired(self) -> bool:
        return self.expires_at <= time.time()


def access_token_expiry(settings: Settings, issued: dt.datetime) -> dt.datetime:
    return issued + dt.timedelta(minutes=settings.access_token_minutes)


def mint_token(
    settings: Settings,
    *,
    user_id: int,
    session_id: uuid.UUID,
    roles: Iterable[str],
    legal_entities: Iterable[str],
    now: dt.datetime | None = None,
) -> str:
    """An access token of a session (opened by domain.sessions.open_session)."""
    issued = now or dt.datetime.now(dt.UTC)
    claims: dict[str, Any] = {
        "sub": str(user_id),
        "sid": str(session_id),
        "roles": sorted(roles),
        "legal_entities": sorted(legal_entities),
        "iat": issued,
        "exp": access_token_expiry(settings, issued),
    }
    return jwt.encode(claims, settings.jwt_secret, algorithm=settings.jwt_algorithm)


def _string_list(claims: dict[str, Any], name: str) -> frozenset[str]:
    value = claims.get(name)
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise AuthenticationError(f"The token's '{name}' claim must be a list of strings.")
    return frozenset(value)


# Verified tokens by (key, token): every request carries its token, and the signature check
# and claim parsing were a tenth of a compiled read's CPU. Bounded LRU; an entry is used only
# while its token is unexpired.
_VERIFIED: OrderedDict[tuple[str, str], AccessToken] = OrderedDict()
VERIFIED_TOKENS = 10_000


def verify_token(settings: Settings, token: str) -> AccessToken:
    """The claims of a valid, unexpired token; its signature is checked once per process."""
    key = (settings.jwt_secret, token)
    cached = _VERIFIED.get(key)
    if cached is not None and not cached.expired:
        _VERIFIED.move_to_end(key)
        return cached
    verified = _verified(settings, token)
    _VERIFIED[key] = verified
    while len(_VERIFIED) > VERIFIED_TOKENS:
        _VERIFIED.popitem(last=False)
    return verified


def _verified(settings: Settings, token: str) -> AccessToken:
    try:
        claims = jwt.decode(
            token,
            settings.jwt_secret,
            algorithms=[settings.jwt_algorithm],
            options={"require": ["sub", "sid", "exp"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise AuthenticationError("The token has expired.") from exc
    except jwt.PyJWTError as exc:
        raise AuthenticationError("The token is not valid.") from exc
    subject, session = claims.get("sub"), claims.get("sid")
    if not isinstance(subject, str) or not subject.isdigit() or len(subject) > 19:
        raise AuthenticationError("The token's subject must be a user id.")
    try:
        session_id = uuid.UUID(str(session))
    except ValueError as exc:
        raise AuthenticationError("The token's 'sid' claim must be a session id.") from exc
    return AccessToken(
        user_id=int(subject),
        session_id=session_id,
        expires_at=float(claims["exp"]),
        roles=_string_list(claims, "roles"),
        legal_entities=_string_list(claims, "legal_entities"),
    )


def bearer_token(authorization: str | None) -> str | None:
    """The token of an Authorization header; None when none was sent, an error when the
    header is not 'Bearer <token>'."""
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationError("Send the token as 'Authorization: Bearer <token>'.")
    return token.strip()


def token_from_header(settings: Settings, authorization: str | None) -> AccessToken | None:
    """The verified claims of the header's token (no database: whether its session is still
    open is resolvers.access.authenticate's question); None when no credentials were sent."""
    token = bearer_token(authorization)
    return verify_token(settings, token) if token is not None else None
