"""The embedded SQLite database, set up for a clinic's busy hour.

WAL: readers never wait for the writer, and a commit never waits for readers. busy_timeout:
a writer that finds another one waits its turn (up to 15 s) instead of failing with "database
is locked". synchronous=NORMAL is WAL's usual pairing: a commit survives the app crashing; only
a power cut can lose the last few.
"""

from sqlalchemy import event

BUSY_TIMEOUT_MS = 15_000


def set_pragmas(dbapi_connection, connection_record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def init_app(app, db) -> None:
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    with app.app_context():
        engine = db.engine
    if not event.contains(engine, "connect", set_pragmas):
        event.listen(engine, "connect", set_pragmas)
