"""Access changes are announced (issue 12, point 4): a revoked session, a user's changed roles
and a user's added or removed legal entity `pg_notify` on channel `projops_access`, so every
API process forgets what it cached of that access at once (resolvers/access.py) and re-checks
the subscriptions it affects, instead of within AUTH_CACHE_SECONDS. A trigger sees every way such a change is made: a mutation, a job, SQL.
Payloads: `session:<uuid>` or `user:<id>`.

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOTIFY = """
CREATE FUNCTION projops_notify_access() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed record := CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
BEGIN
    IF TG_TABLE_NAME = 'user_session' THEN
        PERFORM pg_notify('projops_access', 'session:' || changed.id::text);
    ELSIF TG_TABLE_NAME = 'app_user' THEN
        PERFORM pg_notify('projops_access', 'user:' || changed.id::text);
    ELSE
        PERFORM pg_notify('projops_access', 'user:' || changed.user_id::text);
    END IF;
    RETURN NULL;
END $$;
"""

TRIGGERS = {
    # Not DELETE: sessions are revoked, never deleted while open; the purge of ended ones
    # (jobs/sessions.py) would announce thousands of changes that change nothing.
    "user_session": "UPDATE OF revoked_at, expires_at",
    "app_user": "UPDATE OF roles OR DELETE",
    "user_legal_entity": "INSERT OR UPDATE OR DELETE",
}


def upgrade() -> None:
    op.execute(NOTIFY)
    for table, events in TRIGGERS.items():
        op.execute(
            f"CREATE TRIGGER {table}_access_changed AFTER {events} ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION projops_notify_access()"
        )


def downgrade() -> None:
    for table in TRIGGERS:
        op.execute(f"DROP TRIGGER {table}_access_changed ON {table}")
    op.execute("DROP FUNCTION projops_notify_access()")
