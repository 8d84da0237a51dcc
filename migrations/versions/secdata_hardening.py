"""Hardening from the third security review (issue 23, items 3 and 4).

- sign-in lockout per account and address (sign_in_lock) instead of per account;
- checks started with an invitation's code are marked (check.by_code);
- patient sessions kept on the server (patient_session), pending contact details with them;
- a known text sealed under each data key in use (data_key_check), checked at start-up;
- the audit chain re-keyed (HMAC), and the database refusing to change a chained entry (and,
  on PostgreSQL, to delete one outside a purge).

Revision ID: secdata_hardening
Revises: sso_sign_on
"""

import sqlalchemy as sa
from alembic import op


revision = "secdata_hardening"
down_revision = "sso_sign_on"
branch_labels = None
depends_on = None

POSTGRES_WRITE_ONCE = """
CREATE OR REPLACE FUNCTION audit_event_write_once() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.hash IS NULL THEN
        RETURN NEW;  -- the chain's own link, written in the inserting transaction
    END IF;
    IF TG_OP = 'DELETE' AND current_setting('readiness.audit_purge', true) = 'on' THEN
        RETURN OLD;  -- the retention purge
    END IF;
    RAISE EXCEPTION 'audit entries cannot be changed or deleted';
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_event_write_once BEFORE UPDATE OR DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_event_write_once();
"""

SQLITE_WRITE_ONCE = """
CREATE TRIGGER audit_event_write_once BEFORE UPDATE ON audit_event
WHEN OLD.hash IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'audit entries cannot be changed');
END
"""


def upgrade():
    with op.batch_alter_table("staff_user", schema=None) as batch_op:
        batch_op.drop_column("locked_until")
        batch_op.drop_column("failed_sign_ins")
    op.create_table(
        "sign_in_lock",
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("tries", sa.Integer(), nullable=False),
        sa.Column("locks", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff_user.id"],
            name=op.f("fk_sign_in_lock_staff_id_staff_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("staff_id", "address", name=op.f("pk_sign_in_lock")),
    )
    with op.batch_alter_table("check", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("by_code", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "patient_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("check_id", sa.Integer(), nullable=False),
        sa.Column("pending_contact", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["check_id"], ["check.id"], name=op.f("fk_patient_session_check_id_check")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patient_session")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_patient_session_token_hash")),
    )
    with op.batch_alter_table("patient_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_patient_session_check_id"), ["check_id"])
        batch_op.create_index(batch_op.f("ix_patient_session_seen_at"), ["seen_at"])
    op.create_table(
        "data_key_check",
        sa.Column("key_id", sa.String(length=8), nullable=False),
        sa.Column("sealed", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key_id", name=op.f("pk_data_key_check")),
    )
    rechain_audit_entries()
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRES_WRITE_ONCE)
    else:
        op.execute(SQLITE_WRITE_ONCE)


def rechain_audit_entries():
    """The chain was plain SHA-256: every entry is linked again under the HMAC key."""
    from readiness.audit import chain
    from readiness.models import AuditEvent

    connection = op.get_bind()
    audit_table = AuditEvent.__table__
    entries = connection.execute(sa.select(audit_table).order_by(audit_table.c.id)).all()
    chain(connection, entries)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_event_write_once ON audit_event")
        op.execute("DROP FUNCTION IF EXISTS audit_event_write_once()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_event_write_once")
    op.drop_table("data_key_check")
    with op.batch_alter_table("patient_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_patient_session_seen_at"))
        batch_op.drop_index(batch_op.f("ix_patient_session_check_id"))
    op.drop_table("patient_session")
    with op.batch_alter_table("check", schema=None) as batch_op:
        batch_op.drop_column("by_code")
    op.drop_table("sign_in_lock")
    with op.batch_alter_table("staff_user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("failed_sign_ins", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True))
