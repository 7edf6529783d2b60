"""Live progress and an approval inbox (issue 11): job run events carry the run's progress, and
a change of progress is an event too (the job runner writes it a few times a second at most,
jobs/runs.py); expense reports announce their creation and status changes, with their owner,
so a subscriber sees exactly the reports it may read. Both on channel `projops_events`.

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JOB_RUN_EVENTS = """
CREATE FUNCTION projops_notify_job_run() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('projops_events', json_build_object(
        'table', 'job_run', 'id', NEW.id, 'status', NEW.status,
        'legal_entity_id', NEW.legal_entity_id,
        'done', NEW.progress_done, 'total', NEW.progress_total)::text);
    RETURN NULL;
END $$;
CREATE OR REPLACE TRIGGER job_run_status_inserted AFTER INSERT ON job_run
    FOR EACH ROW EXECUTE FUNCTION projops_notify_job_run();
CREATE OR REPLACE TRIGGER job_run_status_changed AFTER UPDATE OF status ON job_run
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status)
    EXECUTE FUNCTION projops_notify_job_run();
CREATE TRIGGER job_run_progress_changed AFTER UPDATE OF progress_done, progress_total ON job_run
    FOR EACH ROW WHEN (OLD.progress_done IS DISTINCT FROM NEW.progress_done
        OR OLD.progress_total IS DISTINCT FROM NEW.progress_total)
    EXECUTE FUNCTION projops_notify_job_run();
"""

EXPENSE_REPORT_EVENTS = """
CREATE FUNCTION projops_notify_expense_report() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('projops_events', json_build_object(
        'table', 'expense_report', 'id', NEW.id, 'status', NEW.status,
        'legal_entity_id', NEW.legal_entity_id, 'owner_id', NEW.employee_user_id)::text);
    RETURN NULL;
END $$;
CREATE TRIGGER expense_report_status_inserted AFTER INSERT ON expense_report
    FOR EACH ROW EXECUTE FUNCTION projops_notify_expense_report();
CREATE TRIGGER expense_report_status_changed AFTER UPDATE OF status ON expense_report
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status)
    EXECUTE FUNCTION projops_notify_expense_report();
"""


def upgrade() -> None:
    op.execute(JOB_RUN_EVENTS)
    op.execute(EXPENSE_REPORT_EVENTS)


def downgrade() -> None:
    op.execute("DROP TRIGGER expense_report_status_changed ON expense_report")
    op.execute("DROP TRIGGER expense_report_status_inserted ON expense_report")
    op.execute("DROP FUNCTION projops_notify_expense_report()")
    op.execute("DROP TRIGGER job_run_progress_changed ON job_run")
    for trigger, when in (
        ("job_run_status_inserted", "INSERT"),
        ("job_run_status_changed", "UPDATE OF status"),
    ):
        condition = " WHEN (OLD.status IS DISTINCT FROM NEW.status)" if "UPDATE" in when else ""
        op.execute(
            f"CREATE OR REPLACE TRIGGER {trigger} AFTER {when} ON job_run FOR EACH ROW"
            f"{condition} EXECUTE FUNCTION projops_notify_status()"
        )
    op.execute("DROP FUNCTION projops_notify_job_run()")
