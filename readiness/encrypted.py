"""Column types that encrypt on the way in and decrypt on the way out, so the rest of the code
reads and writes personal fields as plain strings and dicts (readiness.data_keys does the work).

Each value is bound to its place, "<table>.<column>.<row id>" (AEAD associated data):
- a new row is written, then its values are sealed again under its id in the same flush (the id
  is known only once the row is in: `seal_in_place`);
- a changed value is sealed for its row before the UPDATE (`place_changes`);
- a loaded value must have been sealed for the row and column it is read from (`check_places`),
  so a ciphertext copied from another patient's row or another column is refused, not shown.
"""

import json

from flask import current_app
from sqlalchemy import column, event, inspect, table, types, update
from sqlalchemy.orm import attributes

from .data_keys import UNBOUND, Keyring, UndecryptableValue

KEYRING = "readiness_keyring"


def keyring() -> Keyring:
    """The running app's keys (create_app builds them from READINESS_DATA_KEYS)."""
    return current_app.extensions[KEYRING]


class Placed(str):
    """A value on its way to its row: sealed for `place`."""

    place: str

    def __new__(cls, value, place):
        made = super().__new__(cls, value)
        made.place = place
        return made


class PlacedDict(dict):
    place: str


class Opened(str):
    """A value as read, with the place it was sealed for (None: legacy v1 or clear)."""

    sealed_for: str | None


class OpenedDict(dict):
    sealed_for: str | None


def place_of(value) -> str:
    return getattr(value, "place", UNBOUND) if isinstance(value, Placed | PlacedDict) else UNBOUND


class EncryptedText(types.TypeDecorator):
    """A personal text field, stored encrypted with the newest data key."""

    impl = types.Text
    cache_ok = True

    def seal(self, value, place: str) -> str:
        return keyring().encrypt(str(value), place)

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return self.seal(value, place_of(value))

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        text, place = keyring().open(value)
        opened = Opened(text)
        opened.sealed_for = place
        return opened


class EncryptedJSON(types.TypeDecorator):
    """A document holding personal data (an outbox payload), stored encrypted as JSON text."""

    impl = types.Text
    cache_ok = True

    def seal(self, value, place: str) -> str:
        return keyring().encrypt(json.dumps(value, separators=(",", ":")), place)

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return self.seal(value, place_of(value))

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        text, place = keyring().open(value)
        opened = OpenedDict(json.loads(text))
        opened.sealed_for = place
        return opened


def encrypted_columns(model) -> list[str]:
    return [
        col.name
        for col in model.__table__.columns
        if isinstance(col.type, EncryptedText | EncryptedJSON)
    ]


def bind_to_rows(model) -> None:
    """Seal the model's encrypted values for their rows, and check them when loaded."""
    names = encrypted_columns(model)
    table_name = model.__table__.name
    raw = table(table_name, column("id"), *(column(name) for name in names))

    def place(target, name: str) -> str:
        return f"{table_name}.{name}.{target.id}"

    def seal_in_place(_mapper, connection, target) -> None:
        values = {
            name: model.__table__.c[name].type.seal(value, place(target, name))
            for name in names
            if (value := getattr(target, name)) is not None
        }
        if values:
            connection.execute(update(raw).where(raw.c.id == target.id).values(**values))

    def place_changes(_mapper, _connection, target) -> None:
        state = inspect(target)
        for name in names:
            value = getattr(target, name)
            if value is None or not state.attrs[name].history.has_changes():
                continue
            if isinstance(value, dict):
                placed = PlacedDict(value)
                placed.place = place(target, name)
            else:
                placed = Placed(value, place(target, name))
            attributes.set_attribute(target, name, placed)

    def check_places(target, *_args) -> None:
        for name in names:
            value = target.__dict__.get(name)
            sealed_for = getattr(value, "sealed_for", None)
            if sealed_for is not None and sealed_for != place(target, name):
                raise UndecryptableValue(
                    f"a value sealed for {sealed_for} was found in {place(target, name)}"
                )

    event.listen(model, "after_insert", seal_in_place)
    event.listen(model, "before_update", place_changes)
    event.listen(model, "load", check_places)
    event.listen(model, "refresh", check_places)


def check_data_keys(app) -> None:
    """Refuse to start with data keys that do not open the stored data (a wrong key would start,
    fail later with errors, and write new rows under itself); register the newest key's check.

    Skipped while the database is unreachable or its schema not upgraded (`flask db upgrade`
    starts the app before it migrates)."""
    from sqlalchemy import exc, select

    from .data_keys import is_encrypted, key_check_problem
    from .extensions import db
    from .models import DataKeyCheck

    if not app.config.get("DATA_KEY_CHECK", True):
        return
    ring = app.extensions[KEYRING]
    with app.app_context():
        try:
            if not inspect(db.engine).has_table(DataKeyCheck.__tablename__):
                return
            stored = {
                key_id: sealed
                for key_id, sealed in db.session.execute(
                    select(DataKeyCheck.key_id, DataKeyCheck.sealed)
                )
            }
            seen = set()
            if not stored:  # a database from before the check: look at the data itself
                for model_table in db.metadata.tables.values():
                    for col in model_table.columns:
                        if isinstance(col.type, EncryptedText | EncryptedJSON):
                            raw = db.session.execute(
                                select(col.cast(types.Text)).where(col.is_not(None)).limit(1)
                            ).scalar()
                            if raw and is_encrypted(raw):
                                seen.add(raw.split(".")[1])
        except exc.SQLAlchemyError:  # unreachable, or a schema not yet upgraded
            db.session.rollback()
            db.session.remove()
            return
        problem = key_check_problem(ring, stored, seen)
        if problem:
            db.session.remove()
            db.engine.dispose()  # this app goes no further: leave no connection open
            raise RuntimeError(f"Refusing to start: {problem}")
        if ring.newest.id not in stored:
            db.session.add(DataKeyCheck(key_id=ring.newest.id, sealed=ring.key_check()))
            try:
                db.session.commit()
            except exc.IntegrityError:  # another worker registered it at the same moment
                db.session.rollback()
        db.session.remove()


def forget_old_key_checks(session, ring: Keyring) -> None:
    """After a finished rotation only the newest key holds data: older ones may be dropped."""
    from sqlalchemy import delete

    from .models import DataKeyCheck

    session.execute(delete(DataKeyCheck).where(DataKeyCheck.key_id != ring.newest.id))
