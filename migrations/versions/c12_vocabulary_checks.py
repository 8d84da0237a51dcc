"""The database refuses words outside the product's vocabulary (readiness/vocabulary.py)

Revision ID: c12_vocabulary_checks
Revises: c16_media_path
Create Date: 2026-11-30 05:40:00

Check constraints, added in batch mode: SQLite cannot add a constraint to a table, so Alembic
copies the table; PostgreSQL gets ALTER TABLE ... ADD CONSTRAINT. The words are written out
here, not imported, so this migration stays what it was when the vocabulary grows: a new word
needs a new migration that drops and re-creates its constraint.
"""

from alembic import op

revision = "c12_vocabulary_checks"
down_revision = "c16_media_path"
branch_labels = None
depends_on = None

VERDICTS = ("ready", "limited", "not_ready")

# table -> [(column, words)]; each becomes ck_<table>_<column>_known.
CHECKS = {
    "staff_user": [("role", ("desk", "clinician", "admin"))],
    "check": [
        ("verdict", VERDICTS),
        ("outcome", ("no_device_phone_visit", "consent_declined")),
    ],
    "connection_result": [("verdict", VERDICTS)],
    "device_result": [
        ("kind", ("camera", "microphone", "speakers", "browser")),
        ("status", ("pass", "fail", "skipped")),
    ],
    "consent_record": [
        ("decision", ("agreed", "declined")),
        ("method", ("online", "verbal_desk")),
    ],
    "visit_decision": [("choice", ("video", "phone", "in_person"))],
    "outbox_message": [
        (
            "event_type",
            (
                "check.completed",
                "consent.recorded",
                "contact.changed",
                "decision.recorded",
                "check.erased",
            ),
        )
    ],
}


def sql_in(column, words):
    return f"{column} IN ({', '.join(repr(word) for word in words)})"


def upgrade():
    for table, columns in CHECKS.items():
        with op.batch_alter_table(table) as batch:
            for column, words in columns:
                batch.create_check_constraint(
                    op.f(f"ck_{table}_{column}_known"), sql_in(column, words)
                )


def downgrade():
    for table, columns in CHECKS.items():
        with op.batch_alter_table(table) as batch:
            for column, _words in columns:
                batch.drop_constraint(op.f(f"ck_{table}_{column}_known"), type_="check")
