"""procrastinate schema, job runs.

The job queue lives in the same database as the data it works on, so a job and the rows it
writes coordinate through one server (ARCHITECTURE.md). The schema SQL is procrastinate's own
packaged `schema.sql` (the version pinned in pyproject), applied verbatim.

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

from alembic import op
from procrastinate.schema import SchemaManager

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = (
    "procrastinate_events",
    "procrastinate_periodic_defers",
    "procrastinate_jobs",
    "procrastinate_workers",
)
TYPES = (
    "procrastinate_job_to_defer_v1",
    "procrastinate_job_event_type",
    "procrastinate_job_status",
)

# Functions are versioned (`_v1`, `_v2`, ...) and overloaded, so they are found in the catalog
# rather than listed here: whatever the packaged schema created, the downgrade removes.
DROP_FUNCTIONS = """
DO $$
DECLARE
    signature regprocedure;
BEGIN
    FOR signature IN
        SELECT p.oid::regprocedure
          FROM pg_proc p
          JOIN pg_namespace n ON n.oid = p.pronamespace
         WHERE n.nspname = current_schema()
           AND starts_with(p.proname, 'procrastinate_')
    LOOP
        EXECUTE 'DROP FUNCTION ' || signature::text || ' CASCADE';
    END LOOP;
END;
$$;
"""


def upgrade() -> None:
    # exec_driver_sql skips SQLAlchemy's bind parsing (the script has `::casts`), but the driver
    # still reads `%` as a placeholder: doubled, as procrastinate's own `apply_schema` does.
    op.get_bind().exec_driver_sql(SchemaManager.get_schema().replace("%", "%%"))


def downgrade() -> None:
    bind = op.get_bind()
    bind.exec_driver_sql(f"DROP TABLE IF EXISTS {', '.join(TABLES)} CASCADE")
    bind.exec_driver_sql(DROP_FUNCTIONS)
    bind.exec_driver_sql(f"DROP TYPE IF EXISTS {', '.join(TYPES)} CASCADE")
