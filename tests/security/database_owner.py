"""What whoever owns the database can do that the app's own writes cannot: change or delete
audit entries past the table's trigger (migration secdata_hardening), as a DBA, a restored
backup or a stolen superuser password would."""

from sqlalchemy import text

from migrations.versions.secdata_hardening import SQLITE_WRITE_ONCE
from readiness.extensions import db


def as_database_owner(statement: str, **params) -> None:
    """Run one statement with the audit table's trigger out of the way (in the app context)."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_write_once"))
        db.session.execute(text(statement), params)
        db.session.execute(text("ALTER TABLE audit_event ENABLE TRIGGER audit_event_write_once"))
    else:
        db.session.execute(text("DROP TRIGGER audit_event_write_once"))
        db.session.execute(text(statement), params)
        db.session.execute(text(SQLITE_WRITE_ONCE))
    db.session.commit()
