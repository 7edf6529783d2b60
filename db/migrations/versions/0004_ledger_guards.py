"""ledger guards (L1, L2, L3, A1), number sequences, status events (K3).

The database, not the code, has the last word on the ledger: whatever a worker or a bug does,
an unbalanced voucher never commits and a posted row never changes. Every guard raises with its
own SQLSTATE (class "PJ", unused by PostgreSQL) so the application maps it to a typed error;
db/guards.py holds the codes.

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# L1. A row trigger (constraint triggers cannot be per statement) re-sums the voucher at commit.
VOUCHER_BALANCED = """
CREATE FUNCTION ledger_voucher_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_id bigint;
    v_number text;
    n_lines integer;
    total_debit numeric;
    total_credit numeric;
BEGIN
    IF TG_TABLE_NAME = 'voucher' THEN
        v_id := NEW.id;
    ELSIF TG_OP = 'DELETE' THEN
        v_id := OLD.voucher_id;
    ELSE
        v_id := NEW.voucher_id;
    END IF;
    SELECT number INTO v_number FROM voucher WHERE id = v_id;
    IF NOT FOUND THEN
        RETURN NULL;  -- the voucher itself is gone: nothing left to balance
    END IF;
    SELECT count(*), coalesce(sum(debit), 0), coalesce(sum(credit), 0)
      INTO n_lines, total_debit, total_credit
      FROM voucher_line WHERE voucher_id = v_id;
    IF n_lines < 2 THEN
        RAISE EXCEPTION 'UNBALANCED: voucher % has % line(s) (debit %, credit %); a voucher needs at least two lines',
            v_number, n_lines, total_debit, total_credit
            USING ERRCODE = 'PJ001';
    END IF;
    IF total_debit <> total_credit THEN
        RAISE EXCEPTION 'UNBALANCED: voucher % does not balance: debit %, credit %',
            v_number, total_debit, total_credit
            USING ERRCODE = 'PJ001';
    END IF;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER voucher_line_balanced
    AFTER INSERT OR UPDATE OR DELETE ON voucher_line
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_voucher_balanced();
CREATE CONSTRAINT TRIGGER voucher_has_lines
    AFTER INSERT ON voucher
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_voucher_balanced();
"""

# L3. Row triggers so the message names the row; TRUNCATE (tests, benchmarks) stays possible.
POSTED_IMMUTABLE = """
CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'IMMUTABLE: % % cannot be %d: posted rows are immutable; post a reversal',
        TG_TABLE_NAME, OLD.id, lower(TG_OP)
        USING ERRCODE = 'PJ002';
END $$;
"""

# A1. Comparing the rows as JSON minus the two mutable columns also covers columns added later.
ACTUAL_IMMUTABLE = """
CREATE FUNCTION actual_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'IMMUTABLE: actual % cannot be deleted; post a reversal', OLD.id
            USING ERRCODE = 'PJ003';
    END IF;
    IF (to_jsonb(OLD) - 'description' - 'adjustment_status')
       IS DISTINCT FROM (to_jsonb(NEW) - 'description' - 'adjustment_status') THEN
        RAISE EXCEPTION 'IMMUTABLE: actual %: only description and adjustment status may change; post a reversal',
            OLD.id USING ERRCODE = 'PJ003';
    END IF;
    IF NEW.adjustment_status IS DISTINCT FROM OLD.adjustment_status
       AND NOT (OLD.adjustment_status = 'adjustable' AND NEW.adjustment_status = 'adjusted') THEN
        RAISE EXCEPTION 'IMMUTABLE: actual %: adjustment status cannot go from % to %',
            OLD.id, OLD.adjustment_status, NEW.adjustment_status USING ERRCODE = 'PJ003';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER actual_immutable BEFORE UPDATE OR DELETE ON actual
    FOR EACH ROW EXECUTE FUNCTION actual_guard();
"""

# J3. One PostgreSQL sequence per number_sequence row: nextval is non-transactional, so numbers
# are unique under any concurrency and never reused after a rollback (gaps are accepted).
NUMBER_SEQUENCES = """
CREATE FUNCTION drop_number_sequences() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    seq regclass;
BEGIN
    FOR seq IN SELECT c.oid::regclass FROM pg_class c
               WHERE c.relkind = 'S' AND c.relname ~ '^number_sequence_[0-9]+$'
                 AND c.relnamespace = (SELECT relnamespace FROM pg_class
                                       WHERE oid = 'number_sequence'::regclass)
    LOOP
        EXECUTE format('DROP SEQUENCE %s', seq);
    END LOOP;
END $$;
CREATE FUNCTION number_sequence_created() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('CREATE SEQUENCE %I.%I AS bigint MINVALUE 1',
                   TG_TABLE_SCHEMA, 'number_sequence_' || NEW.id);
    RETURN NULL;
END $$;
CREATE FUNCTION number_sequence_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('DROP SEQUENCE IF EXISTS %I.%I', TG_TABLE_SCHEMA, 'number_sequence_' || OLD.id);
    RETURN NULL;
END $$;
-- TRUNCATE fires no row trigger; without this a restarted identity would meet an old sequence.
CREATE FUNCTION number_sequence_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM drop_number_sequences();
    RETURN NULL;
END $$;
CREATE TRIGGER number_sequence_created AFTER INSERT ON number_sequence
    FOR EACH ROW EXECUTE FUNCTION number_sequence_created();
CREATE TRIGGER number_sequence_deleted AFTER DELETE ON number_sequence
    FOR EACH ROW EXECUTE FUNCTION number_sequence_deleted();
CREATE TRIGGER number_sequence_truncated AFTER TRUNCATE ON number_sequence
    FOR EACH STATEMENT EXECUTE FUNCTION number_sequence_truncated();
-- lpad would cut a value longer than the width; widen instead so numbers stay unique.
CREATE FUNCTION next_number(sequence_id bigint) RETURNS text LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    seq record;
    value text;
BEGIN
    SELECT prefix, width INTO seq FROM number_sequence WHERE id = sequence_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'UNKNOWN_SEQUENCE: number sequence % does not exist', sequence_id
            USING ERRCODE = 'PJ004';
    END IF;
    value := nextval(format('number_sequence_%s', sequence_id)::regclass)::text;
    RETURN seq.prefix || lpad(value, greatest(seq.width, length(value)), '0');
END $$;
"""

# K3. Ids and statuses only; subscribers read the rest through the API with their own rights.
STATUS_EVENTS = """
CREATE FUNCTION projops_notify_status() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('projops_events', json_build_object(
        'table', TG_TABLE_NAME, 'id', NEW.id, 'status', NEW.status,
        'legal_entity_id', NEW.legal_entity_id)::text);
    RETURN NULL;
END $$;
"""

IMMUTABLE_TABLES = ("voucher", "voucher_line", "subledger_transaction")
EVENT_TABLES = ("journal", "journal_line", "job_run")


def _immutable_triggers() -> str:
    return "".join(
        f"CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table}"
        " FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();\n"
        for table in IMMUTABLE_TABLES
    )


def _event_triggers() -> str:
    # Two triggers per table: WHEN may not mention OLD on INSERT, and a no-op update is no news.
    return "".join(
        f"CREATE TRIGGER {table}_status_inserted AFTER INSERT ON {table}"
        " FOR EACH ROW EXECUTE FUNCTION projops_notify_status();\n"
        f"CREATE TRIGGER {table}_status_changed AFTER UPDATE OF status ON {table}"
        " FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status)"
        " EXECUTE FUNCTION projops_notify_status();\n"
        for table in EVENT_TABLES
    )


# Rows that exist before this revision get their sequence too.
BACKFILL_SEQUENCES = """
DO $$
DECLARE
    seq_id bigint;
BEGIN
    FOR seq_id IN SELECT id FROM number_sequence LOOP
        EXECUTE format('CREATE SEQUENCE IF NOT EXISTS %I AS bigint MINVALUE 1',
                       'number_sequence_' || seq_id);
    END LOOP;
END $$;
"""


# 0001 declares this foreign key with use_alter, which op.create_table leaves out (the cycle
# unit_group <-> unit); the models expect it, so it is added here, after both tables exist.
UNIT_GROUP_BASE_UNIT_FK = "fk_unit_group_base_unit_id_unit"


def upgrade() -> None:
    op.create_foreign_key(
        UNIT_GROUP_BASE_UNIT_FK,
        "unit_group",
        "unit",
        ["base_unit_id"],
        ["id"],
        deferrable=True,
        initially="DEFERRED",
    )
    op.execute(VOUCHER_BALANCED)
    op.execute(POSTED_IMMUTABLE)
    op.execute(_immutable_triggers())
    op.execute(ACTUAL_IMMUTABLE)
    op.execute(NUMBER_SEQUENCES)
    op.execute(BACKFILL_SEQUENCES)
    op.execute(STATUS_EVENTS)
    op.execute(_event_triggers())


def downgrade() -> None:
    for table in EVENT_TABLES:
        op.execute(f"DROP TRIGGER {table}_status_changed ON {table}")
        op.execute(f"DROP TRIGGER {table}_status_inserted ON {table}")
    op.execute("DROP FUNCTION projops_notify_status()")
    for name in ("created", "deleted", "truncated"):
        op.execute(f"DROP TRIGGER number_sequence_{name} ON number_sequence")
        op.execute(f"DROP FUNCTION number_sequence_{name}()")
    op.execute("DROP FUNCTION next_number(bigint)")
    op.execute("SELECT drop_number_sequences()")
    op.execute("DROP FUNCTION drop_number_sequences()")
    op.execute("DROP TRIGGER actual_immutable ON actual")
    op.execute("DROP FUNCTION actual_guard()")
    for table in IMMUTABLE_TABLES:
        op.execute(f"DROP TRIGGER {table}_immutable ON {table}")
    op.execute("DROP FUNCTION ledger_refuse_change()")
    op.execute("DROP TRIGGER voucher_has_lines ON voucher")
    op.execute("DROP TRIGGER voucher_line_balanced ON voucher_line")
    op.execute("DROP FUNCTION ledger_voucher_balanced()")
    op.drop_constraint(UNIT_GROUP_BASE_UNIT_FK, "unit_group", type_="foreignkey")
