import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from readiness.extensions import db
from readiness.models import Check


def test_migrations_match_the_models(app_context):
    """A model change without its migration fails here."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


@pytest.mark.parametrize(
    "table, column, good, bad",
    [
        ("staff_user", "role", "desk", "root"),
        ("check", "verdict", "limited", "maybe"),
        ("check", "outcome", "consent_declined", "lost"),
        ("device_result", "status", "skipped", "ok"),
        ("consent_record", "decision", "agreed", "yes"),
        ("outbox_message", "event_type", "check.completed", "check.done"),
    ],
)
def test_the_migrated_database_refuses_words_outside_the_vocabulary(
    app_context, table, column, good, bad
):
    """The constraints come from the migrations the tests' schema was built with."""
    quoted = db.engine.dialect.identifier_preparer.quote
    ask = text(f"SELECT {column} FROM {quoted(table)} WHERE {column} = :word")
    db.session.execute(ask, {"word": good})  # the column exists under this name
    found = " ".join(
        str(constraint.get("sqltext"))
        for constraint in inspect(db.engine).get_check_constraints(table)
        if constraint["name"] == f"ck_{table}_{column}_known"
    )
    assert f"'{good}'" in found and f"'{bad}'" not in found


@pytest.mark.parametrize("column, bad", [("verdict", "maybe"), ("outcome", "lost")])
def test_a_check_cannot_be_given_a_verdict_or_outcome_outside_the_vocabulary(
    app_context, column, bad
):
    check = Check(reference_code="K7P4QX", language="en")
    db.session.add(check)
    db.session.commit()
    with pytest.raises(IntegrityError):
        db.session.execute(text(f'UPDATE "check" SET {column} = :bad'), {"bad": bad})
        db.session.flush()
    db.session.rollback()
    db.session.execute(text(f'UPDATE "check" SET {column} = NULL'))  # not finished yet: allowed
    db.session.commit()
