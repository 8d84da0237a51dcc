"""Column types that encrypt on the way in and decrypt on the way out, so the rest of the code
reads and writes personal fields as plain strings and dicts (readiness.data_keys does the work).
"""

import json

from flask import current_app
from sqlalchemy import types

from .data_keys import Keyring

KEYRING = "readiness_keyring"


def keyring() -> Keyring:
    """The running app's keys (create_app builds them from READINESS_DATA_KEYS)."""
    return current_app.extensions[KEYRING]


class EncryptedText(types.TypeDecorator):
    """A personal text field, stored encrypted with the newest data key."""

    impl = types.Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return keyring().encrypt(str(value))

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return keyring().decrypt(value)


class EncryptedJSON(types.TypeDecorator):
    """A document holding personal data (an outbox payload), stored encrypted as JSON text."""

    impl = types.Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return keyring().encrypt(json.dumps(value, separators=(",", ":")))

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return json.loads(keyring().decrypt(value))
