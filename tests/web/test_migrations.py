from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from readiness.extensions import db


def test_migrations_match_the_models(app_context):
    """A model change without its migration fails here."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []
